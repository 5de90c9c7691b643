import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, createProfileUsers, enableIamEnforcement, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Issue 18, item 3, through the built CLI against moto: a CloudFormation project gets the same
 * pre-deploy findings and cost lines as the same resources in Terraform, its preview's permission
 * preflight predicts each resource's actions through the correspondence (and the stack's own
 * cloudformation actions) instead of listing them unknown, the post-deploy checks look at each
 * resource, and a YAML template with short-form tags is read like the JSON one.
 */

/** The fixture template (test/fixtures/cloudformation/app/template.json) in YAML, short-form tags. */
const YAML_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: faber-cloud test fixture in YAML # the same four resources
Parameters:
  Environment:
    Type: String
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'life-core-\${Environment}-data'
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub life-core-\${Environment}-items
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: id, AttributeType: S }
      KeySchema:
        - AttributeName: id
          KeyType: HASH
  Events:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "life-core-\${Environment}-events"
  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Join ['-', [life, core, !Ref Environment, worker]]
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
Outputs:
  DataBucket:
    Value: !Ref Data
  EventsTopic:
    Value: !Ref Events
`;

async function yamlProject(): Promise<TestProject> {
  const p = await createProject('app', { iac: 'cloudformation', project: 'life' });
  await rm(path.join(p.terraformDir, 'template.json'));
  await writeFile(path.join(p.terraformDir, 'template.yaml'), YAML_TEMPLATE);
  await p.editConfig((c) => {
    c.handlers.iac.cloudformation.template = 'template.yaml';
  });
  return p;
}

const CASES: [string, () => Promise<TestProject>][] = [
  ['JSON', () => createProject('app', { iac: 'cloudformation', project: 'life' })],
  ['YAML', yamlProject],
];

const BUCKET_ARN = 'arn:aws:s3:::life-core-test-data';
const STACK_PATTERN = `arn:aws:cloudformation:us-east-1:${MOTO_ACCOUNT_ID}:stack/life-core-test-stack/*`;
/**
 * The deploy user holds the bucket and CloudFormation itself; the table, topic and role are
 * missing. The post-deploy checks' reads are held on `*`: moto evaluates DescribeTable against
 * `*` (see docs/TEST-ENVIRONMENT.md), so a grant scoped to the table would not let it through;
 * s3:HeadBucket is moto's name for HEAD /bucket.
 */
const DEPLOY_POLICY = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Action: ['s3:*'], Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] },
    { Effect: 'Allow' as const, Action: ['cloudformation:*', 'sts:GetCallerIdentity', 's3:HeadBucket', 'dynamodb:DescribeTable', 'iam:GetRole'], Resource: '*' },
  ],
};
const IAM_ADMIN = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }] };

