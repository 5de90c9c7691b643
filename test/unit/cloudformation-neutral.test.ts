import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamCatalogue } from '../../src/handlers/hosting/aws/iam-catalogue.js';
import type { ChangeSetPlan } from '../../src/handlers/iac/cloudformation/change-set.js';
import { plannedFromTemplate, resourceChangesOf } from '../../src/handlers/iac/cloudformation/planned.js';
import { CLOUDFORMATION_TYPES, neutralType, type ResolveContext } from '../../src/handlers/iac/cloudformation/resource-types.js';
import { plannedResources, type ShowPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import type { PlannedResource } from '../../src/handlers/iac/types.js';
import { ruleCatalogue } from '../../src/infra/testing/catalogue.js';
import { estimateCost, pricingTable } from '../../src/infra/testing/cost.js';
import { runRules } from '../../src/infra/testing/rules.js';
import { actionMap } from '../../src/permissions/action-map.js';
import { changesOfPlan, neededPermissions } from '../../src/permissions/preflight.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * CloudFormation templates read in the neutral vocabulary (resource-types.ts): the security
 * rules find in each CloudFormation twin (test/fixtures/cloudformation-rules/<RULE>/, YAML with
 * short-form tags) what they find in the Terraform plan of the same rule (test/fixtures/plans/),
 * the price table prices them alike, and preflight predicts a change set's actions.
 */
const TWINS = path.join(REPO_ROOT, 'test', 'fixtures', 'cloudformation-rules');
const PLANS = path.join(REPO_ROOT, 'test', 'fixtures', 'plans');

const ctx: Omit<ResolveContext, 'resources'> = { parameters: new Map([['Environment', 'test']]), region: 'us-east-1', partition: 'aws', stackName: 'app-core-test-stack' };

function record(changes: ChangeSetPlan['changes'], type: 'CREATE' | 'UPDATE' = 'CREATE', destroy = false): ChangeSetPlan {
  return {
    format: 'faber-cloud/cloudformation-plan@1',
    plan_id: 'abcdefabcdef',
    seed: { stack: 'app-core-test-stack', destroy, template_sha256: '', parameters_sha256: '', capabilities: [], baseline: 'none', created_at: 'x' },
    ...(destroy ? {} : { change_set: { name: 'faber-cloud-abcdefabcdef', id: 'arn:aws:cloudformation:us-east-1:123456789012:changeSet/x/y', type } }),
    changes,
  };
}

/** A template as a first deploy plans it: every resource created. */
function planned(body: string, c = ctx): PlannedResource[] {
  const logical = [...body.matchAll(/^ {2}([A-Za-z0-9]+):\n {4}Type: (\S+)/gm)].map((m) => ({ address: m[1] as string, type: m[2] as string, action: 'create' as const }));
  return plannedFromTemplate(body, record(logical), c);
}

const twin = (rule: string, which: 'fail' | 'pass') => readFileSync(path.join(TWINS, rule, `${which}.yaml`), 'utf8');
const terraform = (rule: string, which: 'fail' | 'pass') => plannedResources(JSON.parse(readFileSync(path.join(PLANS, rule, `${which}.json`), 'utf8')) as ShowPlanJson);
const rulesOf = async (resources: PlannedResource[]) => runRules(resources, ruleCatalogue, iamCatalogue);

describe('security rules on a CloudFormation template find what they find in the Terraform twin', () => {
  it('has a CloudFormation twin for every rule', () => {
    expect(readdirSync(TWINS).sort()).toEqual(ruleCatalogue.rules.map((r) => r.id).sort());
  });

  it.each(ruleCatalogue.rules.map((r) => r.id))('%s fires on both failing fixtures and on neither passing one', async (id) => {
    const tfFail = await rulesOf(terraform(id, 'fail'));
    const cfnFail = await rulesOf(planned(twin(id, 'fail')));
    expect(tfFail.findings.map((f) => f.rule)).toContain(id);
    expect(cfnFail.findings.map((f) => f.rule), JSON.stringify(cfnFail)).toContain(id);
    const cfnPass = await rulesOf(planned(twin(id, 'pass')));
    expect(cfnPass.findings.filter((f) => f.rule === id), JSON.stringify(cfnPass.findings)).toEqual([]);
    expect(cfnPass.unchecked.filter((u) => u.rule === id)).toEqual([]);
  });

  it('names the template resource (and its property) and what is wrong', async () => {
    const messages = async (rule: string) => (await rulesOf(planned(twin(rule, 'fail')))).findings.filter((f) => f.rule === rule).map((f) => `${f.address}: ${f.message}`);
    expect(await messages('S3_PUBLIC_ACL')).toEqual(['Data.AccessControl: acl = "public-read"']);
    expect(await messages('S3_PUBLIC_ACCESS_BLOCK_DISABLED')).toEqual(['Data.PublicAccessBlockConfiguration: block_public_policy, restrict_public_buckets are not true']);
    expect(await messages('S3_PUBLIC_ACCESS_BLOCK_MISSING')).toEqual(['Data: no aws_s3_bucket_public_access_block for bucket app-core-test-data']);
    expect(await messages('S3_PUBLIC_POLICY')).toEqual(['DataPolicy: allows s3:GetObject to Principal "*" without a Condition']);
    expect(await messages('IAM_WILDCARD_ACTION')).toEqual(['Admin: allows Action "*" on *']);
    expect(await messages('IAM_SERVICE_WILDCARD')).toEqual(['WorkerPolicy: allows s3:*']);
    expect(await messages('IAM_WRITE_ON_ANY_RESOURCE')).toEqual(['Role: inline_policy writes: allows dynamodb:PutItem on Resource "*"']);
    expect(await messages('SG_OPEN_DATABASE_PORT')).toEqual(['DbIngress: ingress on port 5432 (database 5432) from ::/0']);
    expect(await messages('SG_OPEN_ADMIN_PORT')).toEqual(['Web: ingress on port 22 (administration 22) from 0.0.0.0/0']);
    expect(await messages('TAGS_MISSING')).toEqual(['Events: missing tags Environment, ManagedBy']);
    // A value from SSM's secure store or a parameter never reaches a finding.
    expect(JSON.stringify(await rulesOf(planned(twin('RDS_STORAGE_UNENCRYPTED', 'fail'))))).not.toContain('resolve:ssm-secure');
  });

  it('a bucket with every setting passes the bucket rules, as a Terraform bucket with its companions does', async () => {
    const body = twin('S3_ACCESS_LOGGING_MISSING', 'pass').replace(/(BucketEncryption:)/g, `PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }\n      $1`);
    const found = (await rulesOf(planned(body))).findings.map((f) => f.rule);
    expect(found.filter((r) => r.startsWith('S3_'))).toEqual([]);
  });
});

describe('the correspondence', () => {
  it('maps every CloudFormation type to a type the action map knows', () => {
    const missing = Object.entries(CLOUDFORMATION_TYPES).filter(([, t]) => !actionMap.resources[t]);
    expect(missing).toEqual([]);
    expect(neutralType('AWS::S3::Bucket')).toBe('aws_s3_bucket');
    expect(neutralType('aws_s3_bucket')).toBe('aws_s3_bucket');
    expect(neutralType('AWS::Nope::Thing')).toBe('AWS::Nope::Thing');
  });

  it('splits a bucket into the bucket and the Terraform resources of its settings, tied to it', () => {
    const body = `Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: { Status: Enabled }
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: !Ref Key }
  Key:
    Type: AWS::KMS::Key
`;
    const resources = planned(body);
    expect(resources.map((r) => [r.address, r.type])).toEqual([
      ['Data', 'aws_s3_bucket'],
      ['Data.BucketEncryption', 'aws_s3_bucket_server_side_encryption_configuration'],
      ['Data.VersioningConfiguration', 'aws_s3_bucket_versioning'],
      ['Key', 'aws_kms_key'],
    ]);
    const encryption = resources[1]!;
    // No BucketName: CloudFormation names it, so the companions reach their bucket by reference.
    expect(encryption.unknown).toEqual(['bucket']);
    expect(encryption.references).toEqual({ bucket: ['aws_s3_bucket.Data'] });
    expect(encryption.values.rule).toEqual([{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms', kms_master_key_id: '(known after apply)' }] }]);
    expect(resources[2]!.values.versioning_configuration).toEqual([{ status: 'Enabled' }]);
  });

  it('resolves parameters, pseudo parameters, Sub and Join; never a NoEcho parameter; keeps references', () => {
    const body = `Parameters:
  Environment: { Type: String }
  Secret: { Type: String, NoEcho: true, Default: hunter2 }
  Suffix: { Type: String, Default: x }
Resources:
  Events:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Join ['-', [app, !Ref Environment, !Ref Suffix, !Ref 'AWS::Region']]
      KmsMasterKeyId: !Sub '\${Secret}'
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${Events.TopicName}-q'
`;
    const parameters = new Map([['Environment', 'test'], ['Suffix', 'x']]);
    const [topic, queue] = planned(body, { ...ctx, parameters });
    expect(topic!.values.name).toBe('app-test-x-us-east-1');
    expect(topic!.unknown).toEqual(['kms_master_key_id']);
    expect(JSON.stringify(topic)).not.toContain('hunter2');
    expect(queue!.unknown).toContain('name');
    expect(queue!.references).toEqual({ name: ['aws_sns_topic.Events'] });
  });
});

describe('cost of a CloudFormation template', () => {
  it('prices an on-demand table as usage-based and a provisioned one by capacity, as for Terraform', () => {
    const table = (mode: string) => `Resources:
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: ${mode}
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
`;
    const onDemand = estimateCost(planned(table('PAY_PER_REQUEST')), pricingTable, 'us-east-1');
    expect(onDemand.usage_based).toEqual([{ address: 'Items', type: 'aws_dynamodb_table', note: pricingTable.types.aws_dynamodb_table!.usage_based }]);
    const provisioned = estimateCost(planned(table('PROVISIONED')), pricingTable, 'us-east-1');
    const tf = estimateCost([{ address: 'aws_dynamodb_table.items', type: 'aws_dynamodb_table', name: 'items', module: '', action: 'create', values: { billing_mode: 'PROVISIONED', read_capacity: 5, write_capacity: 5 }, unknown: [], references: {} }], pricingTable, 'us-east-1');
    expect(provisioned.total_monthly_usd).toBe(tf.total_monthly_usd);
    expect(provisioned.total_monthly_usd).toBeGreaterThan(0);
  });

  it('prices a function and an RDS instance from their CloudFormation properties', () => {
    const est = estimateCost(planned(twin('RDS_STORAGE_UNENCRYPTED', 'fail')), pricingTable, 'us-east-1');
    expect(est.lines).toEqual([expect.objectContaining({ address: 'Db', type: 'aws_db_instance', basis: expect.stringContaining('db.t3.micro') })]);
    expect(est.not_estimated).toEqual([]);
  });
});

describe('preflight of a CloudFormation change set', () => {
  const grant = { project: 'app', subsystem: 'core', env: 'test', namingPattern: '{project}-{subsystem}-{environment}-{resource}', accountId: '123456789012', partition: 'aws', region: 'us-east-1', neverAutoGrant: [] };

  it('predicts each resource change through the action map and the stack actions, with the plan ARNs', async () => {
    const body = twin('S3_PUBLIC_ACCESS_BLOCK_DISABLED', 'pass') + twin('SNS_UNENCRYPTED', 'pass').split('Resources:\n')[1];
    const resources = planned(body);
    const plan = { resource_changes: resourceChangesOf(record([{ address: 'Data', type: 'AWS::S3::Bucket', action: 'create' }, { address: 'Events', type: 'AWS::SNS::Topic', action: 'create' }]), resources) };
    const values = new Map(resources.map((r) => [r.address, { values: r.values, unknown: r.unknown, references: r.references }]));
    const { needed, unknownTypes } = await neededPermissions({ changes: changesOfPlan(plan, values), ctx: grant });
    expect(unknownTypes).toEqual([]);
    const on = (action: string) => needed.filter((n) => n.action === action).map((n) => n.resource);
    expect(on('s3:CreateBucket')).toEqual(['arn:aws:s3:::app-core-test-data']);
    expect(on('s3:PutEncryptionConfiguration')).toEqual(['arn:aws:s3:::app-core-test-data']);
    expect(on('s3:PutBucketPublicAccessBlock')).toEqual(['arn:aws:s3:::app-core-test-data']);
    expect(on('sns:CreateTopic')).toEqual(['arn:aws:sns:us-east-1:123456789012:app-core-test-events']);
    expect(on('cloudformation:ExecuteChangeSet')).toEqual(['arn:aws:cloudformation:us-east-1:123456789012:stack/app-core-test-stack/*']);
    expect(on('cloudformation:CreateStack')).toEqual([]);
    // Without planned values (the plan file is gone), the record alone still gives the actions.
    const bare = await neededPermissions({ changes: changesOfPlan(plan), ctx: grant });
    expect(bare.needed.map((n) => n.action)).toEqual(expect.arrayContaining(['s3:CreateBucket', 'sns:CreateTopic', 'cloudformation:ExecuteChangeSet']));
  });

  it('lists a type with no neutral twin as unknown, and a destroy needs DeleteStack', async () => {
    const resources = plannedFromTemplate('', record([{ address: 'Odd', type: 'AWS::Nope::Thing', action: 'delete' }, { address: 'Data', type: 'AWS::S3::Bucket', action: 'delete' }], 'CREATE', true), ctx);
    const plan = { resource_changes: resourceChangesOf(record([{ address: 'Odd', type: 'AWS::Nope::Thing', action: 'delete' }, { address: 'Data', type: 'AWS::S3::Bucket', action: 'delete' }], 'CREATE', true), resources) };
    const { needed, unknownTypes } = await neededPermissions({ changes: changesOfPlan(plan), ctx: grant });
    expect(unknownTypes).toEqual([{ type: 'AWS::Nope::Thing', addresses: ['Odd'], why: 'not-in-map' }]);
    expect(needed.map((n) => n.action)).toEqual(expect.arrayContaining(['s3:DeleteBucket', 'cloudformation:DeleteStack']));
    expect(needed.map((n) => n.action)).not.toContain('cloudformation:ExecuteChangeSet');
  });

  it('an update touches only the companions whose property changed', () => {
    const body = twin('S3_PUBLIC_ACCESS_BLOCK_DISABLED', 'pass');
    const rec = record([{ address: 'Data', type: 'AWS::S3::Bucket', action: 'update', changedAttributes: ['BucketEncryption'] }], 'UPDATE');
    const changes = resourceChangesOf(rec, plannedFromTemplate(body, rec, ctx)) as { address: string; actions: string[] }[];
    expect(changes.map((c) => [c.address, c.actions])).toEqual([
      ['Data', ['update']],
      ['Data.BucketEncryption', ['update']],
      ['app-core-test-stack', ['update']],
    ]);
  });
});
