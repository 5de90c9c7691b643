import { CreatePolicyCommand, CreatePolicyVersionCommand, CreateUserCommand, GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListAttachedUserPoliciesCommand, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyGrant, grantPrincipalOf, grantsOfDocument, mergeGrants } from '../../src/handlers/hosting/aws/iam-grants.js';
import { MOTO_ACCOUNT_ID, MOTO_REGION, disableIamEnforcement, resetMoto, writeProfiles } from '../support/moto.js';

/**
 * The IAM half of `permissions grant` (src/handlers/hosting/aws/iam-grants.ts) called
 * directly against moto: version pruning, merging, hand-written policies. Its own file: the
 * AWS SDK caches the shared config files per process, so the profile must exist before any
 * client in this process reads them.
 */

const POLICY = 'life-test-faber-cloud-deploy';
const POLICY_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/${POLICY}`;
const endpoint = () => process.env.AWS_ENDPOINT_URL!;

async function policyDocument(iam: IAMClient): Promise<{ version: string; document: any }> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }))).Policy!.DefaultVersionId!;
  const text = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: version }))).PolicyVersion!.Document!;
  try {
    return { version, document: JSON.parse(text) };
  } catch {
    return { version, document: JSON.parse(decodeURIComponent(text)) };
  }
}

beforeAll(async () => {
  await writeProfiles([{ profile: 'admin', accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin' }]);
});

describe('applyGrant against moto (no enforcement)', () => {
  beforeEach(async () => {
    await resetMoto();
    await disableIamEnforcement();
  });

  const iam = () => new IAMClient({ region: MOTO_REGION, endpoint: endpoint(), credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [action], Resource: ['*'] }] });

  it('deletes the oldest non-default version when the policy already has five, keeping every grant', async () => {
    const client = iam();
    await client.send(new CreateUserCommand({ UserName: 'deployer' }));
    await client.send(new CreatePolicyCommand({ PolicyName: POLICY, PolicyDocument: doc('s3:ListAllMyBuckets') }));
    for (const [i, action] of ['sns:ListTopics', 'sqs:ListQueues', 'dynamodb:ListTables', 'logs:DescribeLogGroups'].entries()) {
      // v2..v5; v3 becomes the default, so v1 is the oldest non-default one.
      await client.send(new CreatePolicyVersionCommand({ PolicyArn: POLICY_ARN, PolicyDocument: doc(action), SetAsDefault: i === 1 }));
    }
    const result = await applyGrant(
      {
        profile: 'admin',
        region: MOTO_REGION,
        accountId: MOTO_ACCOUNT_ID,
        partition: 'aws',
        policyName: POLICY,
        grants: [{ action: 's3:CreateBucket', resources: ['arn:aws:s3:::life-core-test-*'] }],
        principalArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/deployer`,
      },
      process.env,
    );
    expect(result.policies[0]).toMatchObject({ change: 'updated', version: 'v6', prunedVersions: ['v1'], attached: true });
    const versions = ((await client.send(new ListPolicyVersionsCommand({ PolicyArn: POLICY_ARN }))).Versions ?? []).map((v) => v.VersionId).sort();
    expect(versions).toEqual(['v2', 'v3', 'v4', 'v5', 'v6']);
    const attached = await client.send(new ListAttachedUserPoliciesCommand({ UserName: 'deployer' }));
    expect(attached.AttachedPolicies?.map((a) => a.PolicyArn)).toEqual([POLICY_ARN]);
    const { document } = await policyDocument(client);
    // The default version's grant (v3: sqs:ListQueues) survives, merged with the new one.
    expect(document.Statement).toEqual([
      { Effect: 'Allow', Action: ['sqs:ListQueues'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: ['arn:aws:s3:::life-core-test-*'], Condition: { StringEquals: { 'aws:ResourceAccount': MOTO_ACCOUNT_ID } } },
    ]);
  });

  it('gives a policy written before the aws:ResourceAccount pin a new version with it, and then leaves it unchanged', async () => {
    const client = iam();
    await client.send(new CreateUserCommand({ UserName: 'deployer' }));
    const bucket = ['arn:aws:s3:::life-core-test-*'];
    await client.send(new CreatePolicyCommand({ PolicyName: POLICY, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: bucket }] }) }));
    const request = {
      profile: 'admin',
      region: MOTO_REGION,
      accountId: MOTO_ACCOUNT_ID,
      partition: 'aws',
      policyName: POLICY,
      grants: [{ action: 's3:CreateBucket', resources: bucket }],
      principalArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/deployer`,
    };
    expect((await applyGrant(request, process.env)).policies[0]).toMatchObject({ change: 'updated', version: 'v2' });
    expect((await policyDocument(client)).document.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:CreateBucket'], Resource: bucket, Condition: { StringEquals: { 'aws:ResourceAccount': MOTO_ACCOUNT_ID } } },
    ]);
    expect((await applyGrant(request, process.env)).policies[0]).toMatchObject({ change: 'unchanged', version: 'v2' });
  });

  it('refuses to merge into a policy holding a hand-written statement', async () => {
    const client = iam();
    await client.send(
      new CreatePolicyCommand({
        PolicyName: POLICY,
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    await expect(
      applyGrant(
        { profile: 'admin', region: MOTO_REGION, accountId: MOTO_ACCOUNT_ID, partition: 'aws', policyName: POLICY, grants: [{ action: 's3:CreateBucket', resources: ['*'] }], principalArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/deployer` },
        process.env,
      ),
    ).rejects.toMatchObject({ code: 'E_IAM_POLICY_FOREIGN' });
    expect(((await client.send(new ListPolicyVersionsCommand({ PolicyArn: POLICY_ARN }))).Versions ?? []).length).toBe(1);
  });

  it('maps caller ARNs to the principal the policy is attached to', async () => {
    expect(grantPrincipalOf('arn:aws:iam::123456789012:user/ci/deployer')).toEqual({ type: 'user', name: 'deployer', arn: 'arn:aws:iam::123456789012:user/ci/deployer' });
    expect(grantPrincipalOf('arn:aws:sts::123456789012:assumed-role/Deploy/session-1')).toEqual({ type: 'role', name: 'Deploy', arn: 'arn:aws:iam::123456789012:role/Deploy' });
    expect(() => grantPrincipalOf('arn:aws:iam::123456789012:root')).toThrow(/only IAM users and roles/);
  });

  it('merges grants per action and reads single-string statements', () => {
    const existing = grantsOfDocument({ Statement: { Effect: 'Allow', Action: 's3:CreateBucket', Resource: 'arn:aws:s3:::a-*' } }, 'p');
    expect(mergeGrants(existing, [{ action: 's3:CreateBucket', resources: ['arn:aws:s3:::a-*', 'arn:aws:s3:::b-*'] }])).toEqual([
      { action: 's3:CreateBucket', resources: ['arn:aws:s3:::a-*', 'arn:aws:s3:::b-*'] },
    ]);
    expect(() => grantsOfDocument({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }] }, 'p')).toThrow(/does not manage/);
  });
});
