import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * The debugger through the built CLI: a real failed deploy (OpenTofu, hashicorp/aws, moto)
 * is logged and recognised, `infra debug` proposes the knowledge base's fix, and outcomes
 * change what it proposes next.
 */
const ERRORS = path.join(REPO_ROOT, 'test', 'fixtures', 'debugger', 'errors');
const BUCKET = 'life-core-test-data';

/** S3 names are global: a bucket that exists (here, made straight in moto) fails the deploy. */
async function takeBucketName(name: string): Promise<void> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL}/${name}`, { method: 'PUT' });
  expect(response.status).toBe(200);
}

async function releaseBucketName(name: string): Promise<void> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL}/${name}`, { method: 'DELETE' });
  expect(response.status).toBe(204);
}

const issueLogPath = (p: TestProject) => path.join(p.dir, '.fractary', 'plugins', 'faber-cloud', 'debugger', 'issue-log.json');

describe('infra debug with a real failed deploy against moto', () => {
  beforeEach(resetMoto);

  it('logs the failure with its category, proposes the matching solution, counts recurrence and learns from the outcome', async () => {
    const p = await createProject('bucket-taken');
    await takeBucketName(BUCKET);

    // 1. The failed deploy logs its error and names the known issue and the fix to try.
    const failed = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.json.error.code).toBe('E_APPLY_FAILED');
    const known = failed.json.error.details.debugger;
    expect(known.top).toMatchObject({ issue_id: 's3-bucket-name-taken', category: 'resource/conflict' });
    expect(known.top.solution.id).toBeTruthy();
    expect(known.command).toBe('faber-cloud infra debug --env test');

    const log = await p.readJson(issueLogPath(p));
    const observed = log.issues.filter((i: any) => i.source === 'observed');
    expect(observed).toHaveLength(1);
    expect(observed[0]).toMatchObject({ category: 'resource/conflict', error_code: 'BucketAlreadyExists', resource_type: 'aws_s3_bucket', occurrences: { test: 1 } });
    expect(observed[0].example.message).toContain(BUCKET);
    const history = await historyLines(p);
    expect(history.at(-1)).toMatchObject({ outcome: 'failed', issue_ids: [observed[0].id] });

    // 2. infra debug reads the last failure and proposes the knowledge base's solutions.
    const debug = await p.cli(['infra', 'debug', '--env', 'test', '--json']);
    expect(debug.code, debug.stderr).toBe(0);
    const [diagnosis] = debug.json.data.errors;
    expect(debug.json.data.source).toMatchObject({ kind: 'last-failure', env: 'test' });
    expect(diagnosis).toMatchObject({ category: 'resource/conflict', error_code: 'BucketAlreadyExists', known_issue: { id: observed[0].id, occurrences: { test: 1 } } });
    expect(diagnosis.matches.map((m: any) => m.issue_id)).toContain('s3-bucket-name-taken');
    const top = diagnosis.solutions[0];
    expect(top).toMatchObject({ rank: 1, issue_id: 's3-bucket-name-taken', attempts: 0 });
    expect(JSON.stringify(diagnosis.solutions)).not.toMatch(/\{env\}|\{address\}/); // placeholders filled

    const human = await p.cli(['infra', 'debug', '--env', 'test']);
    expect(human.stdout).toContain('resource/conflict');
    expect(human.stdout).toContain(`[${top.id}]`);

    // 3. The same failure again is the same issue, counted twice.
    const again = await p.cli(['infra', 'deploy', '--env', 'test']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/known .*resource\/conflict/);
    expect(again.stderr).toContain(`[${top.id}]`);
    const log2 = await p.readJson(issueLogPath(p));
    expect(log2.issues.filter((i: any) => i.source === 'observed')).toHaveLength(1);
    expect(log2.issues.find((i: any) => i.id === observed[0].id).occurrences).toEqual({ test: 2 });

    // 4. The solution is applied (here: the name is freed); the next deploy records that it worked.
    const applied = await p.cli(['infra', 'debug', '--applied', top.id, '--env', 'test', '--json']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.json.data).toMatchObject({ solution_id: top.id, issue_id: observed[0].id, env: 'test' });
    await releaseBucketName(BUCKET);
    const fixed = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.json.data.solutions_confirmed).toEqual([top.id]);
    const solutionAfter = (await p.readJson(issueLogPath(p))).issues.flatMap((i: any) => i.solutions).find((s: any) => s.id === top.id);
    expect(solutionAfter).toMatchObject({ attempts: 1, successes: 1 });
    expect((await p.readJson(issueLogPath(p))).pending).toEqual([]);

    // 5. Outcomes recorded by hand move a solution down the ranking once it is proven.
    for (let i = 0; i < 3; i++) expect((await p.cli(['infra', 'debug', '--record-outcome', top.id, 'failure'])).code).toBe(0);
    const reranked = await p.cli(['infra', 'debug', '--env', 'test', '--json']);
    const solutions = reranked.json.data.errors[0].solutions;
    const moved = solutions.find((s: any) => s.id === top.id);
    expect(moved).toMatchObject({ attempts: 4, successes: 1, proven: true, success_rate: 0.25 });
    if (solutions.length > 1) expect(moved.rank).toBeGreaterThan(1);
  }, 300_000);
});

