import path from 'node:path';
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, credentialsOf, enableIamEnforcement, resetMoto, type ProfileUser } from '../support/moto.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';

/**
 * Issue 16, permission preflight, end to end through the built CLI: OpenTofu + hashicorp/aws
 * against moto with IAM enforcement on, the deploy user holding nothing but what moto itself
 * needs (below). The 6-permission S3 fixture of the auto-fix test (which needs 2 auto-fix
 * rounds without preflight) deploys with 0 rounds: preflight grants the missing permissions in
 * one batch before the apply. A recording proxy in front of moto is the ground truth of what
 * the apply really called.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'terraform', 'autofix-s3');
const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/life-test-faber-cloud-deploy`;
const BUCKET_ARN = 'arn:aws:s3:::life-core-test-uploads';
const ENV_PATTERN = 'arn:aws:s3:::life-core-test-*';
/** What the auto-fix test needs granted (its two rounds). */
const FIXTURE_WRITES = ['s3:CreateBucket', 's3:PutAccelerateConfiguration', 's3:PutBucketCORS', 's3:PutBucketPolicy', 's3:PutBucketVersioning', 's3:PutBucketWebsite'];

/**
 * Held from the start. sts:GetCallerIdentity: faber-cloud's identity check. s3:HeadBucket is
 * not an IAM action (AWS authorises HeadBucket as s3:ListBucket, which preflight grants), but
 * moto 5.2.1 authorises HEAD /bucket as "s3:HeadBucket", which no grant can name.
 */
const MOTO_ONLY = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['sts:GetCallerIdentity', 's3:HeadBucket'], Resource: '*' }] };
const IAM_ADMIN = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] };

async function policyDocument(iam: IAMClient): Promise<any> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
  const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(decodeURIComponent(text));
  }
}

const lower = (list: string[]) => [...new Set(list.map((a) => a.toLowerCase()))].sort();