describe.each(CASES)('a CloudFormation project, %s template', (_kind, create) => {
  beforeEach(resetMoto);

  it('infra test reports what the rules find in Terraform; preview and deploy predict the permissions; post-deploy checks look at each resource', async () => {
    const p = await create();
    await p.editConfig((c) => {
      c.permissions = { ...c.permissions, grant_unstated_reason: true, propagation_wait_seconds: 0 };
    });
    // After the project (whose profiles these replace); with enforcement on, moto answers each
    // profile's calls as its own user, whose policies the preflight reads.
    await createProfileUsers([
      { profile: 'life-discover-deploy', policy: IAM_ADMIN },
      { profile: 'life-test-deploy', policy: DEPLOY_POLICY },
    ]);
    await enableIamEnforcement();

    // Preview: the preflight's actions come from the correspondence, on each resource's own ARN.
    const preview = await p.cli(['infra', 'preview', '--env', 'test', '--json'], { timeoutMs: 60_000 });
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    const pf = preview.json.data.preflight;
    expect(pf.error).toBeUndefined();
    expect(pf.unknown_types).toEqual([]);
    expect(pf.summary.resource_changes).toBe(5);
    const need = (action: string) => pf.needed.find((n: any) => n.action === action);
    expect(need('s3:CreateBucket')).toMatchObject({ resource: BUCKET_ARN, scope: 'plan-arn', status: 'held', addresses: ['Data'] });
    expect(need('dynamodb:CreateTable')).toMatchObject({ resource: `arn:aws:dynamodb:us-east-1:${MOTO_ACCOUNT_ID}:table/life-core-test-items`, status: 'missing' });
    expect(need('iam:CreateRole')).toMatchObject({ resource: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/life-core-test-worker`, status: 'missing' });
    expect(need('sns:CreateTopic')).toMatchObject({ resource: `arn:aws:sns:us-east-1:${MOTO_ACCOUNT_ID}:life-core-test-events`, status: 'missing' });
    expect(need('cloudformation:ExecuteChangeSet')).toMatchObject({ resource: STACK_PATTERN, status: 'held', addresses: ['life-core-test-stack'] });

    const planId = preview.json.data.plan_id;
    // Pre-deploy tests on the previewed change set: the rule ids the same resources get in Terraform.
    // (One plan: moto 5.2.1 does not finish executing a stack's change set while another CREATE one waits.)
    const tested = await p.cli(['infra', 'test', '--env', 'test', '--plan', planId, '--json'], { timeoutMs: 60_000 });
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    const findings = tested.json.data.findings.map((f: any) => `${f.rule} ${f.address}`).sort();
    expect(findings).toEqual([
      'S3_ACCESS_LOGGING_MISSING Data',
      'S3_ENCRYPTION_MISSING Data',
      'S3_PUBLIC_ACCESS_BLOCK_MISSING Data',
      'SNS_UNENCRYPTED Events',
      'TAGS_MISSING Data',
      'TAGS_MISSING Events',
      'TAGS_MISSING Items',
      'TAGS_MISSING Worker',
    ]);
    expect(tested.json.data.findings.find((f: any) => f.rule === 'S3_ENCRYPTION_MISSING').message).toContain('bucket life-core-test-data');
    expect(tested.json.data.cost.usage_based.map((u: any) => `${u.address} ${u.type}`)).toEqual(['Data aws_s3_bucket', 'Items aws_dynamodb_table', 'Events aws_sns_topic']);
    expect(tested.json.data.cost.not_estimated).toEqual([]);

    // The command reads the saved change set's values too (its plan file, by the handler's suffix).
    const again = await p.cli(['permissions', 'preflight', '--env', 'test', '--plan', planId, '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json.data.needed).toEqual(pf.needed);

    // Deploy: the missing permissions are granted in one batch before the change set runs.
    const deploy = await p.cli(['infra', 'deploy', '--env', 'test', '--plan', planId, '--json'], { timeoutMs: 120_000 });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.json.data.preflight.granted).toEqual(expect.arrayContaining(['dynamodb:CreateTable', 'iam:CreateRole', 'sns:CreateTopic']));
    expect(deploy.json.data.preflight.granted).not.toContain('s3:CreateBucket');
    expect(deploy.json.data.auto_fix.rounds).toBe(0);

    // Post-deploy: each CloudFormation resource is checked as its neutral type.
    const post = await p.cli(['infra', 'test', '--phase', 'post', '--env', 'test', '--json'], { timeoutMs: 60_000 });
    expect(post.code, post.stdout + post.stderr).toBe(0);
    const checks = Object.fromEntries(post.json.data.checks.map((c: any) => [c.address, `${c.type} ${c.check} ${c.status}`]));
    expect(checks).toEqual({
      Data: 'AWS::S3::Bucket s3:HeadBucket ok',
      Items: 'AWS::DynamoDB::Table dynamodb:DescribeTable ok',
      Worker: 'AWS::IAM::Role iam:GetRole ok',
      // Untagged, and checked all the same: by its ARN (the same for a Terraform topic).
      Events: 'AWS::SNS::Topic sns:GetTopicAttributes ok',
    });
  }, 300_000);
});
