import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_NAMING_PATTERN, resourceNamePrefix } from '../../src/core/config/schema.js';
import { grantsOfDocument } from '../../src/handlers/hosting/aws/iam-grants.js';
import type { Denial } from '../../src/handlers/hosting/aws/denials.js';
import { buildPolicyDocuments, resourceAccountCondition } from '../../src/handlers/hosting/aws/policy-document.js';
import { planGrant } from '../../src/permissions/grant-plan.js';
import { REPO_ROOT } from '../support/cli.js';
import { ACCOUNT, CTX } from '../support/grant-context.js';

/** The two open grant-scoping questions of issue 13 (docs/DECISIONS.md, "Grant scoping"). */

const base = () => JSON.parse(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'valid-config.json'), 'utf8'));

function issuesFor(mutate: (c: any) => void): { path: string; message: string }[] {
  const config = base();
  mutate(config);
  const result = ConfigSchema.safeParse(config);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('environment names whose resource prefixes overlap', () => {
  it('rejects an environment whose names fall inside another environment\'s grant pattern (test / test-2)', () => {
    const issues = issuesFor((c) => {
      c.environments['test-2'] = { profile: 'test' };
    });
    expect(issues).toEqual([
      {
        path: 'environments.test-2',
        message: expect.stringContaining("environment 'test-2' names its resources myapp-core-test-2-…, inside the grant pattern myapp-core-test-* of environment 'test'"),
      },
    ]);
  });

  it('follows the naming pattern, not a fixed separator', () => {
    // No separator after {environment}: "test" also covers "testing".
    expect(
      issuesFor((c) => {
        c.resource_naming = { pattern: '{project}-{environment}{resource}' };
        c.environments.testing = { profile: 'test' };
      }).map((i) => i.path),
    ).toEqual(['environments.testing']);
    // {environment} first: prefixes test-myapp- and test-2-myapp- do not overlap.
    expect(
      issuesFor((c) => {
        c.resource_naming = { pattern: '{environment}-{project}-{resource}' };
        c.environments['test-2'] = { profile: 'test' };
      }),
    ).toEqual([]);
  });

  it('accepts names that share a start but not a prefix (stage / staging, test / test2)', () => {
    expect(
      issuesFor((c) => {
        c.environments.stage = { profile: 'test' };
        c.environments.staging = { profile: 'test' };
        c.environments.test2 = { profile: 'test' };
      }),
    ).toEqual([]);
  });

  it('computes the prefix the grant planner scopes to', () => {
    expect(resourceNamePrefix(DEFAULT_NAMING_PATTERN, { project: 'myapp', subsystem: 'core', environment: 'test' })).toBe('myapp-core-test-');
    expect(resourceNamePrefix('{project}-{resource}', { project: 'a', subsystem: 'b', environment: 'c' })).toBeUndefined();
  });
});

describe('S3 statements are pinned to the environment account (aws:ResourceAccount)', () => {
  const denial = (action: string, resourceArn?: string): Denial => ({
    kind: 'denial',
    action,
    ...(resourceArn ? { resourceArn } : {}),
    actionInferred: false,
    resourceInferred: false,
    reason: 'no-identity-policy',
    explicit: false,
    code: 'AccessDenied',
    raw: '',
  });
  const PIN = { StringEquals: { 'aws:ResourceAccount': ACCOUNT } };

  it('adds the condition to statements on account-less ARNs only', async () => {
    const plan = await planGrant(
      [denial('s3:CreateBucket', 'arn:aws:s3:::myapp-core-test-assets'), denial('s3:PutObject', 'arn:aws:s3:::myapp-core-test-assets/k'), denial('dynamodb:CreateTable'), denial('s3:ListAllMyBuckets')],
      CTX,
    );
    expect(plan.refused).toEqual([]);
    expect(plan.policyDocuments).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
          { Effect: 'Allow', Action: ['dynamodb:CreateTable'], Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/myapp-core-test-*`] },
          { Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::myapp-core-test-*'], Condition: PIN },
          { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::myapp-core-test-*/*'], Condition: PIN },
        ],
      },
    ]);
  });

  it('keeps the condition on every part of a split statement and stays within the size limit', () => {
    const resources = Array.from({ length: 40 }, (_, i) => `arn:aws:s3:::myapp-core-test-${String(i).padStart(3, '0')}-${'x'.repeat(20)}`);
    const docs = buildPolicyDocuments([{ action: 's3:GetObject', resources }], 1000, { resourceAccount: ACCOUNT });
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) {
      expect(JSON.stringify(d).length).toBeLessThanOrEqual(1000);
      for (const s of d.Statement) expect(s.Condition).toEqual(PIN);
    }
    expect(docs.flatMap((d) => d.Statement.flatMap((s) => s.Resource)).sort()).toEqual([...resources].sort());
  });

  it('reads its own pinned statements back when merging, and refuses any other condition', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/myapp-test-faber-cloud-deploy`;
    const own = { Statement: [{ Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::myapp-core-test-*'], Condition: PIN }] };
    expect(grantsOfDocument(own, arn)).toEqual([{ action: 's3:CreateBucket', resources: ['arn:aws:s3:::myapp-core-test-*'] }]);
    const otherAccount = { Statement: [{ ...own.Statement[0], Condition: { StringEquals: { 'aws:ResourceAccount': '999999999999' } } }] };
    expect(() => grantsOfDocument(otherAccount, arn)).toThrow(/does not manage/);
    const ifExists = { Statement: [{ ...own.Statement[0], Condition: { StringEqualsIfExists: { 'aws:ResourceAccount': ACCOUNT } } }] };
    expect(() => grantsOfDocument(ifExists, arn)).toThrow(/does not manage/);
    const onTable = { Statement: [{ Effect: 'Allow', Action: ['dynamodb:CreateTable'], Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/x`], Condition: PIN }] };
    expect(() => grantsOfDocument(onTable, arn)).toThrow(/does not manage/);
  });

  it('resourceAccountCondition: only for ARNs without an account', () => {
    expect(resourceAccountCondition(['arn:aws:s3:::b-*'], ACCOUNT)).toEqual(PIN);
    expect(resourceAccountCondition(['*'], ACCOUNT)).toBeUndefined();
    expect(resourceAccountCondition([`arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/x`], ACCOUNT)).toBeUndefined();
    expect(resourceAccountCondition(['arn:aws:s3:::b-*'], undefined)).toBeUndefined();
  });
});
