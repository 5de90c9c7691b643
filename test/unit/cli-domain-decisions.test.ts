import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { projectPaths } from '../../src/core/paths.js';
import type { DebugContext, Diagnosis } from '../../src/debugger/debugger.js';
import { findError, solutionTarget, type ErrorReaders, type HistoryRun } from '../../src/debugger/error-source.js';
import { emptyIssueLog, type IssueLog } from '../../src/debugger/issue-log.js';
import { routeContextOf } from '../../src/director/context.js';
import { deniedOnlyError } from '../../src/infra/post-test.js';
import type { PostTestResult } from '../../src/infra/testing/results.js';
import { requestedDenials } from '../../src/permissions/requested.js';

/**
 * Decisions that used to live in src/cli/actions and now belong to their domain module
 * (issue 14): what `infra debug` reads, what a requested grant stands for, when post-deploy
 * checks need a person, what the director knows of the project.
 */

const config = ConfigSchema.parse({
  project: { name: 'shop' },
  handlers: { hosting: { active: 'aws', aws: { profiles: { discover: 'a', test: 'b', prod: 'c' } } }, iac: { active: 'terraform', terraform: {} } },
  environments: { test: { profile: 'test' }, live: { profile: 'prod', require_confirmation: true } },
});
const debug: DebugContext = { config, paths: projectPaths('/project'), display: (f) => f };

/** Readers that record what was read, so a test sees what the decision asked for. */
function readers(input: { file?: string; piped?: string; history?: HistoryRun[] } = {}): ErrorReaders & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    file: async (file) => (reads.push(`file ${file}`), input.file ?? ''),
    pipedStdin: async () => (reads.push('stdin'), input.piped),
    history: async (env) => (reads.push(`history ${env}`), input.history ?? []),
  };
}

const logWith = (failures: IssueLog['recent_failures']): IssueLog => ({ ...emptyIssueLog(), recent_failures: failures });
const logged = { at: '2026-11-01T10:00:00.000Z', env: 'test', operation: 'deploy' as const, deployment_id: 'd-logged', error_code: 'BucketAlreadyExists', issue_ids: [] };
const run = (over: Partial<HistoryRun>): HistoryRun => ({ id: 'd-1', outcome: 'failed', finished_at: '2026-11-01T09:00:00.000Z', error_codes: ['Boom'], ...over });

describe('which failure infra debug reads', () => {
  it('reads --error-file first (- is stdin), and nothing else', async () => {
    const r = readers({ file: 'Error: x' });
    expect(await findError(debug, emptyIssueLog(), { errorFile: 'apply.log', env: 'test', addingSolution: false }, r)).toEqual({ text: 'Error: x', source: { kind: 'file', file: 'apply.log' } });
    expect((await findError(debug, emptyIssueLog(), { errorFile: '-', addingSolution: false }, r)).source).toEqual({ kind: 'stdin' });
    expect(r.reads).toEqual(['file apply.log', 'file -']);
  });

  it('reads piped stdin only when no environment or issue is named; blank input is no error', async () => {
    const piped = readers({ piped: 'Error: y' });
    expect(await findError(debug, emptyIssueLog(), { addingSolution: false }, piped)).toEqual({ text: 'Error: y', source: { kind: 'stdin' } });
    await expect(findError(debug, emptyIssueLog(), { addingSolution: false }, readers({ piped: ' \n' }))).rejects.toMatchObject({ code: 'E_USAGE', message: 'no error to debug' });
    const named = readers({ piped: 'Error: y' });
    await expect(findError(debug, emptyIssueLog(), { issueId: 'i-1', addingSolution: false }, named)).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(named.reads).toEqual([]);
  });

  it("takes the environment's last logged failure, with its diagnoses", async () => {
    const r = readers({ history: [run({ id: 'd-logged', finished_at: logged.at })] });
    const found = await findError(debug, logWith([logged]), { env: 'test', addingSolution: false }, r);
    expect(found.source).toEqual({ kind: 'last-failure', env: 'test', deployment_id: 'd-logged', at: logged.at, error_code: 'BucketAlreadyExists' });
    expect(found.diagnoses).toEqual([]);
    expect(r.reads).toEqual(['history test']);
  });

  it('takes a newer failure the log never saw (an interrupted run) from the history', async () => {
    const interrupted = run({ id: 'd-2', outcome: 'interrupted', finished_at: '2026-11-02T10:00:00.000Z', error_message: 'stopped by SIGTERM', error_codes: ['E_INTERRUPTED'] });
    const found = await findError(debug, logWith([logged]), { env: 'test', addingSolution: false }, readers({ history: [run({}), interrupted, run({ id: 'd-3', outcome: 'success', finished_at: '2026-11-03T10:00:00.000Z' })] }));
    expect(found).toEqual({ text: 'stopped by SIGTERM', source: { kind: 'history', env: 'test', deployment_id: 'd-2', at: interrupted.finished_at, error_code: 'E_INTERRUPTED' } });
    // An older unlogged one, or one the log already has issues for, leaves the log's failure.
    const older = await findError(debug, logWith([logged]), { env: 'test', addingSolution: false }, readers({ history: [run({})] }));
    expect(older.source.kind).toBe('last-failure');
    const withIssues = await findError(debug, logWith([logged]), { env: 'test', addingSolution: false }, readers({ history: [{ ...interrupted, issue_ids: ['i-1'] }] }));
    expect(withIssues.source.kind).toBe('last-failure');
  });

  it('refuses an environment with no failure at all (E_USAGE_NO_FAILURE)', async () => {
    await expect(findError(debug, logWith([{ ...logged, env: 'live' }]), { env: 'test', addingSolution: false }, readers())).rejects.toMatchObject({ code: 'E_USAGE_NO_FAILURE', exitCode: 2 });
  });

  it('reads nothing when a solution goes to a named issue', async () => {
    const r = readers({ piped: 'Error: z' });
    expect(await findError(debug, logWith([logged]), { env: 'test', issueId: 'i-1', addingSolution: true }, r)).toBeUndefined();
    expect(r.reads).toEqual([]);
  });

  it('adds a solution to the named issue, the one issue of the failure, or the issue of the text', () => {
    const diagnosis = (id: string) => ({ known_issue: { id } }) as unknown as Diagnosis;
    const failure = (ids: string[]) => ({ source: { kind: 'last-failure' as const }, diagnoses: ids.map(diagnosis) });
    expect(solutionTarget(failure(['a', 'b']), 'named', 'test')).toEqual({ issueId: 'named' });
    expect(solutionTarget(failure(['a', 'a']), undefined, 'test')).toEqual({ issueId: 'a' });
    expect(() => solutionTarget(failure(['a', 'b']), undefined, 'test')).toThrowError(expect.objectContaining({ code: 'E_USAGE_ISSUE_AMBIGUOUS' }));
    expect(solutionTarget({ source: { kind: 'stdin' }, text: 'Error: q' }, undefined, undefined)).toEqual({ text: 'Error: q', env: undefined });
  });
});

