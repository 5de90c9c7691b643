import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workingDirectoryFingerprint } from '../../src/handlers/iac/terraform/working-directory.js';

/** The init a command skips must still hold: every change an init depends on moves the fingerprint. */
describe('workingDirectoryFingerprint', () => {
  async function workingDirectory() {
    const dir = await mkdtemp(path.join(tmpdir(), 'faber-wd-'));
    await mkdir(path.join(dir, '.terraform', 'modules'), { recursive: true });
    await mkdir(path.join(dir, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'aws', '6.47.0'), { recursive: true });
    await mkdir(path.join(dir, 'modules', 'store'), { recursive: true });
    await writeFile(path.join(dir, 'main.tf'), 'module "store" {\n  source = "./modules/store"\n}\n');
    await writeFile(path.join(dir, 'modules', 'store', 'main.tf'), 'resource "terraform_data" "x" {}\n');
    await writeFile(path.join(dir, '.terraform.lock.hcl'), 'provider "registry.opentofu.org/hashicorp/aws" {}\n');
    await writeFile(path.join(dir, '.terraform', 'terraform.tfstate'), '{"backend":{"type":"s3","hash":1}}');
    await writeFile(path.join(dir, '.terraform', 'modules', 'modules.json'), JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'store', Source: './modules/store', Dir: 'modules/store' }] }));
    await writeFile(path.join(dir, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'aws', '6.47.0', 'terraform-provider-aws'), 'binary');
    return dir;
  }

  it('is stable while nothing an init depends on changes (workspace selection, state, plans, other files)', async () => {
    const dir = await workingDirectory();
    const before = await workingDirectoryFingerprint(dir);
    await writeFile(path.join(dir, '.terraform', 'environment'), 'prod');
    await mkdir(path.join(dir, 'terraform.tfstate.d', 'test'), { recursive: true });
    await writeFile(path.join(dir, 'terraform.tfstate.d', 'test', 'terraform.tfstate'), '{}');
    await writeFile(path.join(dir, 'README.md'), 'notes');
    await writeFile(path.join(dir, '.terraform', 'faber-cloud-init.json'), '{}');
    expect(await workingDirectoryFingerprint(dir)).toBe(before);
  });

  it.each<[string, (dir: string) => Promise<unknown>]>([
    ['another backend configured by hand', (d) => writeFile(path.join(d, '.terraform', 'terraform.tfstate'), '{"backend":{"type":"s3","hash":2}}')],
    ['the backend configuration removed', (d) => rm(path.join(d, '.terraform', 'terraform.tfstate'))],
    ['the backend record rewritten with the same content (a checkout)', (d) => utimes(path.join(d, '.terraform', 'terraform.tfstate'), 2, 2)],
    ['the lock file changed', (d) => writeFile(path.join(d, '.terraform.lock.hcl'), 'provider "registry.opentofu.org/hashicorp/aws" { version = "6.48.0" }\n')],
    ['a root configuration file changed', (d) => writeFile(path.join(d, 'main.tf'), 'module "store" {\n  source = "./modules/store"\n}\nmodule "more" {\n  source = "./modules/more"\n}\n')],
    ['a configuration file added', (d) => writeFile(path.join(d, 'providers.tf.json'), '{}')],
    ['a local module changed', (d) => writeFile(path.join(d, 'modules', 'store', 'main.tf'), 'module "nested" {\n  source = "../nested"\n}\n')],
    ['the installed modules changed', (d) => writeFile(path.join(d, '.terraform', 'modules', 'modules.json'), '{"Modules":[]}')],
    ['a provider package removed', (d) => rm(path.join(d, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'aws', '6.47.0', 'terraform-provider-aws'))],
    ['a provider package replaced', (d) => utimes(path.join(d, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'aws', '6.47.0', 'terraform-provider-aws'), 1, 1)],
    ['a provider linked elsewhere', async (d) => {
      const bin = path.join(d, '.terraform', 'providers', 'registry.opentofu.org', 'hashicorp', 'aws', '6.47.0', 'terraform-provider-aws');
      await rm(bin);
      await symlink('/elsewhere/terraform-provider-aws', bin);
    }],
  ])('changes when %s', async (_case, change) => {
    const dir = await workingDirectory();
    const before = await workingDirectoryFingerprint(dir);
    await change(dir);
    expect(await workingDirectoryFingerprint(dir)).not.toBe(before);
  });
});
