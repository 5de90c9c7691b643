import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, snapshotTree, tempDir } from '../support/cli.js';

const CONFIG = '.fractary/plugins/faber-cloud/config/devops.json';

describe('faber-cloud init', () => {
  it('writes a config that validates, with the three profiles, test and prod, and the naming pattern', async () => {
    const root = await tempDir('faber-init-');
    const run = await runCli(['init', '--provider', 'aws', '--iac', 'terraform', '--project', 'shop', '--region', 'eu-west-1', '--account-id', '123456789012', '--json'], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: 'init', data: { project: 'shop', environments: ['test', 'prod'] } });

    const config = JSON.parse(await readFile(path.join(root, CONFIG), 'utf8'));
    expect(config.handlers.hosting.aws.profiles).toMatchObject({
      discover: 'shop-discover-deploy',
      test: 'shop-test-deploy',
      prod: 'shop-prod-deploy',
    });
    expect(config.handlers.hosting.aws).toMatchObject({ region: 'eu-west-1', account_id: '123456789012' });
    expect(config.environments.prod).toMatchObject({ profile: 'prod', require_confirmation: true, auto_fix_permissions: false });
    expect(config.environments.test).toMatchObject({ profile: 'test' });
    expect(config.resource_naming.pattern).toBe('{project}-{subsystem}-{environment}-{resource}');

    const validate = await runCli(['config', 'validate', '--json'], { cwd: root });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.json.data.valid).toBe(true);
  });

  it('accepts --flag=value style, derives the project from the directory, and warns without an account id', async () => {
    const parent = await tempDir('faber-init-');
    const root = path.join(parent, 'My Web_App');
    await mkdir(root);
    const run = await runCli(['init', '--provider=aws', '--iac=terraform'], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('my-web-app-test-deploy');
    expect(run.stderr).toMatch(/account_id/);
    const config = JSON.parse(await readFile(path.join(root, CONFIG), 'utf8'));
    expect(config.project.name).toBe('my-web-app');
  });

  it('detects an existing terraform directory', async () => {
    const root = await tempDir('faber-init-');
    await mkdir(path.join(root, 'deploy', 'tf-root'), { recursive: true });
    await writeFile(path.join(root, 'deploy', 'tf-root', 'main.tf'), 'terraform {}\n');
    const run = await runCli(['init', '--project', 'app', '--json'], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.data).toMatchObject({ iac: 'terraform', iac_directory: './deploy/tf-root', iac_detected: true });
  });

  it('adds plan files and locks to .gitignore once, keeping what was there', async () => {
    const root = await tempDir('faber-init-');
    await writeFile(path.join(root, '.gitignore'), 'node_modules/\n.terraform/');
    expect((await runCli(['init', '--project', 'app'], { cwd: root })).code).toBe(0);
    expect((await runCli(['init', '--project', 'app', '--force'], { cwd: root })).code).toBe(0);
    const gitignore = await readFile(path.join(root, '.gitignore'), 'utf8');
    expect(gitignore.startsWith('node_modules/\n.terraform/\n')).toBe(true);
    expect(gitignore).toContain('.fractary/plugins/faber-cloud/deployments/*/plans/');
    expect(gitignore).toContain('.fractary/plugins/faber-cloud/deployments/*/.lock*');
    expect(gitignore).toContain('*.tfplan');
    expect(gitignore).toContain('.fractary/plugins/faber-cloud/incidents/');
    expect(gitignore.match(/\.terraform\//g)).toHaveLength(1);
    expect(gitignore.match(/deployments\/\*\/plans\//g)).toHaveLength(1);
  });

  it('refuses to overwrite without --force (exit 3, file untouched), and keeps a backup with --force', async () => {
    const root = await tempDir('faber-init-');
    expect((await runCli(['init', '--project', 'first'], { cwd: root })).code).toBe(0);
    const before = await snapshotTree(root);

    const refused = await runCli(['init', '--project', 'second', '--json'], { cwd: root });
    expect(refused.code).toBe(3);
    expect(refused.json.error).toMatchObject({ code: 'E_CONFIG_EXISTS' });
    expect(refused.json.error.hint).toMatch(/--force/);
    expect(await snapshotTree(root)).toEqual(before);

    const forced = await runCli(['init', '--project', 'second', '--json', '--force'], { cwd: root });
    expect(forced.code, forced.stderr).toBe(0);
    const config = JSON.parse(await readFile(path.join(root, CONFIG), 'utf8'));
    expect(config.project.name).toBe('second');
    const backups = (await readdir(path.dirname(path.join(root, CONFIG)))).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    const backup = JSON.parse(await readFile(path.join(root, path.dirname(CONFIG), backups[0] as string), 'utf8'));
    expect(backup.project.name).toBe('first');
  });

  it.each([
    [['--project', 'Bad Name!'], /--project: project\.name must be lowercase/],
    [['--project', 'ok', '--region', 'mars-1'], /--region: region must look like us-east-1/],
    [['--project', 'ok', '--account-id', '12345'], /--account-id: account id must be exactly 12 digits/],
    [['--project', 'ok', '--provider', 'gcp'], /--provider gcp: planned, not available yet/],
    [['--project', 'ok', '--iac', 'ansible'], /--iac ansible: unknown iac handler/],
    [['--project', 'ok', '--no-such-flag'], /unknown option '--no-such-flag'/],
  ])('rejects bad input %j with exit 2 and writes nothing', async (args, message) => {
    const root = await tempDir('faber-init-');
    const run = await runCli(['init', ...args, '--json'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.json.ok).toBe(false);
    expect(run.json.error.message).toMatch(message);
    expect(await snapshotTree(root)).toEqual({});
  });
});

describe('CLI surface', () => {
  it('--help lists every command with a one-line description, and --version prints the package version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['init', 'config show', 'config validate']) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\s{2,}\\S`, 'm'));
    expect(help.stdout).toMatch(/--json/);
    const version = await runCli(['--version']);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('gives unknown commands a usage error envelope', async () => {
    const run = await runCli(['deploy-everything', '--json']);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });

  it('command help teaches with examples', async () => {
    const run = await runCli(['init', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--account-id <id>/);
    expect(run.stdout).toMatch(/Examples:\n\s+\$ faber-cloud init/);
  });
});
