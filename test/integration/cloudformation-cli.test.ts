import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetMoto } from '../support/moto.js';
import { createProject } from '../support/project.js';

/** The CloudFormation handler's refusals and failures through the built CLI (moto). */
describe('a CloudFormation project', () => {
  beforeEach(resetMoto);

  it('infra engineer says it writes Terraform only, and writes nothing (exit 2)', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    const run = await p.cli(['infra', 'engineer', '--design', 'uploads', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('E_CONFIG_ENGINEER_TERRAFORM_ONLY');
    expect(run.json.error.message).toContain('cloudformation');
    expect(existsSync(path.join(p.dir, 'infrastructure'))).toBe(false);
  });

  it('infra validate names the template and exits 1 on a broken one; nothing is created', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    await writeFile(path.join(p.terraformDir, 'template.json'), '{ "Resources": ');
    const run = await p.cli(['infra', 'validate', '--env', 'test', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json.data.valid).toBe(false);
    expect(run.json.data.diagnostics[0]).toMatchObject({ severity: 'error', file: 'cloudformation/template.json' });
    expect((await p.cli(['infra', 'deploy', '--env', 'test', '--json'])).code).not.toBe(0);
    expect(await p.state('test')).toEqual([]);
  });

  it('a missing templates directory is a configuration error (exit 2) before any AWS call', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    await rm(p.terraformDir, { recursive: true });
    for (const args of [['infra', 'validate'], ['infra', 'preview'], ['infra', 'deploy']]) {
      const run = await p.cli([...args, '--env', 'test', '--json']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.json.error.code).toBe('E_CONFIG_TEMPLATES_DIR');
      expect(run.json.error.hint).toContain('handlers.iac.cloudformation.directory');
    }
  });

  it('a plan file edited after the preview no longer hashes to its id and is refused (exit 3)', async () => {
    const p = await createProject('app', { iac: 'cloudformation' });
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const planId: string = preview.json.data.plan_id;
    const file = p.artifact('test', `plans/${planId}.changeset.json`);
    const plan = JSON.parse(await readFile(file, 'utf8'));
    plan.seed.template_sha256 = '0'.repeat(64);
    await writeFile(file, JSON.stringify(plan));
    const run = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.json.error.code).toMatch(/^E_GUARD_PLAN_(MISMATCH|STALE)$/);
    expect(await p.state('test')).toEqual([]);
  });
});
