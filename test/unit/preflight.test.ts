import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPaths } from '../../src/core/paths.js';
import { changesOfPlan, evaluateNeeded, neededPermissions, type NeededPermission } from '../../src/permissions/preflight.js';
import { learningOf, readLearned, recordLearned } from '../../src/permissions/learned.js';
import { preflightDenials } from '../../src/infra/preflight.js';
import type { GrantContext } from '../../src/permissions/grant-plan.js';
import type { PrincipalPolicies } from '../../src/handlers/hosting/types.js';
import { tempDir } from '../support/cli.js';

/** Issue 16: what a plan needs (from the generated action map), and what a principal holds. */

const ctx: GrantContext = {
  project: 'life',
  subsystem: 'core',
  env: 'test',
  namingPattern: '{project}-{subsystem}-{environment}-{resource}',
  accountId: '123456789012',
  partition: 'aws',
  region: 'us-east-1',
  neverAutoGrant: [],
};
const BUCKET = 'arn:aws:s3:::life-core-test-uploads';
const PATTERN = 'arn:aws:s3:::life-core-test-*';
const PRINCIPAL = 'arn:aws:iam::123456789012:user/life-test-deploy';

const record = (changes: { address: string; type: string; actions: string[]; changed_attributes?: string[] }[]) => ({
  resource_changes: changes.map((c) => ({ mode: 'managed', name: 'x', changed_attributes: [], ...c })),
});

const s3Plan = record([
  { address: 'aws_s3_bucket.uploads', type: 'aws_s3_bucket', actions: ['create'] },
  { address: 'aws_s3_bucket_versioning.uploads', type: 'aws_s3_bucket_versioning', actions: ['create'] },
  { address: 'random_id.x', type: 'random_id', actions: ['create'] },
  { address: 'aws_made_up_thing.x', type: 'aws_made_up_thing', actions: ['create'] },
]);
const s3Values = new Map<string, { values: Record<string, unknown>; unknown: string[]; references: Record<string, string[]> }>([
  ['aws_s3_bucket.uploads', { values: { bucket: 'life-core-test-uploads', force_destroy: true, policy: null }, unknown: ['arn', 'id', 'policy'], references: {} }],
  ['aws_s3_bucket_versioning.uploads', { values: { versioning_configuration: [{ status: 'Enabled' }] }, unknown: ['bucket'], references: { bucket: ['aws_s3_bucket.uploads'] } }],
]);

const find = (needed: NeededPermission[], action: string) => needed.filter((n) => n.action === action);

