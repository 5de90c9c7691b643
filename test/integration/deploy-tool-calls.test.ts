import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { createProject } from '../support/project.js';
import { testTools } from '../support/tools.js';

/**
 * What a deploy asks of the IaC tool (performance, docs/PERFORMANCE.md "Deploy overhead"): each
 * `show -json` loads every provider's schema (seconds with hashicorp/aws), so the state is read
 * once after the apply, for the registry and DEPLOYED.md's outputs both.
 */
describe('infra deploy: IaC tool calls', () => {
  it('reads state once after the apply, and DEPLOYED.md still lists the outputs from it', async () => {
    const p = await createProject('multi-module');
    const main = path.join(p.terraformDir, 'main.tf');
    await writeFile(main, `${await readFile(main, 'utf8')}\noutput "one_id" {\n  value = terraform_data.one.id\n}\n`);
    const log = path.join(await tempDir('faber-tool-calls-'), 'calls.log');
    const wrapper = path.join(path.dirname(log), 'tofu');
    await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${testTools().iac_binary}' "$@"\n`);
    await chmod(wrapper, 0o755);

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: { FABER_CLOUD_IAC_BINARY: wrapper } });
    expect(deploy.code, deploy.stderr).toBe(0);

    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    const applyAt = calls.findIndex((c) => c.startsWith('apply '));
    expect(applyAt).toBeGreaterThan(0);
    const after = calls.slice(applyAt + 1);
    // `show -json` with no plan file: the state. Exactly one after the apply.
    expect(after.filter((c) => /^show\b/.test(c) && !c.includes('.tfplan'))).toHaveLength(1);

    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    const one = registry.resources.find((r: { address: string }) => r.address === 'terraform_data.one');
    const deployed = await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8');
    expect(deployed).toContain(`\`one_id\`: \`"${one.id}"\``);
    expect(deployed).toContain('`secret_out`: (sensitive, redacted)');
    expect(deployed).not.toContain('hunter2');
  });
});