describe('a requested grant', () => {
  it('stands for one no-identity-policy denial per distinct action, scoped to the resource given', () => {
    const { denials, reasonText } = requestedDenials({ actions: ['s3:CreateBucket,s3:PutBucketTagging', 's3:CreateBucket'], resource: ' arn:aws:s3:::shop-core-test-uploads ', reason: ' uploads ' });
    expect(denials.map((d) => [d.action, d.resourceArn, d.reason, d.explicit])).toEqual([
      ['s3:CreateBucket', 'arn:aws:s3:::shop-core-test-uploads', 'no-identity-policy', false],
      ['s3:PutBucketTagging', 'arn:aws:s3:::shop-core-test-uploads', 'no-identity-policy', false],
    ]);
    expect(reasonText).toBe('uploads');
    expect(requestedDenials({ actions: ['sqs:CreateQueue'], reason: 'q' }).denials[0]).not.toHaveProperty('resourceArn');
  });

  it('refuses wildcards, a resource that is not an ARN, and a blank reason (E_USAGE)', () => {
    for (const bad of [{ actions: ['s3:*'], reason: 'x' }, { actions: [' , '], reason: 'x' }, { actions: ['s3:GetObject'], resource: 'bucket', reason: 'x' }, { actions: ['s3:GetObject'], reason: '  ' }]) {
      expect(() => requestedDenials(bad), JSON.stringify(bad)).toThrowError(expect.objectContaining({ code: 'E_USAGE', exitCode: 2 }));
    }
  });
});

describe('post-deploy checks that were not allowed', () => {
  const result = (statuses: PostTestResult['checks'][number]['status'][]): PostTestResult => ({
    schema_version: 1,
    phase: 'post',
    env: 'test',
    ran_at: '2026-11-01T10:00:00.000Z',
    passed: false,
    account: '123456789012',
    registry: { updated_at: '2026-11-01T09:00:00.000Z', resources: statuses.length },
    counts: { ok: 0, missing: 0, unhealthy: 0, denied: 0, error: 0, 'not-checked': 0 },
    checks: statuses.map((status, i) => ({ address: `aws_s3_bucket.b${i}`, type: 'aws_s3_bucket', check: 's3:HeadBucket', status, detail: '', ...(status === 'denied' ? { action: 's3:ListBucket' } : {}) })),
  });

  it('need a person (exit 4, the grant command) when nothing else failed', () => {
    const error = deniedOnlyError(result(['ok', 'denied', 'denied']), '/p/t.json', 'deployments/test/tests/t.json');
    expect(error).toMatchObject({ code: 'E_PERMISSION_DENIED', exitCode: 4, hint: 'faber-cloud permissions grant --env test --action s3:ListBucket --reason "post-deploy checks"' });
    expect(error?.message).toContain('deployments/test/tests/t.json');
  });

  it('leave the verdict to the checks when one failed or none was denied', () => {
    expect(deniedOnlyError(result(['missing', 'denied']), 'f', 'f')).toBeUndefined();
    expect(deniedOnlyError(result(['ok', 'not-checked']), 'f', 'f')).toBeUndefined();
  });
});

describe("the director's view of a project", () => {
  it('lists the environments and those deployed with the prod profile; none without a project', () => {
    expect(routeContextOf(config)).toEqual({ environments: ['test', 'live'], prodEnvironments: ['live'] });
    expect(routeContextOf(undefined)).toEqual({ environments: [], prodEnvironments: [] });
  });
});
