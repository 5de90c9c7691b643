import { describe, expect, it } from 'vitest';
import {
  changeActionOf,
  changeSetName,
  changesOf,
  digestOf,
  failureDiagnostics,
  isNoChangesReason,
  parseParameters,
  planIdOf,
  stepOf,
  type PlanSeed,
} from '../../src/handlers/iac/cloudformation/change-set.js';
import { parseCfnLintJson } from '../../src/handlers/iac/cloudformation/lint.js';
import { cloudFormationResourceArn } from '../../src/handlers/hosting/aws/arn.js';
import { consoleLinkFor } from '../../src/handlers/hosting/aws/console-urls.js';
import { parseDenials } from '../../src/handlers/hosting/aws/denials.js';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { iacSource, stackNameFor } from '../../src/handlers/load.js';
import { renderDeployedMarkdown } from '../../src/infra/deployed-md.js';

const seed: PlanSeed = { stack: 'life-core-test-stack', destroy: false, template_sha256: 'a', parameters_sha256: 'b', capabilities: [], baseline: 'none', created_at: '2026-01-01T00:00:00.000Z' };

describe('CloudFormation plans', () => {
  it('names the change set after a plan id that hashes the whole seed', () => {
    const id = planIdOf(seed);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(planIdOf({ ...seed })).toBe(id);
    for (const key of Object.keys(seed) as (keyof PlanSeed)[]) {
      const changed = { ...seed, [key]: key === 'destroy' ? true : `${String(seed[key])}x` };
      expect(planIdOf(changed), key).not.toBe(id);
    }
    expect(changeSetName(id)).toBe(`faber-cloud-${id}`);
  });

  it('maps change set actions, with replacement where CloudFormation says', () => {
    expect(changeActionOf({ Action: 'Add' })).toBe('create');
    expect(changeActionOf({ Action: 'Remove' })).toBe('delete');
    expect(changeActionOf({ Action: 'Modify', Replacement: 'False' })).toBe('update');
    expect(changeActionOf({ Action: 'Modify', Replacement: 'True' })).toBe('replace');
    expect(changeActionOf({ Action: 'Modify', Replacement: 'Conditional' })).toBe('update');
  });

  it('digests changes: destroys and replacements first, physical ids from the stack when the change has none', () => {
    const changes = changesOf(
      [
        { Action: 'Add', LogicalResourceId: 'Jobs', ResourceType: 'AWS::SQS::Queue' },
        { Action: 'Modify', LogicalResourceId: 'Events', ResourceType: 'AWS::SNS::Topic', Replacement: 'False', Details: [{ Target: { Name: 'DisplayName' } }] },
        { Action: 'Modify', LogicalResourceId: 'Data', ResourceType: 'AWS::S3::Bucket', Replacement: 'True', PhysicalResourceId: 'old-bucket', Details: [{ Target: { Name: 'BucketName', RequiresRecreation: 'Always' } }] },
        { Action: 'Remove', LogicalResourceId: 'Old', ResourceType: 'AWS::IAM::Role' },
        { Action: 'Add', ResourceType: 'AWS::Foo::Bar' },
      ],
      new Map([['Events', 'arn:aws:sns:us-east-1:123456789012:t'], ['Old', 'old-role']]),
    );
    expect(changes).toEqual([
      { address: 'Old', type: 'AWS::IAM::Role', action: 'delete', physicalId: 'old-role' },
      { address: 'Data', type: 'AWS::S3::Bucket', action: 'replace', physicalId: 'old-bucket', changedAttributes: ['BucketName'], replaceReason: ['BucketName'] },
      { address: 'Jobs', type: 'AWS::SQS::Queue', action: 'create' },
      { address: 'Events', type: 'AWS::SNS::Topic', action: 'update', physicalId: 'arn:aws:sns:us-east-1:123456789012:t', changedAttributes: ['DisplayName'] },
    ]);
    const digest = digestOf('0123456789ab', changes, true);
    expect(digest.counts).toEqual({ create: 1, update: 1, replace: 1, delete: 1 });
    expect(digestOf('0123456789ab', [], false).hasChanges).toBe(false);
    // A change set with only output changes still executes.
    expect(digestOf('0123456789ab', [], true).hasChanges).toBe(true);
  });

  it('recognises both forms of "nothing to change"', () => {
    expect(isNoChangesReason("The submitted information didn't contain changes. Submit different information to create a change set.")).toBe(true);
    expect(isNoChangesReason('No updates are to be performed.')).toBe(true);
    expect(isNoChangesReason('Template format error')).toBe(false);
  });

  it('reads parameter files in both shapes and refuses others', () => {
    expect(parseParameters({ Env: 'test', Size: 3, Zones: ['a', 'b'] })).toEqual([['Env', 'test'], ['Size', '3'], ['Zones', 'a,b']]);
    expect(parseParameters([{ ParameterKey: 'Env', ParameterValue: 'prod' }])).toEqual([['Env', 'prod']]);
    expect(parseParameters([{ ParameterKey: 'Env' }])).toMatch(/item 0/);
    expect(parseParameters('x')).toMatch(/JSON object/);
    expect(parseParameters({ Env: { nested: 1 } })).toMatch(/Env/);
  });
});

