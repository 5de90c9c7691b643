import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { opsRemediate } from '../../src/cli/command-sets/ops-respond.js';
import { classifyAwsError } from '../../src/handlers/hosting/aws/errors.js';
import { parsePolicyDocument } from '../../src/handlers/hosting/aws/inspection.js';
import type { BucketFacts, FirewallFacts, PolicyStatementFacts, RoleFacts } from '../../src/handlers/hosting/inspection.js';
import type { HistoryEntry } from '../../src/infra/history.js';
import { isReadAction, securityFindings } from '../../src/ops/audit-rules.js';
import { costView } from '../../src/ops/pricing.js';
import { IMPLEMENTED_ACTIONS, catalogue } from '../../src/ops/remediation-catalogue.js';
import { resolveTarget } from '../../src/ops/targets.js';
import { renderDeployedMarkdown } from '../../src/infra/deployed-md.js';
import type { Registry } from '../../src/registry/registry.js';

const stmt = (s: Partial<PolicyStatementFacts>): PolicyStatementFacts => ({ effect: 'Allow', principals: [], actions: [], notAction: false, resources: [], hasCondition: false, ...s });
const bucket = (b: Partial<BucketFacts>): BucketFacts & { address: string } => ({
  kind: 'bucket',
  name: 'b',
  address: 'aws_s3_bucket.b',
  publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
  publicGrants: [],
  policyStatements: [],
  defaultEncryption: 'AES256',
  ...b,
});
const rules = (facts: Parameters<typeof securityFindings>[0]) => securityFindings(facts).map((f) => `${f.severity} ${f.rule}`);

describe('audit rules', () => {
  it('a locked-down bucket has no finding; each missing protection is its own finding', () => {
    expect(rules(bucket({}))).toEqual([]);
    expect(rules(bucket({ publicAccessBlock: null, defaultEncryption: null }))).toEqual(['medium s3-public-access-block-missing', 'high s3-unencrypted']);
    expect(rules(bucket({ publicAccessBlock: { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: true } }))).toEqual([
      'medium s3-public-access-block-partial',
    ]);
  });

  it('a public policy or ACL counts only where the public access block does not neutralise it', () => {
    const open = stmt({ principals: ['*'], actions: ['s3:GetObject'] });
    const grants: BucketFacts['publicGrants'] = [{ grantee: 'everyone', permission: 'READ' }];
    expect(rules(bucket({ policyStatements: [open], publicGrants: grants }))).toEqual([]);
    const noBlock = rules(bucket({ publicAccessBlock: null, policyStatements: [open, stmt({ principals: ['*'], actions: ['s3:GetObject'], hasCondition: true })], publicGrants: grants }));
    expect(noBlock).toEqual(['critical s3-public-policy', 'critical s3-public-acl', 'medium s3-public-access-block-missing']);
    // A Deny for everyone is protection, not exposure.
    expect(rules(bucket({ publicAccessBlock: null, policyStatements: [stmt({ effect: 'Deny', principals: ['*'], actions: ['s3:*'] })] }))).toEqual(['medium s3-public-access-block-missing']);
  });

  it('IAM: admin wildcard, action wildcards and writes on * are told apart; reads on * are fine', () => {
    const role = (statements: PolicyStatementFacts[]): RoleFacts & { address: string } => ({ kind: 'role', name: 'r', address: 'aws_iam_role.r', policies: [{ name: 'p', arn: 'arn:aws:iam::1:policy/p', statements }] });
    expect(rules(role([stmt({ actions: ['*'], resources: ['*'] })]))).toEqual(['critical iam-admin-wildcard']);
    expect(rules(role([stmt({ actions: ['s3:GetObject'], notAction: true, resources: ['*'] })]))).toEqual(['critical iam-admin-wildcard']);
    expect(rules(role([stmt({ actions: ['s3:*'], resources: ['arn:aws:s3:::x/*'] })]))).toEqual(['high iam-action-wildcard']);
    expect(rules(role([stmt({ actions: ['s3:PutObject', 'logs:DescribeLogGroups'], resources: ['*'] })]))).toEqual(['medium iam-resource-wildcard-write']);
    expect(rules(role([stmt({ actions: ['logs:DescribeLogGroups', 'ec2:DescribeInstances', 's3:ListBucket'], resources: ['*'] })]))).toEqual([]);
    expect(rules(role([stmt({ effect: 'Deny', actions: ['*'], resources: ['*'] })]))).toEqual([]);
    expect(isReadAction('s3:Get*')).toBe(false);
  });

  it('security groups: admin ports and all ports open to the world, v4 and v6; private ranges and web ports are fine', () => {
    const sg = (ingress: FirewallFacts['ingress']): FirewallFacts & { address: string } => ({ kind: 'firewall', id: 'sg-1', name: 'g', address: 'aws_security_group.g', ingress });
    expect(rules(sg([{ protocol: 'tcp', fromPort: 22, toPort: 22, source: '10.0.0.0/8' }, { protocol: 'tcp', fromPort: 443, toPort: 443, source: '0.0.0.0/0' }]))).toEqual([]);
    expect(rules(sg([{ protocol: 'tcp', fromPort: 3389, toPort: 3389, source: '::/0' }]))).toEqual(['critical sg-admin-port-open']);
    expect(securityFindings(sg([{ protocol: 'tcp', fromPort: 20, toPort: 25, source: '0.0.0.0/0' }]))[0]?.evidence).toContain('ports 20-25 (includes 22)');
    expect(rules(sg([{ protocol: 'all', fromPort: null, toPort: null, source: '0.0.0.0/0' }]))).toEqual(['critical sg-all-ports-open']);
    expect(rules(sg([{ protocol: 'tcp', fromPort: 0, toPort: 65535, source: '0.0.0.0/0' }]))).toEqual(['critical sg-all-ports-open']);
    expect(rules(sg([{ protocol: 'tcp', fromPort: 5432, toPort: 5432, source: '0.0.0.0/0' }, { protocol: 'udp', fromPort: 22, toPort: 22, source: '0.0.0.0/0' }]))).toEqual(['critical sg-admin-port-open']);
  });

  it('storage and logs', () => {
    expect(rules({ kind: 'table', name: 't', address: 'a', encryption: 'provider-owned' })).toEqual([]);
    expect(rules({ kind: 'table', name: 't', address: 'a', encryption: 'disabled' })).toEqual(['high dynamodb-unencrypted']);
    expect(rules({ kind: 'volume', id: 'vol-1', address: 'a', encrypted: false })).toEqual(['high ebs-unencrypted']);
    expect(rules({ kind: 'log-group', name: 'l', address: 'a', retentionDays: null })).toEqual(['low logs-no-retention']);
    expect(rules({ kind: 'log-group', name: 'l', address: 'a', retentionDays: 7 })).toEqual([]);
  });
});

