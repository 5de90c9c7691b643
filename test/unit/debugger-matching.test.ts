import { describe, expect, it } from 'vitest';
import { categorise } from '../../src/debugger/categories.js';
import { errorsIn, factsOf } from '../../src/debugger/facts.js';
import { emptyIssueLog, type Issue, type IssueLog, type Solution } from '../../src/debugger/issue-log.js';
import { DEFAULT_MATCH_SETTINGS, matchError, rankSolutions, type IssueMatch } from '../../src/debugger/match.js';
import { createNormaliser } from '../../src/debugger/normalise.js';

const naming = { pattern: '{project}-{subsystem}-{environment}-{resource}', project: 'shop', subsystem: 'core', environments: ['test', 'prod'] };
const normalise = createNormaliser(naming);

/** The same S3 failure as the AWS provider prints it, with every variable part a parameter. */
const bucketTaken = (p: { bucket: string; request: string; host: string; address: string; line: number }) =>
  JSON.stringify({
    '@level': 'error',
    type: 'diagnostic',
    diagnostic: {
      severity: 'error',
      summary: `creating S3 Bucket (${p.bucket}): operation error S3: CreateBucket, https response error StatusCode: 409, RequestID: ${p.request}, HostID: ${p.host}, BucketAlreadyExists: `,
      detail: '',
      address: p.address,
    },
  });

const roleExists = (p: { role: string; request: string; account: string; when: string }) =>
  `Error: creating IAM Role (${p.role}): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: ${p.request}, EntityAlreadyExists: Role with name ${p.role} already exists.\n\n  with aws_iam_role.lambda,\n  on main.tf line 7, in resource "aws_iam_role" "lambda":\n   7: resource "aws_iam_role" "lambda" {\n\nat ${p.when} in account ${p.account} (arn:aws:iam::${p.account}:role/${p.role})`;