describe('neededPermissions', () => {
  it("maps each AWS change to the map's actions, on the plan's own ARN (a companion's through its reference), and lists unknown types", async () => {
    const { needed, unknownTypes, resourceChanges } = await neededPermissions({ changes: changesOfPlan(s3Plan, s3Values), ctx });
    expect(resourceChanges).toBe(3); // random_id is not AWS
    expect(unknownTypes).toEqual([{ type: 'aws_made_up_thing', addresses: ['aws_made_up_thing.x'], why: 'not-in-map' }]);
    expect(find(needed, 's3:CreateBucket')).toMatchObject([{ resource: BUCKET, scope: 'plan-arn', source: 'map', status: 'missing', needed_by: ['aws_s3_bucket:create'] }]);
    expect(find(needed, 's3:PutBucketVersioning')).toMatchObject([{ resource: BUCKET, scope: 'plan-arn', addresses: ['aws_s3_bucket_versioning.uploads'] }]);
    // An unknown computed attribute the configuration does not set is not written at create.
    expect(find(needed, 's3:PutBucketPolicy')).toEqual([]);
    for (const n of needed) expect(n.resource).not.toBe('*');
  });

  it('without planned values, scopes to the environment pattern, never to *', async () => {
    const { needed } = await neededPermissions({ changes: changesOfPlan(s3Plan), ctx });
    expect(find(needed, 's3:CreateBucket')).toMatchObject([{ resource: PATTERN, scope: 'environment-pattern' }]);
    for (const n of needed.filter((x) => x.action.startsWith('s3:'))) expect(n.resource.startsWith('arn:aws:s3:')).toBe(true);
  });

  it("without planned values, a create writes the record's set_attributes, not every null attribute", async () => {
    const plan = { resource_changes: [{ address: 'aws_s3_bucket.b', mode: 'managed', type: 'aws_s3_bucket', name: 'b', actions: ['create'], changed_attributes: ['acl', 'bucket', 'policy', 'versioning'], set_attributes: ['bucket'] }] };
    const actions = (await neededPermissions({ changes: changesOfPlan(plan), ctx })).needed.map((n) => n.action);
    expect(actions).toContain('s3:CreateBucket');
    expect(actions).not.toContain('s3:PutBucketAcl');
    expect(actions).not.toContain('s3:PutBucketPolicy');
  });

  it('an update needs the actions of the attributes it changes, not every setting', async () => {
    const plan = record([{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', actions: ['update'], changed_attributes: ['tags', 'tags_all'] }]);
    const { needed } = await neededPermissions({ changes: changesOfPlan(plan), ctx });
    const actions = needed.map((n) => n.action);
    expect(actions).toContain('s3:PutBucketTagging');
    expect(actions).not.toContain('s3:PutBucketVersioning');
    expect(actions).not.toContain('s3:CreateBucket');
  });

  it('a delete needs the delete actions; a replace both', async () => {
    const del = await neededPermissions({ changes: changesOfPlan(record([{ address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', actions: ['delete'] }])), ctx });
    expect(del.needed.map((n) => n.action)).toContain('sqs:DeleteQueue');
    expect(del.needed.map((n) => n.action)).not.toContain('sqs:CreateQueue');
    const rep = await neededPermissions({ changes: changesOfPlan(record([{ address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', actions: ['delete', 'create'] }])), ctx });
    expect(rep.needed.map((n) => n.action)).toEqual(expect.arrayContaining(['sqs:DeleteQueue', 'sqs:CreateQueue']));
  });

  it("a create needs create_if actions only for the settings the plan gives; iam:PassRole goes on the role the function is given", async () => {
    const plan = record([
      { address: 'aws_iam_role.fn', type: 'aws_iam_role', actions: ['create'] },
      { address: 'aws_lambda_function.fn', type: 'aws_lambda_function', actions: ['create'] },
      { address: 'aws_dynamodb_table.t', type: 'aws_dynamodb_table', actions: ['create'] },
    ]);
    const values = new Map<string, { values: Record<string, unknown>; unknown: string[]; references: Record<string, string[]> }>([
      ['aws_iam_role.fn', { values: { name: 'life-core-test-fn-role', assume_role_policy: '{}', tags: { Project: 'life' } }, unknown: ['arn'], references: {} }],
      ['aws_lambda_function.fn', { values: { function_name: 'life-core-test-fn', runtime: 'python3.12', tags: { Project: 'life' } }, unknown: ['role', 'arn'], references: { role: ['aws_iam_role.fn'] } }],
      ['aws_dynamodb_table.t', { values: { name: 'life-core-test-items', hash_key: 'id', restore_backup_arn: null, ttl: [] }, unknown: ['arn'], references: {} }],
    ]);
    const { needed } = await neededPermissions({ changes: changesOfPlan(plan, values), ctx });
    const role = 'arn:aws:iam::123456789012:role/life-core-test-fn-role';
    expect(find(needed, 'iam:PassRole')).toMatchObject([{ resource: role, scope: 'plan-arn', addresses: ['aws_lambda_function.fn'] }]);
    // Tag-on-create: the tags the plan sets need the tag action, on the resource itself.
    expect(find(needed, 'lambda:TagResource')).toMatchObject([{ resource: 'arn:aws:lambda:us-east-1:123456789012:function:life-core-test-fn' }]);
    expect(find(needed, 'iam:TagRole')).toMatchObject([{ resource: role }]);
    // Settings the plan leaves out need nothing: no restore, no TTL, no inline policy, no tags on the table.
    for (const a of ['dynamodb:RestoreTableFromBackup', 'dynamodb:UpdateTimeToLive', 'dynamodb:TagResource', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'lambda:PutFunctionConcurrency']) expect(find(needed, a), a).toEqual([]);
    for (const n of needed) expect(n.resource, n.action).not.toBe('*');
  });

  it("a bucket created with tags tags it on create; the update its create calls adds no tag interceptor actions", async () => {
    const plan = record([{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', actions: ['create'] }]);
    const values = new Map([['aws_s3_bucket.b', { values: { bucket: 'life-core-test-b', tags: { Project: 'life' }, tags_all: { Project: 'life' } }, unknown: ['arn'], references: {} }]]);
    const actions = (await neededPermissions({ changes: changesOfPlan(plan, values), ctx })).needed.map((n) => n.action);
    expect(actions).toContain('s3:TagResource');
    expect(actions).not.toContain('s3:UntagResource');
  });

  it('includes what auto-fix learned for the same type and change, marked learned', async () => {
    const { needed } = await neededPermissions({ changes: changesOfPlan(s3Plan, s3Values), ctx, learned: [{ type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls' }, { type: 'aws_s3_bucket', change: 'delete', action: 's3:DeleteBucketOwnershipControls' }] });
    expect(find(needed, 's3:PutBucketOwnershipControls')).toMatchObject([{ source: 'learned', resource: BUCKET }]);
    expect(find(needed, 's3:DeleteBucketOwnershipControls')).toEqual([]);
  });
});

const policies = (statements: object[], boundary?: object[]): PrincipalPolicies => ({
  principal: { type: 'user', name: 'life-test-deploy', arn: PRINCIPAL },
  identity: [{ name: 'p', kind: 'inline', document: { Version: '2012-10-17', Statement: statements } }],
  boundary: boundary ? { name: 'b', kind: 'managed', document: { Version: '2012-10-17', Statement: boundary } } : null,
  notes: [],
});
const need = (action: string, resource: string): NeededPermission => ({ action, resource, scope: 'plan-arn', needed_by: [], addresses: [], source: 'map', status: 'missing' });

describe('evaluateNeeded', () => {
  const req = { principalArn: PRINCIPAL, accountId: '123456789012' };

  it('held where an Allow covers it (with faber-cloud own aws:ResourceAccount pin), missing where nothing does', async () => {
    const out = await evaluateNeeded(
      [need('s3:CreateBucket', BUCKET), need('s3:PutBucketVersioning', PATTERN), need('s3:CreateBucket', 'arn:aws:s3:::other-bucket'), need('sqs:CreateQueue', 'arn:aws:sqs:us-east-1:123456789012:life-core-test-q')],
      policies([{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:PutBucketVersioning'], Resource: PATTERN, Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } }]),
      req,
    );
    expect(out.map((n) => n.status)).toEqual(['held', 'held', 'missing', 'missing']);
  });

  it('an explicit Deny wins over an Allow; NotAction is honoured; a boundary without the action makes it missing', async () => {
    const denied = await evaluateNeeded([need('s3:PutBucketPolicy', BUCKET)], policies([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:PutBucketPolicy', Resource: '*' }]), req);
    expect(denied[0]?.status).toBe('denied');
    const notAction = await evaluateNeeded([need('s3:CreateBucket', BUCKET), need('iam:CreateUser', 'arn:aws:iam::123456789012:user/x')], policies([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]), req);
    expect(notAction.map((n) => n.status)).toEqual(['held', 'missing']);
    const bounded = await evaluateNeeded([need('s3:CreateBucket', BUCKET)], policies([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]), req);
    expect(bounded[0]?.status).toBe('missing');
  });

  it('answers many resources of one pattern class alike, quickly', async () => {
    const many = Array.from({ length: 2000 }, (_v, i) => need('s3:PutBucketVersioning', `arn:aws:s3:::life-core-test-b${i}`));
    const started = performance.now();
    const out = await evaluateNeeded(many, policies([{ Effect: 'Allow', Action: 's3:PutBucketVersioning', Resource: PATTERN }]), req);
    expect(out.every((n) => n.status === 'held')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('preflightDenials', () => {
  it('turns missing permissions into "no identity policy allows" denials for the grant path; held and denied stay out', () => {
    const denials = preflightDenials({
      principal: PRINCIPAL,
      needed: [
        { ...need('s3:CreateBucket', BUCKET), addresses: ['aws_s3_bucket.uploads'] },
        { ...need('s3:PutBucketCORS', PATTERN), scope: 'environment-pattern' },
        { ...need('s3:ListAllMyBuckets', '*'), scope: 'wildcard-only' },
        { ...need('s3:GetBucketAcl', BUCKET), status: 'held' },
        { ...need('s3:PutBucketPolicy', BUCKET), status: 'denied' },
      ],
    });
    expect(denials).toEqual([
      expect.objectContaining({ kind: 'denial', action: 's3:CreateBucket', resourceArn: BUCKET, reason: 'no-identity-policy', explicit: false, principalArn: PRINCIPAL, address: 'aws_s3_bucket.uploads' }),
      // The environment pattern of the resource's own kind keeps the grant to that resource type.
      expect.objectContaining({ action: 's3:PutBucketCORS', resourceArn: PATTERN }),
      expect.not.objectContaining({ resourceArn: expect.anything() }),
    ]);
    expect(denials[2]?.action).toBe('s3:ListAllMyBuckets');
  });
});

describe('learned permissions log', () => {
  it('records grants by type and change, counts repeats, keeps defects, and refuses a corrupt file', async () => {
    const root = await tempDir();
    const paths = projectPaths(root);
    await recordLearned(paths, 'learned.json', 'test', [{ type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls' }], [{ type: 'aws_s3_bucket', change: 'create', action: 's3:CreateBucket', address: 'aws_s3_bucket.b' }]);
    await recordLearned(paths, 'learned.json', 'prod', [{ type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls' }], []);
    const log = await readLearned(paths, 'learned.json');
    expect(log.entries).toMatchObject([{ type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls', count: 2, environments: ['test', 'prod'] }]);
    expect(log.map_defects).toMatchObject([{ action: 's3:CreateBucket', environment: 'test', address: 'aws_s3_bucket.b' }]);
    await mkdir(path.dirname(paths.learnedPermissionsFile), { recursive: true });
    await writeFile(paths.learnedPermissionsFile, '{"schema_version":1,"entries":[{"type":"x"}],"map_defects":[]}');
    await expect(readLearned(paths, 'learned.json')).rejects.toMatchObject({ code: 'E_ARTIFACT_CORRUPT' });
  });
});

describe('learningOf', () => {
  const changes = [
    { address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', action: 'create' },
    { address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', action: 'update' },
  ];
  const predicts = (type: string, action: string) => type === 'aws_s3_bucket' && action === 's3:CreateBucket';
  const grants = [
    { action: 's3:CreateBucket', denials: [0] },
    { action: 's3:PutBucketOwnershipControls', denials: [1] },
    { action: 'sqs:TagQueue', denials: [2, 3] },
  ];
  const addresses = ['aws_s3_bucket.b', 'aws_s3_bucket.b', 'aws_sqs_queue.q', undefined];

  it('learns what the map did not predict, by type and change; a predicted denial is a map defect only after a preflight', () => {
    const after = learningOf(grants, addresses, changes, predicts, true);
    expect(after.learned).toEqual([
      { type: 'aws_s3_bucket', change: 'create', action: 's3:PutBucketOwnershipControls' },
      { type: 'aws_sqs_queue', change: 'update', action: 'sqs:TagQueue' },
    ]);
    expect(after.defects).toEqual([{ type: 'aws_s3_bucket', change: 'create', action: 's3:CreateBucket', address: 'aws_s3_bucket.b' }]);
    expect(learningOf(grants, addresses, changes, predicts, false).defects).toEqual([]);
  });
});
