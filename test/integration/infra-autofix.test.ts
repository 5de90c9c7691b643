import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, credentialsOf, enableIamEnforcement, resetMoto, writeProfiles, type ProfileUser } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * Issue 5, "Done when": the deploy's permission auto-fix loop end to end, through the built
 * CLI, OpenTofu + hashicorp/aws against moto with IAM enforcement on.
 *
 * What the fixture needs, found by experiment (moto 5.2.1, enforcement on, the test user
 * holding only the reads below; `permissions parse-error` on each failed apply):
 *   round 1: s3:CreateBucket (the bucket-level resources all depend on the bucket)
 *   round 2: s3:PutBucketVersioning, s3:PutBucketCORS, s3:PutBucketWebsite,
 *            s3:PutAccelerateConfiguration, s3:PutBucketPolicy (applied in parallel: one
 *            apply reports all five)
 *   then the apply completes, and a second plan has no changes.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'terraform', 'autofix-s3');
const POLICY = 'life-test-faber-cloud-deploy';
const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/${POLICY}`;
const ENV_PATTERN = 'arn:aws:s3:::life-core-test-*';

const ROUND_1 = ['s3:CreateBucket'];
const ROUND_2 = ['s3:PutAccelerateConfiguration', 's3:PutBucketCORS', 's3:PutBucketPolicy', 's3:PutBucketVersioning', 's3:PutBucketWebsite'];
const NEEDED = [...ROUND_1, ...ROUND_2].sort();

const READ_ONLY = {
  Version: '2012-10-17' as const,
  Statement: [
    {
      Effect: 'Allow' as const,
      // The loop grants the writes the fixture needs; reads are pre-granted because the
      // provider reads ~15 bucket settings one after another after each create, which would
      // otherwise cost one auto-fix round each. s3:HeadBucket is not an IAM action in AWS
      // (HeadBucket needs s3:ListBucket there), but moto 5.2.1 authorises HEAD /bucket as
      // "s3:HeadBucket"; without it the provider's wait-for-bucket after CreateBucket retries
      // the 403 for minutes instead of failing.
      Action: ['sts:GetCallerIdentity', 's3:Get*', 's3:List*', 's3:HeadBucket'],
      Resource: '*',
    },
  ],
};
const IAM_ADMIN = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] };


async function customerPolicies(iam: IAMClient): Promise<string[]> {
  return ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.PolicyName!).sort();
}

async function policyDocument(iam: IAMClient): Promise<any> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
  const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(decodeURIComponent(text));
  }
}

async function auditEntries(p: TestProject): Promise<any[]> {
  const run = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return run.json.data.entries;
}

/**
 * moto's denials carry no "because …" reason, so the planner treats them as reason
 * `unknown`, which auto-fix grants only with permissions.grant_unstated_reason (real AWS
 * S3 denials are the same bare "Access Denied"). propagation_wait_seconds: moto's IAM is
 * immediately consistent. preflight_grants off: this file tests the auto-fix loop itself, the
 * safety net behind the preflight (test/integration/preflight.test.ts deploys the same fixture
 * with preflight and 0 rounds).
 */
async function configureForMoto(p: TestProject): Promise<void> {
  await p.editConfig((c) => {
    c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0, preflight_grants: false };
  });
}

describe('infra deploy auto-fix against moto with IAM enforcement', () => {
  let p: TestProject;
  let users: Record<string, ProfileUser>;
  let discoverIam: IAMClient;

  beforeEach(async () => {
    await resetMoto();
    p = await createProject(FIXTURE, { project: 'life' });
    await configureForMoto(p);
    // After createProject: it writes placeholder profiles that these replace.
    const created = await createProfileUsers([
      { profile: 'life-discover-deploy', policy: IAM_ADMIN },
      { profile: 'life-test-deploy', policy: READ_ONLY },
    ]);
    users = Object.fromEntries(created.map((u) => [u.profile, u]));
    discoverIam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: credentialsOf(users['life-discover-deploy']!) });
    await enableIamEnforcement();
  });

  it('grants exactly the missing writes, scoped to the env, in at most 2 rounds; audits each; a second deploy needs no grant', async () => {
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: {} });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    const autoFix = deploy.json.data.auto_fix;
    expect(autoFix.rounds).toBeGreaterThanOrEqual(1);
    expect(autoFix.rounds).toBeLessThanOrEqual(2);
    expect([...autoFix.granted].sort()).toEqual(NEEDED);

    const history = await historyLines(p);
    expect(history.at(-1)).toMatchObject({ operation: 'deploy', outcome: 'success', auto_fix_rounds: autoFix.rounds });

    // The deploy policy: exactly the needed writes, every statement on the env's pattern only.
    const document = await policyDocument(discoverIam);
    const actions = document.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.sort()).toEqual(NEEDED);
    for (const s of document.Statement) {
      expect(s.Effect).toBe('Allow');
      expect([s.Resource].flat()).toEqual([ENV_PATTERN]);
    }

    // Audit: one granted entry per action, all from auto-fix.
    const entries = await auditEntries(p);
    const granted = entries.filter((e) => e.status === 'granted');
    expect(entries.filter((e) => e.status !== 'granted'), JSON.stringify(entries)).toEqual([]);
    expect(granted.flatMap((e) => e.actions).sort()).toEqual(NEEDED);
    expect(granted).toHaveLength(NEEDED.length);
    for (const e of granted) {
      expect(e.actions).toHaveLength(1);
      expect(e).toMatchObject({
        source: 'auto-fix',
        environment: 'test',
        policy_name: POLICY,
        resources: [ENV_PATTERN],
        target_principal: { arn: users['life-test-deploy']!.arn },
        granted_by_profile: 'life-discover-deploy',
      });
    }

    // Deployed for real: the state holds all six resources.
    expect((await p.state('test')).map((r) => r.address).sort()).toEqual([
      'aws_s3_bucket.uploads',
      'aws_s3_bucket_accelerate_configuration.uploads',
      'aws_s3_bucket_cors_configuration.uploads',
      'aws_s3_bucket_policy.uploads',
      'aws_s3_bucket_versioning.uploads',
      'aws_s3_bucket_website_configuration.uploads',
    ]);

    // Second deploy: nothing to grant, no new audit entry, policy unchanged.
    const again = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.data.auto_fix).toEqual({ rounds: 0, granted: [] });
    expect((await historyLines(p)).at(-1)).toMatchObject({ operation: 'deploy', auto_fix_rounds: 0 });
    expect(await auditEntries(p)).toHaveLength(entries.length);
    expect((await policyDocument(discoverIam)).Statement.flatMap((s: any) => [s.Action].flat()).sort()).toEqual(NEEDED);
  }, 300_000);

  it('--no-auto-fix stops at the first denial and grants nothing', async () => {
    const run = await p.cli(['infra', 'deploy', '--env', 'test', '--no-auto-fix', '--json']);
    // A denial nobody may fix automatically needs a person: exit 4 (DESIGN §2).
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.json.error.code).toBe('E_PERMISSION_DENIED');
    expect(JSON.stringify(run.json.error)).toContain('s3:CreateBucket');
    expect(await customerPolicies(discoverIam)).toEqual([]);
    expect((await auditEntries(p)).filter((e) => e.status === 'granted')).toEqual([]);
    expect((await historyLines(p)).at(-1)).toMatchObject({ outcome: 'failed', auto_fix_rounds: 0 });
  }, 180_000);

  // Unknown keys are caught by the guard's identity check before any apply; the case where
  // credentials fail inside the apply is in the canned-message cases below.
  it('a credential error stops the deploy with exit 4 E_AWS_CREDENTIALS and grants nothing', async () => {
    await writeProfiles([
      { profile: 'life-discover-deploy', ...credentialsOf(users['life-discover-deploy']!) },
      { profile: 'life-test-deploy', accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'not-a-real-secret' },
    ]);
    const run = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.json.error.code).toBe('E_AWS_CREDENTIALS');
    expect(await customerPolicies(discoverIam)).toEqual([]);
    expect((await auditEntries(p)).filter((e) => e.status === 'granted')).toEqual([]);
  }, 180_000);
});

/**
 * Explicit deny, SCP and permissions boundary: moto cannot produce these (its denials never
 * carry AWS's "with an explicit deny in …" tail, so an explicit Deny in moto looks exactly
 * like a missing Allow), so moto is skipped: the apply fails with the real AWS message
 * (AWS IAM User Guide, "Troubleshoot access denied error messages"), printed by a
 * local-exec provisioner, which OpenTofu puts into the error diagnostic the loop parses.
 * IAM enforcement stays off: nothing here is decided by moto.
 */
describe('infra deploy auto-fix refuses what only a person can fix', () => {
  const PRINCIPAL = `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/life-test-deploy`;
  const denial = (tail: string) =>
    `operation error S3: PutBucketVersioning, https response error StatusCode: 403, RequestID: 0123456789ABCDEF, HostID: abc=, api error AccessDenied: User: ${PRINCIPAL} is not authorized to perform: s3:PutBucketVersioning on resource: "arn:aws:s3:::life-core-test-uploads" ${tail}`;
  const cases = [
    ['explicit deny', denial('with an explicit deny in an identity-based policy'), 'E_PERMISSION_NEEDS_HUMAN', ['refused']],
    ['SCP', denial('with an explicit deny in a service control policy'), 'E_PERMISSION_NEEDS_HUMAN', ['refused']],
    ['permissions boundary', denial('with an explicit deny in a permissions boundary'), 'E_PERMISSION_NEEDS_HUMAN', ['refused']],
    // The credentials went bad during the apply (the guard's identity check had passed):
    // the loop itself must see it is not a permission problem.
    [
      'credential error during the apply',
      'operation error S3: PutBucketVersioning, https response error StatusCode: 403, RequestID: 0123456789ABCDEF, HostID: abc=, api error InvalidClientTokenId: The security token included in the request is invalid.',
      'E_AWS_CREDENTIALS',
      [],
    ],
  ] as const;

  beforeEach(resetMoto);

  it.each(cases)('%s: exit 4, nothing granted', async (_name, message, code, auditStatuses) => {
    const dir = await tempDir('faber-autofix-deny-');
    await writeFile(
      path.join(dir, 'main.tf'),
      `resource "terraform_data" "versioning" {
  input = "versioning"
  provisioner "local-exec" {
    command = ${JSON.stringify(`echo '${message}' >&2; exit 1`)}
  }
}
`,
    );
    const p = await createProject(dir, { project: 'life' });
    await configureForMoto(p); // even with unstated reasons granted, a stated explicit deny is not
    const run = await p.cli(['infra', 'deploy', '--env', 'test', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.json.error.code).toBe(code);
    if (code === 'E_PERMISSION_NEEDS_HUMAN') expect(run.json.error.message).toContain('s3:PutBucketVersioning');
    const iam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    expect(await customerPolicies(iam)).toEqual([]);
    const entries = await auditEntries(p);
    expect(entries.filter((e) => e.status === 'granted')).toEqual([]);
    expect(entries.map((e) => e.status)).toEqual(auditStatuses);
    expect((await historyLines(p)).at(-1)).toMatchObject({ outcome: 'failed' });
  }, 120_000);
});
