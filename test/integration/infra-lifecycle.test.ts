import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanDigestSchema } from '../../src/cli/output-schemas/common.js';
import { CLI } from '../support/cli.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * The infrastructure lifecycle through the built CLI, with the real IaC binary and moto
 * (STS answers the identity check): preview → deploy → change → deploy → destroy on a
 * multi-module fixture with count and for_each.
 */

async function registryAddresses(p: TestProject, env: string) {
  const registry = await p.readJson(p.artifact(env, 'registry.json'));
  return (registry.resources as { address: string; id: string }[]).map((r) => ({ address: r.address, id: r.id })).sort((a, b) => a.address.localeCompare(b.address));
}

async function historyLines(p: TestProject, env: string): Promise<any[]> {
  const text = await readFile(p.artifact(env, 'history.jsonl'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line));
}

describe('infra lifecycle on a multi-module fixture', () => {
  it('keeps the registry equal to state through preview, deploy, change, deploy and destroy', async () => {
    const p = await createProject('multi-module');

    // preview: a saved plan named by its id, nothing applied yet
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const planId: string = preview.json.data.plan_id;
    expect(planId).toMatch(/^[0-9a-f]{12}$/);
    expect(preview.json.data.digest.counts).toEqual({ create: 5, update: 0, replace: 0, delete: 0 });
    expect(existsSync(p.artifact('test', `plans/${planId}.tfplan`))).toBe(true);
    expect(preview.stdout).not.toContain('hunter2');
    expect(await readFile(p.artifact('test', `plans/${planId}.json`), 'utf8')).not.toContain('hunter2');
    expect(existsSync(p.artifact('test', 'registry.json'))).toBe(false);
    expect(await p.state('test')).toEqual([]);

    // deploy exactly that plan
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.json.data.plan_id).toBe(planId);
    expect(deploy.stderr).toContain('account 123456789012');
    expect(deploy.stderr).toContain('caller arn:aws:sts::123456789012:user/moto');
    const afterFirst = await p.state('test');
    expect(afterFirst.map((r) => r.address)).toEqual([
      'module.store.terraform_data.each["x"]',
      'module.store.terraform_data.each["y"]',
      'terraform_data.many[0]',
      'terraform_data.many[1]',
      'terraform_data.one',
    ]);
    expect(await registryAddresses(p, 'test')).toEqual(afterFirst);
    const first = await p.readJson(p.artifact('test', 'registry.json'));
    const createdAt = Object.fromEntries(first.resources.map((r: any) => [r.address, r.created_at]));
    const deployed = await readFile(p.artifact('test', 'DEPLOYED.md'), 'utf8');
    expect(deployed.split('\n')[0]).toMatch(/generated/i);
    expect(deployed).not.toContain('hunter2');
    expect(deployed).toContain('secret_out');
    // the plan was applied once and is gone
    expect(existsSync(p.artifact('test', `plans/${planId}.tfplan`))).toBe(false);

    // change: one more count instance, one input updated, one for_each key removed
    const main = path.join(p.terraformDir, 'main.tf');
    const source = await readFile(main, 'utf8');
    await writeFile(main, source.replace('count = 2', 'count = 3').replace('input = "a"', 'input = "b"').replace('names  = ["x", "y"]', 'names  = ["x"]'));
    await new Promise((r) => setTimeout(r, 20)); // distinct timestamps
    const change = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(change.code, change.stderr).toBe(0);
    expect(change.json.data.digest.counts).toMatchObject({ create: 1, delete: 1 });
    const afterChange = await p.state('test');
    expect(afterChange.map((r) => r.address)).toContain('terraform_data.many[2]');
    expect(afterChange.map((r) => r.address)).not.toContain('module.store.terraform_data.each["y"]');
    expect(await registryAddresses(p, 'test')).toEqual(afterChange);
    const second = await p.readJson(p.artifact('test', 'registry.json'));
    const byAddress = Object.fromEntries(second.resources.map((r: any) => [r.address, r]));
    // untouched and updated-in-place resources keep their created_at; new ones get a new one
    expect(byAddress['terraform_data.many[0]'].created_at).toBe(createdAt['terraform_data.many[0]']);
    expect(byAddress['terraform_data.one'].created_at).toBe(createdAt['terraform_data.one']);
    expect(byAddress['terraform_data.one'].updated_at > byAddress['terraform_data.one'].created_at).toBe(true);
    expect(byAddress['terraform_data.many[2]'].created_at > createdAt['terraform_data.many[0]']).toBe(true);

    // show-resources and history read the same records
    const shown = await p.cli(['infra', 'show-resources', '--env', 'test', '--json']);
    expect(shown.json.data.resources.map((r: any) => r.address).sort()).toEqual(afterChange.map((r) => r.address));
    const typed = await p.cli(['infra', 'show-resources', '--env', 'test', '--type', 'nope', '--json']);
    expect(typed.json.data.resources).toEqual([]);

    // destroy: needs its confirmation, then empties state and registry
    const unconfirmed = await p.cli(['infra', 'destroy', '--env', 'test', '--json']);
    expect(unconfirmed.code).toBe(3);
    expect(await p.state('test')).toEqual(afterChange);
    const destroy = await p.cli(['infra', 'destroy', '--env', 'test', '--confirm', 'test', '--json']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(await p.state('test')).toEqual([]);
    expect(await registryAddresses(p, 'test')).toEqual([]);

    const history = await historyLines(p, 'test');
    expect(history.map((h) => [h.operation, h.outcome])).toEqual([
      ['deploy', 'success'],
      ['deploy', 'success'],
      ['destroy', 'success'],
    ]);
    for (const h of history) {
      expect(Number.isInteger(h.duration_ms)).toBe(true);
      expect(h.account).toBe('123456789012');
      expect(h.profile).toBe('life-test-deploy');
    }
    expect(history[2]).toMatchObject({ destroy: afterChange.length, add: 0 });
    const listed = await p.cli(['infra', 'history', '--env', 'test', '--json']);
    expect(listed.json.data.entries.map((e: any) => e.id)).toEqual(history.map((h) => h.id).reverse());
  });

  it('keeps environments apart: test and prod state live in their own workspaces', async () => {
    const p = await createProject('multi-module');
    expect((await p.cli(['infra', 'deploy', '--env', 'test', '--json'])).code).toBe(0);
    const prod = await p.cli(['infra', 'preview', '--env', 'prod', '--json']);
    expect(prod.code, prod.stderr).toBe(0);
    // prod has nothing yet, whatever test has
    expect(prod.json.data.digest.counts.create).toBe(5);
    expect(await p.state('prod')).toEqual([]);
  });
});