describe('policy documents', () => {
  it('reads URL-encoded IAM documents, a single statement object and every Principal form', () => {
    const doc = encodeURIComponent(JSON.stringify({ Statement: { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } } }));
    expect(parsePolicyDocument(doc)).toEqual([{ effect: 'Allow', principals: ['*'], actions: ['s3:GetObject'], notAction: false, resources: ['arn:aws:s3:::b/*'], hasCondition: true }]);
    expect(parsePolicyDocument(JSON.stringify({ Statement: [{ Sid: 'x', Effect: 'Deny', Principal: '*', NotAction: ['s3:Get*'], Resource: ['*'] }]}))[0]).toMatchObject({ sid: 'x', effect: 'Deny', principals: ['*'], notAction: true });
  });
});

describe('cost view', () => {
  it('counts by type, prices from the table with overrides, and leaves unpriced types out of the total', () => {
    const { view, findings } = costView([{ type: 'aws_s3_bucket' }, { type: 'aws_s3_bucket' }, { type: 'aws_nat_gateway' }, { type: 'aws_made_up' }], { aws_nat_gateway: 10 }, 100);
    expect(view.by_type.map((l) => [l.type, l.count, l.monthly_usd, l.price_source])).toEqual([
      ['aws_nat_gateway', 1, 10, 'override'],
      ['aws_s3_bucket', 2, 2.3, 'table'],
      ['aws_made_up', 1, null, 'unpriced'],
    ]);
    expect(view.total_monthly_usd).toBe(12.3);
    expect(view.unpriced_resources).toBe(1);
    expect(findings.map((f) => f.rule)).toEqual(['cost-unpriced']);
    expect(costView([{ type: 'aws_nat_gateway' }], {}, 30).findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['high cost-over-budget']);
  });
});

