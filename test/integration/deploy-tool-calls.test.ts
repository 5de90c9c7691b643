import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { createProject } from '../support/project.js';
import { testTools } from '../support/tools.js';

/**
 * What a deploy asks of the IaC tool (performance, docs/PERFORMANCE.md "Deploy overhead"): each
 * `show -json` loads every provider's schema (seconds with hashicorp/aws), so after the apply the
 * state is read once, with `state pull` (no provider started), for the registry and DEPLOYED.md's
 * outputs both. What raw state cannot say without the schemas (dynamic and sensitive attributes)
 * comes from a digest of `providers schema -json`, made once per lock file and tool version.
 */
/** The IaC tool behind a script that logs each call's arguments to `log` (and runs `before` first). */
async function loggingTool(before = ''): Promise<{ log: string; wrapper: string }> {
  const log = path.join(await tempDir('faber-tool-calls-'), 'calls.log');
  const wrapper = path.join(path.dirname(log), 'tofu');
  await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\n${before}exec '${testTools().iac_binary}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return { log, wrapper };
}

describe('infra deploy: IaC tool calls', () => {
  it('reads state once after the apply, without show -json, and DEPLOYED.md still lists the outputs from it', async () => {
    const p = await createProject('multi-module');
    const main = path.join(p.terraformDir, 'main.tf');
    // A provider (so a lock file), a sensitive attribute and the built-in dynamic one (terraform_data.input).
    const extra = [
      'terraform {\n  required_providers {\n    random = { source = "hashicorp/random" }\n  }\n}',
      'resource "random_password" "pw" {\n  length = 18\n}',
      'output "one_id" {\n  value = terraform_data.one.id\n}',
      'output "pw_length" {\n  value = random_password.pw.length\n}',
    ].join('\n\n');
    await writeFile(main, `${await readFile(main, 'utf8')}\n${extra}\n`);
    const { log, wrapper } = await loggingTool();
    const afterApply = async () => {
      const calls = (await readFile(log, 'utf8')).trim().split('\n');
      const applyAt = calls.findIndex((c) => c.startsWith('apply '));
      expect(applyAt).toBeGreaterThan(0);
      await writeFile(log, '');
      return calls.slice(applyAt + 1);
    };
    const stateShows = (calls: string[]) => calls.filter((c) => /^show\b/.test(c) && !c.includes('.tfplan'));

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: { FABER_CLOUD_IAC_BINARY: wrapper } });
    expect(deploy.code, deploy.stderr).toBe(0);
    // First deploy: the digest is made once, then state is pulled; no state `show`.
    const first = await afterApply();
    expect(stateShows(first)).toEqual([]);
    expect(first.filter((c) => c.startsWith('state pull'))).toHaveLength(1);
    expect(first.filter((c) => c.startsWith('providers schema'))).toHaveLength(1);

    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    const one = registry.resources.find((r: { address: string }) => r.address === 'terraform_data.one');
    const pw = registry.resources.find((r: { address: string }) => r.address === 'random_password.pw');
    expect(one?.id).toEqual(expect.any(String));
    expect(pw?.id).toBe('none');
    const deployed = await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8');
    expect(deployed).toContain(`\`one_id\`: \`"${one.id}"\``);
    expect(deployed).toContain('`pw_length`: `18`');
    expect(deployed).toContain('`secret_out`: (sensitive, redacted)');
    expect(deployed).not.toContain('hunter2');
    // The password itself is nowhere in what the deploy wrote.
    const stateFile = path.join(p.terraformDir, 'terraform.tfstate.d', 'test', 'terraform.tfstate');
    const password = JSON.parse(await readFile(stateFile, 'utf8')).resources.find((r: { type: string }) => r.type === 'random_password')?.instances[0].attributes.result;
    expect(password).toMatch(/^.{18}$/);
    expect(JSON.stringify(registry) + deployed).not.toContain(password);

    // Second deploy (a change): the digest is read back, only `state pull` after the apply.
    await writeFile(main, `${await readFile(main, 'utf8')}\nresource "terraform_data" "two" {\n  input = "second"\n}\n`);
    const again = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: { FABER_CLOUD_IAC_BINARY: wrapper } });
    expect(again.code, again.stderr).toBe(0);
    const second = await afterApply();
    expect(second.filter((c) => /^(show|providers)\b/.test(c) && !c.includes('.tfplan'))).toEqual([]);
    expect(second.filter((c) => c.startsWith('state pull'))).toHaveLength(1);
    const after = await p.readJson(p.artifact('test', 'registry.json'));
    expect(after.resources.map((r: { address: string }) => r.address)).toContain('terraform_data.two');
    // A preview, then its deploy: the preview's init still holds, so the deploy runs none. The
    // secret is set by the caller here (TF_VAR_secret), so the plan file holds its value.
    const withSecret = { FABER_CLOUD_IAC_BINARY: wrapper, TF_VAR_secret: 'hunter2' };
    await writeFile(main, `${await readFile(main, 'utf8')}\nresource "terraform_data" "three" {\n  input = "third"\n}\n`);
    await writeFile(log, '');
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json'], { env: withSecret });
    expect(preview.code, preview.stderr).toBe(0);
    const previewCalls = (await readFile(log, 'utf8')).trim().split('\n');
    expect(previewCalls.filter((c) => c.startsWith('init'))).toHaveLength(1);
    // A configuration not shown before: the tool shows the plan (and its configuration is kept).
    expect(previewCalls.filter((c) => /^show\b/.test(c))).toHaveLength(1);
    await writeFile(log, '');
    const planId = JSON.parse(preview.stdout).data.plan_id as string;
    const applied = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json'], { env: withSecret });
    expect(applied.code, applied.stderr).toBe(0);
    const deployCalls = (await readFile(log, 'utf8')).trim().split('\n');
    expect(deployCalls.filter((c) => c.startsWith('init'))).toEqual([]);
    expect(deployCalls.filter((c) => c.startsWith('apply'))).toHaveLength(1);
    // The saved plan is read from the file (plan-file/): no `show` at all, of the plan or of state.
    expect(deployCalls.filter((c) => /^(show|providers)\b/.test(c))).toEqual([]);
    const third = await p.readJson(p.artifact('test', 'registry.json'));
    expect(third.resources.map((r: { address: string }) => r.address)).toContain('terraform_data.three');
    // The secret reaches state unmarked (terraform_data's output copies input): registered from
    // the plan file's variables, it is still kept out of what the deploy wrote.
    const written = JSON.stringify(third) + (await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8')) + applied.stdout + applied.stderr;
    expect(written).not.toContain('hunter2');

    // The next preview of the same configuration reads its plan from the file too.
    await writeFile(log, '');
    const unchanged = await p.cli(['infra', 'preview', '--env', 'test', '--json'], { env: withSecret });
    expect(unchanged.code, unchanged.stderr).toBe(0);
    expect(JSON.parse(unchanged.stdout).data.digest.has_changes).toBe(false);
    expect((await readFile(log, 'utf8')).trim().split('\n').filter((c) => /^show\b/.test(c))).toEqual([]);
    // Left to its default, the secret is not in the plan file (only `show -json` shows a default):
    // the tool shows the plan.
    await writeFile(log, '');
    const byDefault = await p.cli(['infra', 'preview', '--env', 'test', '--json'], { env: { FABER_CLOUD_IAC_BINARY: wrapper } });
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect((await readFile(log, 'utf8')).trim().split('\n').filter((c) => /^show\b/.test(c))).toHaveLength(1);

    // Resources the changes left alone keep their record.
    expect(after.resources.find((r: { address: string }) => r.address === 'terraform_data.one')).toMatchObject({ created_at: one.created_at, updated_at: one.updated_at, fingerprint: one.fingerprint });
  });

  it('falls back to show -json when the shortcut fails (providers schema refused), and the deploy still records its state', async () => {
    const p = await createProject('multi-module');
    const main = path.join(p.terraformDir, 'main.tf');
    await writeFile(main, `${await readFile(main, 'utf8')}\nterraform {\n  required_providers {\n    random = { source = "hashicorp/random" }\n  }\n}\n\nresource "random_id" "x" {\n  byte_length = 4\n}\n`);
    const { log, wrapper } = await loggingTool(`[ "$1" = providers ] && { echo 'Error: refused by the test' >&2; exit 1; }\n`);

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: { FABER_CLOUD_IAC_BINARY: wrapper } });
    expect(deploy.code, deploy.stderr).toBe(0);
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    const after = calls.slice(calls.findIndex((c) => c.startsWith('apply ')) + 1);
    expect(after.filter((c) => c.startsWith('providers schema'))).toHaveLength(1);
    expect(after.filter((c) => /^show\b/.test(c) && !c.includes('.tfplan'))).toHaveLength(1);
    const registry = await p.readJson(p.artifact('test', 'registry.json'));
    expect(registry.resources.map((r: { address: string }) => r.address)).toContain('random_id.x');
  });
});
