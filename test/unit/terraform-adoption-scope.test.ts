import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLE, TerraformHandler } from '../../src/handlers/iac/terraform/handler.js';

/**
 * Issue 17, part 3: adopted resources are scoped by a variable naming the environment, which the
 * Terraform handler sets on every run of the tool. A fake binary records what it was given.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fakeTool(version: string): Promise<{ binary: string; dir: string; seen: () => Promise<string[]> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fc-adopt-scope-'));
  dirs.push(dir);
  const binary = path.join(dir, 'tofu');
  const log = path.join(dir, 'seen');
  await writeFile(
    binary,
    `#!/bin/sh
if [ "$1" = version ] && [ "$2" = -json ]; then echo '{"terraform_version":"${version}"}'; exit 0; fi
if [ "$1" = version ]; then echo 'OpenTofu v${version}'; exit 0; fi
echo "$1 \${TF_VAR_${ENVIRONMENT_VARIABLE}-unset}" >> '${log}'
echo '{"valid":true,"diagnostics":[]}'
`,
  );
  await chmod(binary, 0o755);
  return { binary, dir, seen: async () => (await readFile(log, 'utf8')).trim().split('\n') };
}

describe('Terraform adoption scope', () => {
  it('every run of the tool is given the environment as TF_VAR_faber_cloud_environment (overriding one inherited)', async () => {
    const tool = await fakeTool('1.12.6');
    const handler = new TerraformHandler({ directory: tool.dir, binary: 'tofu', environment: 'test', env: { PATH: process.env.PATH, FABER_CLOUD_IAC_BINARY: tool.binary, [`TF_VAR_${ENVIRONMENT_VARIABLE}`]: 'prod' } });
    await handler.validate();
    expect(await tool.seen()).toEqual(['validate test']);
  });

  it('a handler of no environment sets nothing', async () => {
    const tool = await fakeTool('1.12.6');
    const handler = new TerraformHandler({ directory: tool.dir, binary: 'tofu', env: { PATH: process.env.PATH, FABER_CLOUD_IAC_BINARY: tool.binary } });
    await handler.validate();
    expect(await tool.seen()).toEqual(['validate unset']);
  });

  it('the condition names the environment by that variable, whatever its workspace; the declaration has no default', () => {
    for (const workspace of ['default', 'test', undefined]) {
      const handler = new TerraformHandler({ directory: '/nowhere', binary: 'tofu', environment: 'test', ...(workspace ? { workspace } : {}) });
      const scope = handler.adoption.scope();
      expect(scope.condition).toBe('var.faber_cloud_environment == "test"');
      expect(scope.declarations).toMatch(/^variable "faber_cloud_environment" \{\n/);
      // A run without the variable (a hand-run plan) must stop, not plan every adopted resource away.
      expect(scope.declarations).not.toMatch(/^\s*default\s*=/m);
      expect(scope.declarations).toMatch(/^\s*nullable\s*=\s*false$/m);
    }
    expect(new TerraformHandler({ directory: '/nowhere', binary: 'tofu', environment: 'qa"1' }).adoption.scope().condition).toBe('var.faber_cloud_environment == "qa\\"1"');
  });

  it('for_each in import blocks needs 1.7: older binaries are named as unsupported', async () => {
    const old = await fakeTool('1.6.2');
    const oldHandler = new TerraformHandler({ directory: old.dir, binary: 'tofu', environment: 'test', env: { PATH: process.env.PATH, FABER_CLOUD_IAC_BINARY: old.binary } });
    expect(await oldHandler.adoption.unsupported()).toMatch(/tofu 1\.6\.2 .*1\.7 or later/);
    const current = await fakeTool('1.7.0');
    const handler = new TerraformHandler({ directory: current.dir, binary: 'tofu', environment: 'test', env: { PATH: process.env.PATH, FABER_CLOUD_IAC_BINARY: current.binary } });
    expect(await handler.adoption.unsupported()).toBeUndefined();
  });
});