describe('permission preflight against moto with IAM enforcement', () => {
  let p: TestProject;
  let users: Record<string, ProfileUser>;
  let proxy: RecordingProxy;

  beforeEach(async () => {
    await resetMoto();
    p = await createProject(FIXTURE, { project: 'life' });
    await p.editConfig((c) => {
      c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0 };
    });
    const created = await createProfileUsers([
      { profile: 'life-discover-deploy', policy: IAM_ADMIN },
      { profile: 'life-test-deploy', policy: MOTO_ONLY },
    ]);
    users = Object.fromEntries(created.map((u) => [u.profile, u]));
    await enableIamEnforcement();
    proxy = await startRecordingProxy(process.env.AWS_ENDPOINT_URL!);
  });

  afterEach(async () => {
    await proxy.stop();
  });

  it('preview and preflight show what is missing; deploy grants it in one batch before the apply (0 auto-fix rounds); a second deploy grants nothing', async () => {
    // Preview: the summary, everything missing, the bucket's own ARN where the plan knows it.
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json'], { timeoutMs: 280_000 });
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    const summary = preview.json.data.preflight;
    expect(summary.principal).toBe(users['life-test-deploy']!.arn);
    expect(summary.summary).toMatchObject({ held: 0, denied: 0, resource_changes: 6 });
    expect(summary.summary.missing).toBe(summary.summary.needed);
    expect(summary.unknown_types).toEqual([]);
    const create = summary.needed.find((n: any) => n.action === 's3:CreateBucket');
    expect(create).toMatchObject({ resource: BUCKET_ARN, scope: 'plan-arn', status: 'missing', source: 'map' });
    for (const action of FIXTURE_WRITES) expect(summary.needed.map((n: any) => n.action)).toContain(action);
    // Never `*` where the plan names an ARN: every S3 permission is on the bucket or the env pattern.
    for (const n of summary.needed) expect([BUCKET_ARN, ENV_PATTERN], JSON.stringify(n)).toContain(n.resource);

    // The command gives the same answer for the saved plan.
    const planId = preview.json.data.plan_id;
    const pf = await p.cli(['permissions', 'preflight', '--env', 'test', '--plan', planId, '--json']);
    expect(pf.code, pf.stdout + pf.stderr).toBe(0);
    expect(pf.json.data.plan_id).toBe(planId);
    expect(pf.json.data.needed).toEqual(summary.needed);
    const human = await p.cli(['permissions', 'preflight', '--env', 'test']);
    expect(human.stdout).toContain(`missing  s3:CreateBucket  on ${BUCKET_ARN}`);

    // Deploy through the recording proxy: preflight grants, the apply needs no auto-fix round.
    // A deploy on a loaded machine can pass the 2-minute default of runCli.
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: { AWS_ENDPOINT_URL: proxy.endpoint }, timeoutMs: 280_000 });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.json.data.auto_fix).toEqual({ rounds: 0, granted: [] });
    const granted: string[] = deploy.json.data.preflight.granted;
    expect(deploy.json.data.preflight.refused).toEqual([]);
    for (const action of FIXTURE_WRITES) expect(granted).toContain(action);
    expect((await historyLines(p)).at(-1)).toMatchObject({ operation: 'deploy', outcome: 'success', auto_fix_rounds: 0 });

    // Ground truth: every action the provider's calls needed was granted (recall 100%).
    const truth = proxy.providerActions();
    expect(truth.unrecognised).toEqual([]);
    const used = lower(truth.actions).filter((a) => a !== 's3:headbucket');
    const grantedLower = lower(granted);
    expect(used.filter((a) => !grantedLower.includes(a))).toEqual([]);
    const overGrant = grantedLower.filter((a) => !used.includes(a));
    console.log(`preflight autofix-s3: granted ${granted.length}, used ${used.length}, recall ${used.filter((a) => grantedLower.includes(a)).length}/${used.length}, over-grant ${overGrant.length}/${granted.length}: ${overGrant.join(', ')}`);

    // The deploy policy: scoped to the environment's pattern, never `*` for S3.
    const discoverIam = new IAMClient({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: credentialsOf(users['life-discover-deploy']!) });
    const document = await policyDocument(discoverIam);
    for (const s of document.Statement) expect([s.Resource].flat()).toEqual([ENV_PATTERN]);

    // Audit: one entry per action, source preflight, with its reason.
    const audit = await p.cli(['permissions', 'audit', '--env', 'test', '--json']);
    const entries = audit.json.data.entries;
    expect(entries.every((e: any) => e.source === 'preflight' && e.status === 'granted')).toBe(true);
    expect(entries.flatMap((e: any) => e.actions).sort()).toEqual([...granted].sort());
    expect(entries[0].reason.text).toMatch(/^preflight of plan [0-9a-f]{12}$/);

    // Preflight of the first plan now finds everything held.
    const after = await p.cli(['permissions', 'preflight', '--env', 'test', '--plan', planId, '--json']);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.json.data.summary).toMatchObject({ missing: 0, denied: 0, held: summary.summary.needed });

    // Second deploy: nothing to change, nothing granted, no new audit entry.
    const again = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { timeoutMs: 280_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.data.auto_fix).toEqual({ rounds: 0, granted: [] });
    expect(again.json.data.preflight?.granted ?? []).toEqual([]);
    expect((await p.cli(['permissions', 'audit', '--env', 'test', '--json'])).json.data.entries).toHaveLength(entries.length);
  }, 900_000);

  it('refuses bad input with exit 2 and a stable code, changing nothing', async () => {
    const noPlan = await p.cli(['permissions', 'preflight', '--env', 'test', '--json']);
    expect(noPlan.code, noPlan.stdout + noPlan.stderr).toBe(2);
    expect(noPlan.json.error.code).toBe('E_USAGE_PLAN_NOT_FOUND');
    const badId = await p.cli(['permissions', 'preflight', '--env', 'test', '--plan', 'nothex', '--json']);
    expect(badId.code).toBe(2);
    expect(badId.json.error.code).toBe('E_USAGE_PLAN_ID');
    const missing = await p.cli(['permissions', 'preflight', '--env', 'test', '--plan', '0123456789ab', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json.error.code).toBe('E_USAGE_PLAN_NOT_FOUND');
    const env = await p.cli(['permissions', 'preflight', '--env', 'nope', '--json']);
    expect(env.code).toBe(2);
    expect(proxy.calls).toEqual([]);
  }, 120_000);
});