describe('CloudFormation stack events', () => {
  it('turns resource events into apply steps and skips the stack', () => {
    expect(stepOf({ LogicalResourceId: 'Data', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_IN_PROGRESS' })).toEqual({ phase: 'start', address: 'Data', action: 'create' });
    expect(stepOf({ LogicalResourceId: 'Data', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'DELETE_COMPLETE' })).toEqual({ phase: 'complete', address: 'Data', action: 'delete' });
    expect(stepOf({ LogicalResourceId: 'Data', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'x' })).toEqual({ phase: 'errored', address: 'Data', action: 'update', reason: 'x' });
    expect(stepOf({ LogicalResourceId: 's', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'CREATE_COMPLETE' })).toBeUndefined();
  });

  it('hands the wrapped AccessDenied to the denial parser, not the cancellations or the stack summary', () => {
    const reason =
      'Resource handler returned message: "User: arn:aws:iam::123456789012:user/life-test-deploy is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::life-core-test-data" because no identity-based policy allows the s3:CreateBucket action (Service: S3, Status Code: 403, Request ID: ABC)" (RequestToken: 0f1e, HandlerErrorCode: AccessDenied)';
    const diagnostics = failureDiagnostics([
      { LogicalResourceId: 'Data', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: reason },
      { LogicalResourceId: 'Items', ResourceType: 'AWS::DynamoDB::Table', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'Resource creation cancelled' },
      { LogicalResourceId: 's', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_IN_PROGRESS', ResourceStatusReason: 'The following resource(s) failed to create: [Data].' },
    ]);
    expect(diagnostics).toEqual([{ severity: 'error', summary: reason, address: 'Data' }]);
    const line = JSON.stringify({ '@level': 'error', type: 'diagnostic', diagnostic: { severity: 'error', summary: reason, detail: '', address: 'Data' } });
    expect(parseDenials(line, { region: 'us-east-1', accountId: '123456789012', partition: 'aws' })).toEqual([
      expect.objectContaining({ kind: 'denial', action: 's3:CreateBucket', resourceArn: 'arn:aws:s3:::life-core-test-data', reason: 'no-identity-policy', address: 'Data' }),
    ]);
  });

  it('keeps a stack-level failure when no resource says why', () => {
    expect(failureDiagnostics([{ LogicalResourceId: 's', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'boom' }])).toEqual([{ severity: 'error', summary: 'boom' }]);
  });
});

describe('CloudFormation resources: ARNs and console links', () => {
  const scope = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };
  const cases: [string, string, string, string][] = [
    ['AWS::S3::Bucket', 'life-core-test-data', 'arn:aws:s3:::life-core-test-data', 'https://s3.console.aws.amazon.com/s3/buckets/life-core-test-data'],
    ['AWS::DynamoDB::Table', 'life-core-test-items', 'arn:aws:dynamodb:us-east-1:123456789012:table/life-core-test-items', 'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=life-core-test-items'],
    ['AWS::SNS::Topic', 'arn:aws:sns:us-east-1:123456789012:life-core-test-events', 'arn:aws:sns:us-east-1:123456789012:life-core-test-events', 'https://console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:us-east-1:123456789012:life-core-test-events'],
    ['AWS::IAM::Role', 'life-core-test-worker', 'arn:aws:iam::123456789012:role/life-core-test-worker', 'https://console.aws.amazon.com/iam/home?#/roles/life-core-test-worker'],
  ];
  it.each(cases)('%s', (type, physicalId, arn, url) => {
    expect(cloudFormationResourceArn(type, physicalId, scope)).toBe(arn);
    expect(consoleLinkFor({ type, values: { id: physicalId, arn } }, { region: 'us-east-1' })).toEqual({ arn, consoleUrl: url });
  });

  it('builds an SQS ARN from the queue URL and gives up where the physical id says too little', () => {
    expect(cloudFormationResourceArn('AWS::SQS::Queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs', scope)).toBe('arn:aws:sqs:us-east-1:123456789012:jobs');
    expect(cloudFormationResourceArn('AWS::EC2::Instance', 'i-123', scope)).toBeUndefined();
    expect(cloudFormationResourceArn('AWS::S3::Bucket', undefined, scope)).toBeUndefined();
  });
});

describe('cfn-lint adapter', () => {
  it('reads its JSON report as located diagnostics', () => {
    const out = JSON.stringify([
      { Rule: { Id: 'E3002' }, Level: 'Error', Message: 'Invalid Property Resources/Data/Properties/Nope', Location: { Start: { LineNumber: 7, ColumnNumber: 9 } } },
      { Rule: { Id: 'W2001' }, Level: 'Warning', Message: 'Parameter X not used' },
    ]);
    expect(parseCfnLintJson(out, 'cloudformation/template.json')).toEqual([
      { severity: 'error', summary: 'E3002: Invalid Property Resources/Data/Properties/Nope', file: 'cloudformation/template.json', line: 7, column: 9 },
      { severity: 'warning', summary: 'W2001: Parameter X not used', file: 'cloudformation/template.json' },
    ]);
    expect(() => parseCfnLintJson('{}', 'f')).toThrow();
  });
});

describe('CloudFormation configuration', () => {
  const base = {
    schema_version: 1,
    project: { name: 'life', subsystem: 'core' },
    handlers: { hosting: { active: 'aws', aws: { region: 'us-east-1', profiles: { discover: 'd', test: 't', prod: 'p' } } }, iac: { active: 'cloudformation', cloudformation: { directory: './cfn', template: 'template.json', parameters: { test: 'params/test.json' } } } },
    environments: { test: { profile: 'test' }, prod: { profile: 'prod', require_confirmation: true } },
  };

  it('names one stack per environment from the naming pattern, or from stack_name', () => {
    const config = ConfigSchema.parse(base);
    expect(stackNameFor(config, 'test')).toBe('life-core-test-stack');
    expect(stackNameFor(ConfigSchema.parse({ ...base, handlers: { ...base.handlers, iac: { active: 'cloudformation', cloudformation: { stack_name: '{project}-{environment}' } } } }), 'prod')).toBe('life-prod');
    expect(iacSource(config, 'test')).toMatchObject({ tool: 'cloudformation', directory: './cfn', configKey: 'handlers.iac.cloudformation.directory', missingCode: 'E_CONFIG_TEMPLATES_DIR' });
    expect(iacSource(config, 'test').toolWrites('/x')).toEqual([]);
  });

  it('requires the active section and known environments in parameters', () => {
    const missing = ConfigSchema.safeParse({ ...base, handlers: { ...base.handlers, iac: { active: 'cloudformation' } } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toContain('handlers.iac.cloudformation');
    const stray = ConfigSchema.safeParse({ ...base, handlers: { ...base.handlers, iac: { active: 'cloudformation', cloudformation: { parameters: { staging: 'p.json' } } } } });
    expect(stray.error?.issues.map((i) => i.path.join('.'))).toContain('handlers.iac.cloudformation.parameters.staging');
  });
});

describe('DEPLOYED.md for CloudFormation types', () => {
  it('groups AWS::S3::Bucket under s3', () => {
    const registry = { schema_version: 1 as const, env: 'test', project: 'life', account: null, region: 'us-east-1', updated_at: 'x', resources: [{ address: 'Data', type: 'AWS::S3::Bucket', name: 'Data', id: 'b', arn: null, region: null, console_url: null, tags: {}, created_at: 'x', updated_at: 'x', deployment_id: null, fingerprint: 'f' }] };
    expect(renderDeployedMarkdown(registry, [], [])).toContain('### s3');
  });
});

describe('CDK cloud assembly', () => {
  const stack = (templateFile: string, dependencies: string[] = []) => ({ type: 'aws:cloudformation:stack', properties: { templateFile }, dependencies });

  it('picks the only stack, or the named one; refuses several without a name', async () => {
    const { pickStack } = await import('../../src/handlers/iac/cdk/assembly.js');
    expect(pickStack({ artifacts: { App: stack('App.template.json'), Tree: { type: 'cdk:tree' } } }, undefined)).toEqual({ id: 'App', templateFile: 'App.template.json' });
    const two = { artifacts: { A: stack('A.template.json'), B: stack('B.template.json') } };
    expect(pickStack(two, undefined)).toMatch(/2 stacks \(A, B\)/);
    expect(pickStack(two, 'B')).toEqual({ id: 'B', templateFile: 'B.template.json' });
    expect(pickStack(two, 'C')).toMatch(/no stack 'C'/);
    expect(pickStack({ artifacts: {} }, undefined)).toMatch(/no stack/);
  });

  it("names the stack's asset manifests by their artifact's file", async () => {
    const { assetManifestFiles } = await import('../../src/handlers/iac/cdk/assembly.js');
    const manifest = { artifacts: { 'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } }, Other: { type: 'cdk:tree' }, App: stack('App.template.json', ['App.assets', 'Other']) } };
    expect(assetManifestFiles(manifest, 'App')).toEqual(['App.assets.json']);
    expect(assetManifestFiles(manifest, 'Missing')).toEqual([]);
  });
});
