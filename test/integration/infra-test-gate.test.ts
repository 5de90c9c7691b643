import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resetMoto } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * infra test --phase pre through the built CLI, on real plans from OpenTofu + the aws provider
 * against moto: the gate refusing a public bucket in infra test and inside infra deploy (also on
 * the prod path, on the saved plan), --skip-pre-tests recorded in the history, and bad input.
 */

async function testResults(p: TestProject, env: string): Promise<string[]> {
  return (await readdir(p.artifact(env, 'tests')).catch(() => [])).sort();
}

describe('infra test --phase pre: the gate', () => {
  it('blocks a plan with a public bucket: infra test and infra deploy exit 1 with the report, nothing is applied; --skip-pre-tests is recorded', async () => {
    await resetMoto();
    const p = await createProject('public-bucket');

    // the report a person reads, then the saved result
    const tested = await p.cli(['infra', 'test', '--env', 'test']);
    expect(tested.code, tested.stderr).toBe(1);
    expect(tested.stdout).toContain('blocked by the gate');
    expect(tested.stdout).toContain('1 critical finding: at most 0 allowed (testing.gate.max_critical)');
    expect(tested.stdout).toMatch(/CRITICAL\s+S3_PUBLIC_POLICY\s+aws_s3_bucket_policy\.site/);
    expect(tested.stdout).toContain('allows s3:GetObject to Principal "*" without a Condition');
    expect(tested.stdout).toContain('checkov not installed, skipped');
    const [first] = await testResults(p, 'test');
    const data = await p.readJson(p.artifact('test', `tests/${first}`));
    expect(data).toMatchObject({ schema_version: 1, phase: 'pre', env: 'test', passed: false, trigger: 'infra test' });
    expect(data.findings).toContainEqual(expect.objectContaining({ rule: 'S3_PUBLIC_POLICY', severity: 'critical', address: 'aws_s3_bucket_policy.site', source: 'faber-cloud' }));
    expect(data.gate.blocked_by).toEqual(['1 critical finding: at most 0 allowed (testing.gate.max_critical)']);
    // a real plan: the policy document was known at plan time, so it was checked, not skipped
    expect(data.unchecked.filter((u: any) => u.rule === 'S3_PUBLIC_POLICY')).toEqual([]);
    expect(data.adapters.map((a: any) => [a.tool, a.status])).toEqual([['checkov', 'not-installed'], ['trivy', 'not-installed']]);
    // the fresh plan was saved like a preview's, so it can be tested again or deployed by id
    expect(existsSync(p.artifact('test', `plans/${data.plan_id}.tfplan`))).toBe(true);
    const again = await p.cli(['infra', 'test', '--env', 'test', '--plan', data.plan_id, '--json']);
    expect(again.code).toBe(1);
    expect(again.json.data).toMatchObject({ passed: false, plan_id: data.plan_id, next: null });

    const deploy = await p.cli(['infra', 'deploy', '--env', 'test']);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain('E_PRE_TESTS_BLOCKED');
    expect(deploy.stderr).toContain('S3_PUBLIC_POLICY'); // the report, not just the verdict
    expect(deploy.stderr).toContain('nothing was applied');
    expect(await p.state('test')).toEqual([]);
    expect(await historyLines(p, 'test')).toEqual([]);
    const results = await testResults(p, 'test');
    expect(results).toHaveLength(3);
    expect((await p.readJson(p.artifact('test', `tests/${results[2]}`))).trigger).toBe('infra deploy');

    const skipped = await p.cli(['infra', 'deploy', '--env', 'test', '--skip-pre-tests', '--json']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain('pre-deploy tests skipped');
    const [entry] = await historyLines(p, 'test');
    expect(entry).toMatchObject({ outcome: 'success', skipped_pre_tests: true });
    // the results saved before this deploy are referenced from its history entry, the latest last
    expect(entry.tests.map((t: any) => t.file)).toEqual(results.map((r) => `tests/${r}`));
    expect(entry.tests.at(-1)).toMatchObject({ phase: 'pre', passed: false, counts: { critical: 1 } });
    expect(await testResults(p, 'test')).toEqual(results); // skipped: no new result

    // the prod path tests the saved, reviewed plan
    const preview = await p.cli(['infra', 'preview', '--env', 'prod', '--json']);
    expect(preview.code, preview.stderr).toBe(0);
    const prod = await p.cli(['infra', 'deploy', '--env', 'prod', '--plan', preview.json.data.plan_id, '--confirm', 'prod', '--json']);
    expect(prod.code).toBe(1);
    expect(prod.json.error.code).toBe('E_PRE_TESTS_BLOCKED');
    expect(prod.json.error.details.result.plan_id).toBe(preview.json.data.plan_id);
    expect(prod.json.error.hint).toContain('--skip-pre-tests');
    expect(await p.state('prod')).toEqual([]);
  }, 180_000);

  it('refuses bad input with exit 2 and changes nothing', async () => {
    const p = await createProject('public-bucket');
    const badPlan = await p.cli(['infra', 'test', '--env', 'test', '--plan', 'nothex', '--json']);
    expect(badPlan.code).toBe(2);
    const unknownPlan = await p.cli(['infra', 'test', '--env', 'test', '--plan', 'abcdefabcdef', '--json']);
    expect(unknownPlan.code).toBe(2);
    expect(unknownPlan.json.error.code).toBe('E_USAGE_PLAN_NOT_FOUND');
    expect((await p.cli(['infra', 'test', '--env', 'test', '--phase', 'during'])).code).toBe(2);
    expect((await p.cli(['infra', 'test', '--env', 'nope', '--json'])).json.error.code).toBe('E_USAGE_UNKNOWN_ENV');
    const post = await p.cli(['infra', 'test', '--env', 'test', '--phase', 'post', '--json']);
    expect(post.code).toBe(2);
    expect(post.json.error.code).toBe('E_USAGE_NOTHING_DEPLOYED');
    expect((await p.cli(['infra', 'test', '--env', 'test', '--phase', 'post', '--plan', 'abcdefabcdef'])).code).toBe(2);
    expect(await testResults(p, 'test')).toEqual([]);
  });
});
