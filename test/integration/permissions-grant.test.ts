import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DeleteUserPolicyCommand,
  GetPolicyCommand,
  PutUserPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createGrantProfileUsers, credentialsOf, enableIamEnforcement, resetMoto, type ProfileUser } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * `permissions grant` and `permissions audit` through the built CLI against moto with IAM
 * enforcement on: the discover user may manage IAM, the test user may only ask who it is,
 * until faber-cloud grants it something.
 */

const POLICY = 'life-test-faber-cloud-deploy';
const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/${POLICY}`;
const BUCKET_ARN = 'arn:aws:s3:::life-core-test-uploads';

const endpoint = () => process.env.AWS_ENDPOINT_URL!;

async function policyDocument(iam: IAMClient): Promise<{ version: string; document: any }> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
  const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
  let document: any;
  try {
    document = JSON.parse(text);
  } catch {
    document = JSON.parse(decodeURIComponent(text));
  }
  return { version, document };
}

async function customerPolicies(iam: IAMClient): Promise<string[]> {
  return ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.PolicyName!).sort();
}

describe('permissions grant / audit against moto with IAM enforcement', () => {
  let p: TestProject;
  let users: Record<string, ProfileUser>;
  let admin: IAMClient;
  let testS3: S3Client;

  beforeEach(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    users = await createGrantProfileUsers();
    admin = new IAMClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: credentialsOf(users['life-admin']!) });
    testS3 = new S3Client({ region: MOTO_REGION, endpoint: endpoint(), forcePathStyle: true, credentials: credentialsOf(users['life-test-deploy']!) });
    await enableIamEnforcement();
  });

  it('grants a scoped action to the test user, audits it pending→granted, and merges later grants without duplicates', async () => {
    // Before: the test user cannot create the bucket.
    await expect(testS3.send(new CreateBucketCommand({ Bucket: 'life-core-test-x' }))).rejects.toMatchObject({ name: 'AccessDenied' });

    const grant = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', BUCKET_ARN, '--reason', 'uploads bucket', '--json']);
    expect(grant.code, grant.stdout + grant.stderr).toBe(0);
    expect(grant.json.data.applied.policies[0]).toMatchObject({ name: POLICY, version: 'v1', change: 'created', attached: true });

    const { document } = await policyDocument(admin);
    expect(document.Statement).toEqual([{ Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::life-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': MOTO_ACCOUNT_ID } } }]);
    const attached = await admin.send(new ListAttachedUserPoliciesCommand({ UserName: 'life-test-deploy' }));
    expect(attached.AttachedPolicies?.map((a) => a.PolicyArn)).toEqual([POLICY_ARN]);

    // The grant works, and only inside the environment's pattern.
    await testS3.send(new CreateBucketCommand({ Bucket: 'life-core-test-x' }));
    await expect(testS3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }))).rejects.toMatchObject({ name: 'AccessDenied' });

    // Audit: one entry, granted, with every field.
    const audit = await p.readJson(path.join(p.dir, '.fractary/plugins/faber-cloud/deployments/iam-audit.json'));
    expect(audit.schema_version).toBe(1);
    expect(audit.entries).toHaveLength(1);
    const entry = audit.entries[0];
    expect(entry).toMatchObject({
      status: 'granted',
      environment: 'test',
      account: MOTO_ACCOUNT_ID,
      actions: ['s3:CreateBucket'],
      resources: ['arn:aws:s3:::life-core-test-*'],
      target_principal: { arn: users['life-test-deploy']!.arn, type: 'user', name: 'life-test-deploy' },
      policy_name: POLICY,
      policy_version: 'v1',
      granted_by_profile: 'life-discover-deploy',
      granted_by_arn: users['life-discover-deploy']!.arn,
      source: 'cli',
      reason: { text: 'uploads bucket', denials: [{ action: 's3:CreateBucket', resourceArn: BUCKET_ARN, reason: 'no-identity-policy' }] },
    });
    expect(entry.id).toMatch(/^g-/);
    expect(Date.parse(entry.timestamp)).not.toBeNaN();

    // The same action again: nothing to add, so no new version.
    const again = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', BUCKET_ARN, '--reason', 'again', '--json']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.json.data.applied.policies[0]).toMatchObject({ version: 'v1', change: 'unchanged', attached: false });

    // The same action with a new one: a new default version holding each action once.
    const more = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--action', 's3:PutBucketTagging', '--resource', BUCKET_ARN, '--reason', 'tags', '--json']);
    expect(more.code, more.stdout).toBe(0);
    const after = await policyDocument(admin);
    expect(after.version).toBe('v2');
    expect(after.document.Statement).toEqual([{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:PutBucketTagging'], Resource: ['arn:aws:s3:::life-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': MOTO_ACCOUNT_ID } } }]);
    expect(((await admin.send(new ListPolicyVersionsCommand({ PolicyArn: POLICY_ARN }))).Versions ?? []).length).toBe(2);

    const shown = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
    expect(shown.code).toBe(0);
    // one entry per action: first grant, the repeated one, then the two actions of the third
    expect(shown.json.data.entries.map((e: any) => [e.status, e.actions])).toEqual([
      ['granted', ['s3:CreateBucket']],
      ['granted', ['s3:CreateBucket']],
      ['granted', ['s3:CreateBucket']],
      ['granted', ['s3:PutBucketTagging']],
    ]);
    const human = await p.cli(['permissions', 'audit']);
    expect(human.stdout).toContain('s3:PutBucketTagging');
    expect(human.stdout).toContain('4 entries');
    const none = await p.cli(['permissions', 'audit', '--since', '2999-01-01', '--json']);
    expect(none.json.data.entries).toEqual([]);
  });

  it('refuses the test profile (exit 3) and changes nothing in moto', async () => {
    const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', BUCKET_ARN, '--reason', 'x', '--profile', 'life-test-deploy', '--json']);
    expect(run.code).toBe(3);
    expect(run.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    expect(await customerPolicies(admin)).toEqual([]);
  });

  it('refuses an escalation action (exit 4), records the refusal, grants nothing', async () => {
    const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 'iam:AttachUserPolicy', '--reason', 'x', '--json']);
    expect(run.code, run.stdout).toBe(4);
    expect(run.json.error.code).toBe('E_PERMISSION_NEEDS_HUMAN');
    expect(await customerPolicies(admin)).toEqual([]);
    const audit = await p.cli(['permissions', 'audit', '--json']);
    expect(audit.json.data.entries).toHaveLength(1);
    expect(audit.json.data.entries[0]).toMatchObject({ status: 'refused', actions: ['iam:AttachUserPolicy'], refusal: { reason: 'escalation' }, granted_by_profile: 'life-discover-deploy' });
  });

  it('grants the grantable part of a mixed request and still exits 4 for the refused part', async () => {
    const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--action', 'iam:PutUserPolicy', '--resource', BUCKET_ARN, '--reason', 'x', '--json']);
    expect(run.code, run.stdout).toBe(4);
    expect(run.json.error.message).toContain('granted the other 1: s3:CreateBucket');
    expect((await policyDocument(admin)).document.Statement[0].Action).toEqual(['s3:CreateBucket']);
    const statuses = (await p.cli(['permissions', 'audit', '--json'])).json.data.entries.map((e: any) => e.status).sort();
    expect(statuses).toEqual(['granted', 'refused']);
  });

  it('records a failed IAM call as failed (exit 4 when the discover profile lacks IAM rights)', async () => {
    await admin.send(new DeleteUserPolicyCommand({ UserName: 'life-discover-deploy', PolicyName: 'life-discover-deploy-test-policy' }));
    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'life-discover-deploy',
        PolicyName: 'sts-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'iam:GetPolicy'], Resource: '*' }] }),
      }),
    );
    const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', BUCKET_ARN, '--reason', 'x', '--json']);
    expect(run.code, run.stdout).toBe(4);
    expect(run.json.error.code).toBe('E_IAM_GRANT_DENIED');
    expect(await customerPolicies(admin)).toEqual([]);
    const entries = (await p.cli(['permissions', 'audit', '--json'])).json.data.entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 'failed', actions: ['s3:CreateBucket'], error: { code: 'E_IAM_GRANT_DENIED' } });
  });

  it('will not overwrite a corrupt audit log, and grants nothing while it is corrupt', async () => {
    const file = path.join(p.dir, '.fractary/plugins/faber-cloud/deployments/iam-audit.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"schema_version":1,"entries":[');
    const run = await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--resource', BUCKET_ARN, '--reason', 'x', '--json']);
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('E_ARTIFACT_CORRUPT');
    expect(run.json.error.message).toContain('iam-audit.json');
    expect(await readFile(file, 'utf8')).toBe('{"schema_version":1,"entries":[');
    expect(await customerPolicies(admin)).toEqual([]);
    expect((await p.cli(['permissions', 'audit', '--json'])).code).toBe(2);
  });

  it('asks for --reason and a well-formed action (exit 2)', async () => {
    expect((await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:CreateBucket', '--json'])).code).toBe(2);
    expect((await p.cli(['permissions', 'grant', '--env', 'test', '--action', 's3:*', '--reason', 'x', '--json'])).json.error.code).toBe('E_USAGE');
  });
});