describe('remediation catalogue', () => {
  it('lists exactly the implemented actions, the CLI offers exactly those, and every bound is a config setting', () => {
    expect(catalogue.map((a) => a.id).sort()).toEqual([...IMPLEMENTED_ACTIONS].sort());
    for (const id of IMPLEMENTED_ACTIONS) expect(opsRemediate.description).toContain(id);
    const names = catalogue.flatMap((a) => [a.id, ...a.aliases]);
    expect(new Set(names).size).toBe(names.length);
    const defaults = ConfigSchema.parse({
      project: { name: 'x' },
      handlers: { hosting: { active: 'aws', aws: { profiles: { discover: 'a', test: 'b', prod: 'c' } } }, iac: { active: 'terraform', terraform: {} } },
      environments: { test: { profile: 'test' } },
    }).remediation;
    for (const action of catalogue) {
      expect(action.undo_note.length).toBeGreaterThan(10);
      for (const p of action.parameters) if (p.max_setting) expect(typeof defaults[p.max_setting]).toBe('number');
      for (const placeholder of (action.undo_command ?? '').match(/\{\w+\}/g) ?? []) expect(['{env}', '{target}', '{before}']).toContain(placeholder);
    }
  });
});

describe('targets', () => {
  const registry = {
    resources: [
      { address: 'aws_ecs_service.api', type: 'aws_ecs_service', id: 'arn:aws:ecs:us-east-1:1:service/c/app-api', arn: 'arn:aws:ecs:us-east-1:1:service/c/app-api' },
      { address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', id: 'https://sqs.us-east-1.amazonaws.com/1/app-api', arn: 'arn:aws:sqs:us-east-1:1:app-api' },
    ],
  } as unknown as Registry;
  it('matches by address, ARN or name, within the allowed types only', () => {
    expect(resolveTarget(registry, 'app-api', ['aws_ecs_service'], 'test').address).toBe('aws_ecs_service.api');
    expect(resolveTarget(registry, 'app-api', ['aws_sqs_queue'], 'test').address).toBe('aws_sqs_queue.q');
    expect(() => resolveTarget(registry, 'aws_sqs_queue.q', ['aws_ecs_service'], 'test')).toThrow(/is an aws_sqs_queue/);
    expect(() => resolveTarget(registry, 'other', ['aws_ecs_service'], 'test')).toThrow(/not a resource of 'test'/);
  });
});

describe('AWS error classification', () => {
  it('tells denials, credentials, missing resources and unavailable services apart', () => {
    // moto's XML answer to a JSON-protocol call, as SDK v3 surfaces it.
    const xml = Object.assign(new SyntaxError('Unexpected token < in JSON'), {
      $metadata: { httpStatusCode: 403 },
      $responseBodyText: '<ErrorResponse><Error><Code>AccessDeniedException</Code><Message>User: arn:aws:iam::1:user/u is not authorized to perform: ecs:UpdateService</Message></Error></ErrorResponse>',
    });
    expect(classifyAwsError(xml, 'ecs:UpdateService')).toMatchObject({ reason: 'permission-denied', action: 'ecs:UpdateService', code: 'AccessDeniedException' });
    expect(classifyAwsError(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), 's3:GetBucketAcl')).toMatchObject({
      reason: 'permission-denied',
      action: 's3:GetBucketAcl',
    });
    expect(classifyAwsError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }), 'x:Y').reason).toBe('credentials');
    expect(classifyAwsError(Object.assign(new Error('nope'), { name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }), 's3:GetBucketAcl').reason).toBe('not-found');
    expect(classifyAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 'sqs:ReceiveMessage').reason).toBe('unavailable');
    expect(classifyAwsError(Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }), 'ecs:DescribeServices').reason).toBe('unavailable');
    expect(classifyAwsError(Object.assign(new Error('bad'), { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } }), 'lambda:PutFunctionConcurrency').reason).toBe('rejected');
  });
});

describe('remediations in the deployment records', () => {
  it('DEPLOYED.md lists a remediation with its action and target in the plan column', () => {
    const entry: HistoryEntry = {
      id: 'r-1',
      operation: 'remediate',
      env: 'test',
      started_at: '2026-01-01T00:00:00.000Z',
      finished_at: '2026-01-01T00:00:01.000Z',
      duration_ms: 1000,
      outcome: 'success',
      profile: 'p',
      account: '1',
      caller_arn: 'arn',
      plan_id: null,
      add: 0,
      change: 1,
      destroy: 0,
      auto_fix_rounds: 0,
      error_codes: [],
      remediation: { action: 'scale-service', target: 'aws_ecs_service.api', setting: 'desired_count', before: 2, after: 5, undo_command: 'x', undo_note: 'y' },
    };
    const registry: Registry = { schema_version: 1, env: 'test', project: 'p', account: '1', region: 'us-east-1', updated_at: 'now', resources: [] };
    expect(renderDeployedMarkdown(registry, [], [entry])).toContain('| 2026-01-01T00:00:01.000Z | remediate | success | scale-service aws_ecs_service.api | 0/1/0 | 1.0 s | p |');
  });
});