describe('guards: refused before anything changes', () => {
  it('refuses prod without confirmation, shows the plan and the exact command; the command then works', async () => {
    const p = await createProject('multi-module');
    const refused = await p.cli(['infra', 'deploy', '--env', 'prod', '--json']);
    expect(refused.code).toBe(3);
    expect(refused.json.ok).toBe(false);
    expect(refused.json.error.code).toMatch(/^E_GUARD_/);
    const command: string = refused.json.error.hint;
    expect(command).toMatch(/^faber-cloud infra deploy --env prod --plan [0-9a-f]{12} --confirm prod$/);
    // The plan to review, for an agent: the same digest as infra preview's data.
    expect(PlanDigestSchema.parse(refused.json.error.details.digest).plan_id).toBe(refused.json.error.details.plan_id);
    expect(await p.state('prod')).toEqual([]);
    expect(existsSync(p.artifact('prod', 'registry.json'))).toBe(false);

    const human = await p.cli(['infra', 'deploy', '--env', 'prod']);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain('+ terraform_data.one');
    expect(human.stderr).toContain('--confirm prod');

    // --confirm without a plan id is still refused; the printed command is accepted
    expect((await p.cli(['infra', 'deploy', '--env', 'prod', '--confirm', 'prod', '--json'])).code).toBe(3);
    expect(await p.state('prod')).toEqual([]);
    const args = command.split(' ').slice(1);
    const ok = await p.cli([...args, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await p.state('prod')).length).toBe(5);
  });

  it('refuses a deploy with the wrong account or the discover profile, and prod with the test profile', async () => {
    const p = await createProject('multi-module', { accountId: '999999999999' });
    const wrongAccount = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(wrongAccount.code).toBe(3);
    expect(wrongAccount.json.error.code).toBe('E_GUARD_ACCOUNT_MISMATCH');
    expect(wrongAccount.json.error.message).toContain('123456789012');
    expect(await p.state('test')).toEqual([]);

    await p.editConfig((c) => {
      c.handlers.hosting.aws.account_id = '123456789012';
    });
    const discover = await p.cli(['infra', 'deploy', '--env', 'test', '--profile', 'life-discover-deploy', '--json']);
    expect(discover.code).toBe(3);
    expect(discover.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    const prodWithTest = await p.cli(['infra', 'deploy', '--env', 'prod', '--confirm', 'prod', '--plan', 'abcdefabcdef', '--profile', 'life-test-deploy', '--json']);
    expect(prodWithTest.code).toBe(3);
    expect(prodWithTest.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    expect(await p.state('test')).toEqual([]);
    expect(await p.state('prod')).toEqual([]);
    expect(existsSync(p.artifact('test', 'history.jsonl'))).toBe(false);
  });
});

describe('concurrency and crashes', () => {
  /** Start a deploy and resolve once it is applying (its lock is held). */
  function startDeploy(p: TestProject) {
    const child = spawn(process.execPath, [CLI, 'infra', 'deploy', '--env', 'test', '--json'], {
      cwd: p.dir,
      env: { ...process.env, ...p.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const applying = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/applying plan/.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`deploy exited before applying:\n${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, applying, exited, output: () => ({ stdout, stderr }) };
  }

  it('refuses a second deploy to the same environment while the first holds the lock, naming the holder', async () => {
    const p = await createProject('slow');
    const first = startDeploy(p);
    await first.applying;
    const second = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(second.code).toBe(3);
    expect(second.json.error.code).toBe('E_LOCKED');
    expect(second.json.error.message).toContain(String(first.child.pid));
    expect(second.json.error.message).toContain('infra deploy');
    expect(await first.exited).toBe(0);
    expect((await p.state('test')).length).toBe(3);
    expect((await historyLines(p, 'test')).length).toBe(1);
  });

  it('leaves registry.json and history.jsonl valid after kill -9 mid-deploy, and the next deploy recovers', async () => {
    const p = await createProject('slow');
    // a first deploy so that both artifacts exist before the crash
    expect((await p.cli(['infra', 'deploy', '--env', 'test', '--json'])).code).toBe(0);
    await writeFile(path.join(p.terraformDir, 'main.tf'), (await readFile(path.join(p.terraformDir, 'main.tf'), 'utf8')).replace('count = 3', 'count = 5'));

    const crashing = startDeploy(p);
    await crashing.applying;
    crashing.child.kill('SIGKILL');
    await crashing.exited;

    expect(() => JSON.parse(readFileSync(p.artifact('test', 'registry.json'), 'utf8'))).not.toThrow();
    for (const line of readFileSync(p.artifact('test', 'history.jsonl'), 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    // the dead holder's lock is taken over; the orphaned apply finishes first (state lock wait)
    const recovered = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    const state = await p.state('test');
    expect(state.length).toBe(5);
    expect(await registryAddresses(p, 'test')).toEqual(state);
    // the killed run is not lost: it is in the history as interrupted
    const history = await historyLines(p, 'test');
    expect(history.map((h) => h.outcome)).toEqual(['success', 'interrupted', 'success']);
    expect(history[1].error_codes).toEqual(['E_INTERRUPTED']);
    expect(existsSync(p.artifact('test', '.running.json'))).toBe(false);
  });
});

describe('a project without its terraform directory', () => {
  it('is a configuration error (exit 2) for validate, preview and deploy, before any AWS call', async () => {
    const p = await createProject('multi-module');
    await rm(p.terraformDir, { recursive: true });
    for (const command of ['validate', 'preview', 'deploy']) {
      const run = await p.cli(['infra', command, '--env', 'test', '--json']);
      expect(run.code, command).toBe(2);
      expect(run.json.error.code, command).toBe('E_CONFIG_TERRAFORM_DIR');
      expect(run.stderr, command).not.toContain('caller');
    }
  });
});

describe('infra validate', () => {
  it('passes a formatted, valid configuration', async () => {
    const p = await createProject('multi-module');
    const ok = await p.cli(['infra', 'validate', '--env', 'test', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.data).toMatchObject({ valid: true, unformatted: [], diagnostics: [] });
  });

  it('lists formatting and validation problems with file:line, exit 1', async () => {
    const p = await createProject('invalid');
    const bad = await p.cli(['infra', 'validate', '--env', 'test', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json.data.valid).toBe(false);
    expect(bad.json.data.unformatted).toEqual(['terraform/messy.tf']);
    expect(bad.json.data.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'Reference to undeclared input variable', file: 'terraform/main.tf', line: 6 }),
    ]);
    const human = await p.cli(['infra', 'validate', '--env', 'test']);
    expect(human.stdout).toContain('terraform/main.tf:6: Reference to undeclared input variable');
    expect(human.stdout).toContain('terraform/messy.tf: not formatted');
  });
});

describe('a failed apply', () => {
  it('exits 1 with the tool diagnostics, and still records what was really created', async () => {
    const p = await createProject('partial-failure');
    const failed = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(failed.code).toBe(1);
    expect(failed.json.error.code).toBe('E_APPLY_FAILED');
    expect(failed.json.error.message).toContain('terraform_data.broken');
    const state = await p.state('test');
    expect(state.map((r) => r.address)).toEqual(expect.arrayContaining(['terraform_data.fine[0]', 'terraform_data.fine[1]']));
    expect(await registryAddresses(p, 'test')).toEqual(state);
    const [entry] = await historyLines(p, 'test');
    expect(entry).toMatchObject({ operation: 'deploy', outcome: 'failed' });
    expect(entry.error_codes).toContain('E_APPLY_FAILED');
    expect(entry.add).toBe(2);
  });
});