describe('infra debug on errors given as files or stdin', () => {
  let p: TestProject;
  beforeEach(async () => {
    p = await createProject('bucket-taken');
  });

  it('diagnoses an error file without writing the log, and reads piped input', async () => {
    const file = path.join(ERRORS, 'state-lock-held.a.txt');
    const run = await p.cli(['infra', 'debug', '--error-file', file, '--env', 'test', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json.data.source).toEqual({ kind: 'file', file });
    expect(run.json.data.errors[0]).toMatchObject({ category: 'state/lock', known_issue: null });
    expect(run.json.data.errors[0].matches[0]).toMatchObject({ issue_id: 'state-lock-held', confidence: 'high' });
    expect(run.json.data.errors[0].solutions.flatMap((s: any) => s.commands)).toContainEqual(expect.stringMatching(/^tofu force-unlock /));
    await expect(readFile(issueLogPath(p))).rejects.toThrow(/ENOENT/);

    const piped = await p.cli(['infra', 'debug', '--json'], { input: await readFile(file, 'utf8') });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.json.data.errors[0].matches[0].issue_id).toBe('state-lock-held');
    const dash = await p.cli(['infra', 'debug', '--env', 'test', '--error-file', '-', '--json'], { input: await readFile(file, 'utf8') });
    expect(dash.json.data.source).toEqual({ kind: 'stdin' });
  });

  it('hands permission denials to the permission manager with the grant command', async () => {
    const denial =
      'Error: creating S3 Bucket (life-core-test-data): operation error S3: CreateBucket, https response error StatusCode: 403, RequestID: 0123456789ABCDEF, HostID: abc, api error AccessDenied: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::life-core-test-data" because no identity-based policy allows the s3:CreateBucket action';
    const run = await p.cli(['infra', 'debug', '--env', 'test', '--json', '--error-file', '-'], { input: denial });
    expect(run.code, run.stderr).toBe(0);
    const [d] = run.json.data.errors;
    expect(d.category).toBe('permission');
    expect(d.permissions.commands).toEqual([expect.stringMatching(/^faber-cloud permissions grant --env test --action s3:CreateBucket --resource arn:aws:s3:::life-core-test-data --reason /)]);
    expect(d.permissions.needs_human).toBe(false);
  });

  it('records a new solution for an error and proposes it next time; --list shows the issue', async () => {
    const file = path.join(ERRORS, 'state-lock-held.b.txt');
    const added = await p.cli(['infra', 'debug', '--error-file', file, '--env', 'test', '--add-solution', 'Ask in #infra who holds it', '--step', 'post the lock id in #infra', '--json']);
    expect(added.code, added.stdout + added.stderr).toBe(0);
    expect(added.json.data).toMatchObject({ created_issue: true, solution: { title: 'Ask in #infra who holds it', source: 'user', attempts: 0 } });
    const id = added.json.data.solution.id;
    const again = await p.cli(['infra', 'debug', '--error-file', path.join(ERRORS, 'state-lock-held.a.txt'), '--json']);
    expect(again.json.data.errors[0].known_issue.id).toBe(added.json.data.issue_id);
    expect(again.json.data.errors[0].solutions.map((s: any) => s.id)).toContain(id);
    const list = await p.cli(['infra', 'debug', '--list', '--all', '--category', 'state/lock', '--json']);
    expect(list.json.data.issues.map((i: any) => i.id)).toEqual(expect.arrayContaining([added.json.data.issue_id, 'state-lock-held']));
  });

  it('refuses bad input with exit 2 and a hint, changing nothing', async () => {
    const file = path.join(ERRORS, 'state-lock-held.a.txt');
    await p.cli(['infra', 'debug', '--error-file', file, '--add-solution', 'x', '--step', 'y']);
    const before = await readFile(issueLogPath(p), 'utf8');
    const cases: [string[], string][] = [
      [['infra', 'debug', '--record-outcome', 'no-such-solution', 'success', '--json'], 'E_USAGE_SOLUTION_NOT_FOUND'],
      [['infra', 'debug', '--record-outcome', 'state-lock-force-unlock', 'maybe', '--json'], 'E_USAGE'],
      [['infra', 'debug', '--record-outcome', 'state-lock-force-unlock', '--json'], 'E_USAGE'],
      [['infra', 'debug', '--applied', 'state-lock-force-unlock', '--json'], 'E_USAGE'],
      [['infra', 'debug', '--list', '--applied', 'x', '--env', 'test', '--json'], 'E_USAGE'],
      [['infra', 'debug', '--env', 'test', '--json'], 'E_USAGE_NO_FAILURE'],
      [['infra', 'debug', '--env', 'nope', '--json'], 'E_USAGE_UNKNOWN_ENV'],
      [['infra', 'debug', '--error-file', '/no/such/file', '--json'], 'E_USAGE_FILE'],
      [['infra', 'debug', '--list', '--category', 'weird', '--json'], 'E_USAGE'],
    ];
    for (const [args, code] of cases) {
      const run = await p.cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stdout}`).toBe(2);
      expect(run.json.error.code, args.join(' ')).toBe(code);
      expect(run.json.error.hint ?? run.json.error.message, args.join(' ')).toBeTruthy();
    }
    expect(await readFile(issueLogPath(p), 'utf8')).toBe(before);
  });
});

describe('corrupt or hand-edited issue logs', () => {
  beforeEach(resetMoto);

  it('names the problem and never resets the log, also when a failed deploy wants to write it', async () => {
    const p = await createProject('bucket-taken');
    const file = issueLogPath(p);
    await p.cli(['infra', 'debug', '--error-file', path.join(ERRORS, 'state-lock-held.a.txt'), '--add-solution', 'x', '--step', 'y']);
    const valid = JSON.parse(await readFile(file, 'utf8'));

    const edits: [string, (log: any) => string, RegExp][] = [
      ['truncated JSON', (log) => JSON.stringify(log).slice(0, 200), /issue-log\.json is not valid JSON/],
      ['more successes than attempts', (log) => JSON.stringify({ ...log, issues: log.issues.map((i: any, n: number) => (n === 0 ? { ...i, solutions: [{ ...i.solutions[0], successes: 5 }] } : i)) }), /issues\[0\]\.solutions\[0\]\.successes: successes cannot exceed attempts/],
      ['a duplicated issue id', (log) => JSON.stringify({ ...log, issues: [...log.issues, { ...log.issues[0], signature: '0123456789abcdef', solutions: [] }] }), /id .* is also used by issues\[0\]/],
      ['an invalid pattern', (log) => JSON.stringify({ ...log, issues: log.issues.map((i: any, n: number) => (n === 0 ? { ...i, patterns: ['(unclosed'] } : i)) }), /issues\[0\]\.patterns\[0\]: is not a valid regular expression/],
      ['a newer schema', (log) => JSON.stringify({ ...log, schema_version: 2 }), /schema_version 2; this faber-cloud reads 1/],
      ['an unknown key', (log) => JSON.stringify({ ...log, isues: [] }), /isues/],
    ];
    for (const [what, edit, message] of edits) {
      const text = edit(valid);
      await writeFile(file, text);
      const run = await p.cli(['infra', 'debug', '--list', '--json']);
      expect(run.code, what).toBe(2);
      expect(run.json.error.code, what).toBe('E_ARTIFACT_CORRUPT');
      expect(run.json.error.message, what).toMatch(message);
      expect(run.json.error.hint, what).toBeTruthy();
      expect(await readFile(file, 'utf8'), what).toBe(text);
    }

    // A deploy, which writes the log after a failure, judges it first: it refuses (exit 2) before
    // applying anything, and leaves the log as it is (DESIGN §4; issue 13, defect 4).
    await takeBucketName(BUCKET);
    const broken = '{"schema_version": 1, "issues": [';
    await writeFile(file, broken);
    const linesBefore = (await historyLines(p)).length;
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(deploy.code).toBe(2);
    expect(deploy.json.error.code).toBe('E_ARTIFACT_CORRUPT');
    expect(deploy.json.error.message).toMatch(/issue-log\.json is not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe(broken);
    expect(await historyLines(p)).toHaveLength(linesBefore);
  }, 300_000);
});