function one(text: string) {
  const errors = errorsIn(text, normalise);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('normalisation and signatures', () => {
  it('maps the same error with different names, ids, ARNs, accounts, times and numbers to one signature', () => {
    const a = one(bucketTaken({ bucket: 'shop-core-test-uploads', request: '4442587FB7D0A2F9', host: '9C3rZ4w+Pq1x8ZqT0mE7sV2kLwQ6nB5yR1tU3oI9aS4dF6gH8jK0lZ==', address: 'aws_s3_bucket.uploads', line: 3 }));
    const b = one(bucketTaken({ bucket: 'shop-core-prod-assets', request: 'A1B2C3D4E5F60718', host: 'Zx9y8W7v6U5t4S3r2Q1p0OnMlKjIhGfEdCbA0123456789+/abcdEFGH=', address: 'module.storage.aws_s3_bucket.assets[0]', line: 41 }));
    expect(a.signature).toBe(b.signature);
    expect(a.normalisedMessage).not.toMatch(/shop-core|4442587F|9C3rZ4w/);
    expect(a.errorCode).toBe('BucketAlreadyExists');
    expect(a.service).toBe('s3');
    expect(a.operation).toBe('CreateBucket');
    expect(a.resourceType).toBe('aws_s3_bucket');
    expect(a.category).toBe('resource/conflict');

    const r1 = one(roleExists({ role: 'shop-core-test-lambda', request: '0f5d3d2e-1c2b-4a5b-9c8d-7e6f5a4b3c2d', account: '123456789012', when: '2026-11-26T05:59:29Z' }));
    const r2 = one(roleExists({ role: 'shop-core-prod-worker', request: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', account: '210987654321', when: '2025-01-02T03:04:05.678+01:00' }));
    expect(r1.signature).toBe(r2.signature);
    expect(r1.resourceType).toBe('aws_iam_role');
    expect(r1.normalisedMessage).toContain('<arn>');
    expect(r1.normalisedMessage).not.toMatch(/123456789012|2026-11-26/);
  });

  it('replaces names outside the project pattern that carry an environment word', () => {
    const a = normalise('bucket acme-api-prod-assets is not empty');
    const b = normalise('bucket widgets-staging-logs-2 is not empty');
    expect(a).toBe('bucket <name> is not empty');
    expect(b).toBe(a);
  });

  it('reads the code S3 puts after the request id when there is no HostID (moto)', () => {
    const e = one('creating S3 Bucket (shop-core-test-data): operation error S3: CreateBucket, https response error StatusCode: 409, RequestID: 7a62c49f-347e-4fc4-9331-6e8eEXAMPLE, BucketAlreadyExists: ');
    expect(e.errorCode).toBe('BucketAlreadyExists');
    const withHost = one('operation error S3: CreateBucket, https response error StatusCode: 409, RequestID: 4442587FB7D0A2F9, HostID: abcdEFGH, BucketAlreadyOwnedByYou: ');
    expect(withHost.errorCode).toBe('BucketAlreadyOwnedByYou');
  });

  it('keeps the HTTP status: 403 and 409 are different errors', () => {
    expect(normalise('StatusCode: 403, RequestID: x1y2z3a4b5')).not.toBe(normalise('StatusCode: 409, RequestID: x1y2z3a4b5'));
  });

  it('does not collide different errors', () => {
    const taken = one(bucketTaken({ bucket: 'shop-core-test-uploads', request: '4442587FB7D0A2F9', host: 'h', address: 'aws_s3_bucket.uploads', line: 3 }));
    const owned = one(bucketTaken({ bucket: 'shop-core-test-uploads', request: '4442587FB7D0A2F9', host: 'h', address: 'aws_s3_bucket.uploads', line: 3 }).replace('BucketAlreadyExists', 'BucketAlreadyOwnedByYou'));
    const denied = one(bucketTaken({ bucket: 'shop-core-test-uploads', request: '4442587FB7D0A2F9', host: 'h', address: 'aws_s3_bucket.uploads', line: 3 }).replace('409', '403').replace('BucketAlreadyExists: ', 'api error AccessDenied: Access Denied'));
    expect(new Set([taken.signature, owned.signature, denied.signature]).size).toBe(3);
    expect(denied.category).toBe('permission');
  });

  it('splits tool output into one fact set per error and drops duplicates', () => {
    const text = [
      bucketTaken({ bucket: 'shop-core-test-a', request: '1111111111111111', host: 'h', address: 'aws_s3_bucket.a', line: 1 }),
      bucketTaken({ bucket: 'shop-core-test-b', request: '2222222222222222', host: 'h', address: 'aws_s3_bucket.b', line: 2 }),
      JSON.stringify({ '@level': 'error', type: 'diagnostic', diagnostic: { severity: 'error', summary: 'Error acquiring the state lock', detail: 'ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID: 6f0c8d49-1111-2222-3333-444455556666' } }),
    ].join('\n');
    const errors = errorsIn(text, normalise);
    expect(errors.map((e) => e.category)).toEqual(['resource/conflict', 'state/lock']);
  });
});

describe('categories', () => {
  it.each([
    ['ExpiredToken', 'The security token included in the request is expired', 'credentials'],
    [null, 'no valid credential sources found', 'credentials'],
    ['AccessDenied', 'not authorized', 'permission'],
    [null, 'Error acquiring the state lock', 'state/lock'],
    ['ThrottlingException', 'Rate exceeded', 'quota/limit'],
    ['TooManyBuckets', 'You have attempted to create more buckets than allowed', 'quota/limit'],
    [null, 'dial tcp 10.0.0.1:443: i/o timeout', 'network/timeout'],
    ['DependencyViolation', 'resource sg-1 has a dependent object', 'resource/conflict'],
    [null, 'Unsupported argument', 'configuration'],
    [null, 'something nobody has seen', 'unknown'],
  ])('%s / %s -> %s', (code, text, category) => {
    expect(categorise(code, text)).toBe(category);
  });
});

function solution(id: string, attempts: number, successes: number, lastUsed: string | null = null): Solution {
  return { id, title: id, steps: ['do it'], commands: [], source: 'user', attempts, successes, last_used: lastUsed, added_at: null };
}

function issueFrom(text: string, id: string, extra: Partial<Issue> = {}): Issue {
  const f = factsOf({ text }, normalise);
  return {
    id,
    source: 'observed',
    signature: f.signature,
    title: f.summary,
    category: f.category,
    error_code: f.errorCode,
    service: f.service,
    operation: f.operation,
    resource_type: f.resourceType,
    normalized_message: f.normalisedMessage,
    patterns: [],
    explanation: null,
    example: null,
    first_seen: null,
    last_seen: null,
    occurrences: {},
    solutions: [],
    ...extra,
  };
}

function logOf(issues: Issue[]): IssueLog {
  return { ...emptyIssueLog(), issues };
}

describe('matching', () => {
  const taken = 'creating S3 Bucket (shop-core-test-uploads): operation error S3: CreateBucket, https response error StatusCode: 409, RequestID: 4442587FB7D0A2F9, HostID: abc, BucketAlreadyExists: ';

  it('finds the exact signature first, with the reason', () => {
    const log = logOf([issueFrom(taken, 'iss-a'), issueFrom('Error acquiring the state lock', 'iss-b')]);
    const error = one(taken.replace('shop-core-test-uploads', 'shop-core-prod-logs').replace('4442587FB7D0A2F9', 'FFFFFFFFFFFFFFFF'));
    const matches = matchError(log, error, 'test');
    expect(matches[0]).toMatchObject({ confidence: 'exact', score: 1 });
    expect(matches[0]!.issue.id).toBe('iss-a');
    expect(matches.map((m) => m.issue.id)).not.toContain('iss-b');
  });

  it('recognises a reworded error with the same code as a likely match and explains why', () => {
    const log = logOf([issueFrom(taken, 'iss-a')]);
    const error = one('Error: creating S3 Bucket (shop-core-test-other): BucketAlreadyExists: The requested bucket name is not available\n\tstatus code: 409, request id: 1234ABCD5678EF90');
    const [m] = matchError(log, error, undefined);
    expect(m?.issue.id).toBe('iss-a');
    expect(['low', 'medium', 'high']).toContain(m?.confidence);
    expect(m?.why.join(' ')).toContain('same error code BucketAlreadyExists');
  });

  it('does not match an error with a different code, however alike the words', () => {
    const log = logOf([issueFrom(taken, 'iss-a')]);
    const error = one(taken.replace('BucketAlreadyExists', 'BucketAlreadyOwnedByYou'));
    expect(matchError(log, error, undefined).filter((m) => m.confidence === 'high' || m.confidence === 'exact')).toEqual([]);
  });

  it('lets an issue pattern recognise an error at high confidence', () => {
    const log = logOf([issueFrom('some example', 'kb-lock', { patterns: ['error acquiring the state lock'], error_code: null })]);
    const error = one('Error: Error acquiring the state lock\n\nLock Info:\n  ID: 1f2e3d4c-0000-1111-2222-333344445555\n  Who: someone@host');
    const [m] = matchError(log, error, undefined);
    expect(m).toMatchObject({ confidence: 'high' });
    expect(m?.why[0]).toMatch(/known pattern/);
  });

  it('matches one error against 10,000 issues quickly', () => {
    const issues: Issue[] = [];
    for (let i = 0; i < 10_000; i++) issues.push(issueFrom(`creating Thing${i} (x): operation error Svc${i % 50}: Op${i}, https response error StatusCode: 400, api error Code${i}: message number ${i} word${i % 97}`, `iss-${i}`));
    const log = logOf(issues);
    const error = one(taken);
    matchError(log, error, 'test'); // warm the token cache, as a long-lived process would
    const started = performance.now();
    matchError(log, error, 'test');
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('ranking', () => {
  const match = (solutions: Solution[], confidence: IssueMatch['confidence'] = 'exact'): IssueMatch => ({
    issue: { ...issueFrom('x', `iss-${solutions[0]?.id ?? 'none'}`), solutions },
    score: 1,
    confidence,
    why: [],
  });

  it('ranks proven solutions by success rate, and untried ones as 50%', () => {
    const ranked = rankSolutions([match([solution('fails', 4, 1), solution('untried', 0, 0), solution('works', 5, 4)])]);
    expect(ranked.map((r) => r.solution.id)).toEqual(['works', 'untried', 'fails']);
    expect(ranked[0]).toMatchObject({ rank: 1, proven: true, success_rate: 0.8 });
  });

  it('applies the minimum-attempts rule: 2 of 2 is not yet better than untried', () => {
    const ranked = rankSolutions([match([solution('untried', 0, 0), solution('lucky', 2, 2)])], DEFAULT_MATCH_SETTINGS);
    // Both rank as 50%: the order they were listed in stands.
    expect(ranked.map((r) => r.solution.id)).toEqual(['untried', 'lucky']);
    expect(ranked.find((r) => r.solution.id === 'lucky')?.proven).toBe(false);
    // With min_attempts 2 the same record is proven and ranks first.
    const relaxed = rankSolutions([match([solution('untried', 0, 0), solution('lucky', 2, 2)])], { ...DEFAULT_MATCH_SETTINGS, min_attempts: 2 });
    expect(relaxed[0]?.solution.id).toBe('lucky');
  });

  it('breaks ties by recency', () => {
    const ranked = rankSolutions([match([solution('old', 3, 3, '2026-01-01T00:00:00Z'), solution('recent', 3, 3, '2026-06-01T00:00:00Z')])]);
    expect(ranked.map((r) => r.solution.id)).toEqual(['recent', 'old']);
  });

  it('changes when an outcome is recorded', () => {
    const a = solution('a', 3, 2);
    const b = solution('b', 3, 1);
    expect(rankSolutions([match([a, b])])[0]?.solution.id).toBe('a');
    b.attempts += 2;
    b.successes += 2; // 3 of 5 = 60% < a's 67%
    expect(rankSolutions([match([a, b])])[0]?.solution.id).toBe('a');
    a.attempts += 2; // 2 of 5 = 40%
    expect(rankSolutions([match([a, b])])[0]?.solution.id).toBe('b');
  });

  it('proposes nothing from low-confidence matches', () => {
    expect(rankSolutions([match([solution('maybe', 0, 0)], 'low')])).toEqual([]);
  });
});
