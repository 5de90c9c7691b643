import { describe, expect, it } from 'vitest';
import { adoptedName, adoptFiles, classifyFound, renderShared, cleanGeneratedConfig, importBlock, judgePlan, parseImports, renderImports, terraformTypeOf, ADOPT_MARKER } from '../../src/infra/adopt.js';
import { digestPlan } from '../../src/handlers/iac/terraform/plan.js';
import { buildRegistry } from '../../src/registry/registry.js';
import type { DiscoveredResource } from '../../src/handlers/hosting/types.js';
import pc from 'picocolors';
import { renderAdopt } from '../../src/cli/render/adopt.js';
import type { AdoptResult } from '../../src/infra/adopt.js';
import type { PlanDigest, StateResource } from '../../src/handlers/iac/types.js';

/** Issue 17, part 3: the pure parts of `infra adopt` (mapping, naming, files, the plan's verdict) and adopted_at. */

const found = (arn: string, extra: Partial<DiscoveredResource> = {}): DiscoveredResource => ({ arn, tags: { Project: 'demo', Environment: 'test' }, via: ['tags'], ...extra });

describe('terraformTypeOf: ARN -> Terraform type and import id', () => {
  it.each([
    ['arn:aws:s3:::demo-core-test-logs', 'aws_s3_bucket', 'demo-core-test-logs'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/demo-core-test-items', 'aws_dynamodb_table', 'demo-core-test-items'],
    ['arn:aws:sns:us-east-1:123456789012:demo-core-test-events', 'aws_sns_topic', 'arn:aws:sns:us-east-1:123456789012:demo-core-test-events'],
    ['arn:aws:lambda:us-east-1:123456789012:function:demo-core-test-api', 'aws_lambda_function', 'demo-core-test-api'],
    ['arn:aws:iam::123456789012:role/service/demo-core-test-worker', 'aws_iam_role', 'demo-core-test-worker'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:/demo/test/app:*', 'aws_cloudwatch_log_group', '/demo/test/app'],
    ['arn:aws-cn:s3:::demo-core-test-cn', 'aws_s3_bucket', 'demo-core-test-cn'],
  ])('%s', (arn, type, importId) => {
    expect(terraformTypeOf({ arn })).toMatchObject({ type, importId });
  });

  it('imports a queue by the service URL the provider accepts (whatever endpoint answered the listing)', () => {
    expect(terraformTypeOf({ arn: 'arn:aws:sqs:us-east-1:123456789012:demo-core-test-jobs' })).toEqual({ type: 'aws_sqs_queue', name: 'demo-core-test-jobs', importId: 'https://sqs.us-east-1.amazonaws.com/123456789012/demo-core-test-jobs' });
    expect(terraformTypeOf({ arn: 'arn:aws-cn:sqs:cn-north-1:123456789012:q' })).toMatchObject({ importId: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q' });
  });

  it.each([
    'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc',
    'arn:aws:sns:us-east-1:123456789012:topic:6f1c-subscription',
    'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024',
    'arn:aws:lambda:us-east-1:123456789012:function:f:3',
    'arn:aws:iam::123456789012:policy/p',
    'not-an-arn',
  ])('does not adopt %s', (arn) => {
    expect(terraformTypeOf({ arn })).toHaveProperty('unsupported');
  });
});

describe('adoptedName', () => {
  it('drops the environment prefix and makes an identifier with the environment in it', () => {
    expect(adoptedName('test', 'demo-core-test-legacy-items', 'demo-core-test-')).toBe('adopted_test_legacy_items');
    expect(adoptedName('test', '/demo/test/app', 'demo-core-test-')).toBe('adopted_test_demo_test_app');
    expect(adoptedName('qa-2', 'Other.Name', undefined)).toBe('adopted_qa_2_other_name');
  });
});

describe('classifyFound', () => {
  const state: StateResource[] = [
    { address: 'aws_s3_bucket.uploads', type: 'aws_s3_bucket', name: 'uploads', module: '', provider: 'aws', values: { id: 'demo-core-test-uploads', bucket: 'demo-core-test-uploads' } },
    { address: 'aws_sns_topic.events', type: 'aws_sns_topic', name: 'events', module: '', provider: 'aws', values: { id: 'arn:aws:sns:us-east-1:1:demo-core-test-events', arn: 'arn:aws:sns:us-east-1:1:demo-core-test-events' } },
  ];

  it('leaves out what state holds, what is written already, other owners and other types; names the rest uniquely', () => {
    const out = classifyFound(
      [
        found('arn:aws:s3:::demo-core-test-uploads'),
        found('arn:aws:sns:us-east-1:1:demo-core-test-events'),
        found('arn:aws:s3:::demo-core-test-pending'),
        found('arn:aws:s3:::demo-core-test-stacked', { tags: { 'aws:cloudformation:stack-name': 'old-stack' } }),
        found('arn:aws:ec2:us-east-1:1:vpc/vpc-1'),
        found('arn:aws:s3:::demo-core-test-legacy', { via: ['name', 'tags'] }),
        found('arn:aws:s3:::demo-core-test-legacy_'),
      ],
      state,
      [{ type: 'aws_s3_bucket', importId: 'demo-core-test-pending' }],
      'test',
      'demo-core-test-',
      new Set(['aws_s3_bucket.uploads']),
    );
    expect(out.managed).toEqual(['arn:aws:s3:::demo-core-test-uploads', 'arn:aws:sns:us-east-1:1:demo-core-test-events']);
    expect(out.pending).toEqual(['arn:aws:s3:::demo-core-test-pending']);
    expect(out.notAdopted.map((n) => n.arn)).toEqual(['arn:aws:s3:::demo-core-test-stacked', 'arn:aws:ec2:us-east-1:1:vpc/vpc-1']);
    expect(out.notAdopted[0]!.reason).toContain('old-stack');
    expect(out.targets).toEqual([
      { address: 'aws_s3_bucket.adopted_test_legacy', type: 'aws_s3_bucket', import_id: 'demo-core-test-legacy', arn: 'arn:aws:s3:::demo-core-test-legacy', name: 'demo-core-test-legacy', via: ['name', 'tags'] },
      // two names that make the same identifier get distinct addresses
      { address: 'aws_s3_bucket.adopted_test_legacy_2', type: 'aws_s3_bucket', import_id: 'demo-core-test-legacy_', arn: 'arn:aws:s3:::demo-core-test-legacy_', name: 'demo-core-test-legacy_', via: ['tags'] },
    ]);
  });
});

describe('the import blocks file', () => {
  it('scopes each block to the environment, and reads back what it wrote', () => {
    const condition = 'var.faber_cloud_environment == "test"';
    const text = renderImports('test', [importBlock({ address: 'aws_sns_topic.adopted_test_a', import_id: 'arn:aws:sns:us-east-1:1:a"b' }, condition), importBlock({ address: 'aws_s3_bucket.adopted_test_b', import_id: 'b' }, undefined)]);
    expect(text.startsWith(ADOPT_MARKER)).toBe(true);
    expect(text).toContain('  for_each = var.faber_cloud_environment == "test" ? toset(["0"]) : toset([])\n  to       = aws_sns_topic.adopted_test_a[0]\n');
    expect(parseImports(text).map(({ block: _b, ...rest }) => rest)).toEqual([
      { type: 'aws_sns_topic', address: 'aws_sns_topic.adopted_test_a', importId: 'arn:aws:sns:us-east-1:1:a"b' },
      { type: 'aws_s3_bucket', address: 'aws_s3_bucket.adopted_test_b', importId: 'b' },
    ]);
  });

  it('reads back blocks an earlier version scoped by the workspace (they are kept as written)', () => {
    const old = renderImports('test', [importBlock({ address: 'aws_s3_bucket.adopted_test_b', import_id: 'b' }, 'terraform.workspace == "test"')]);
    expect(parseImports(old)).toEqual([{ type: 'aws_s3_bucket', address: 'aws_s3_bucket.adopted_test_b', importId: 'b', block: expect.stringContaining('terraform.workspace == "test"') }]);
  });

  it('the shared file is marked as faber-cloud\'s (rewritable by it, a user file by that name is not) and holds the declarations as given', () => {
    const declarations = 'variable "faber_cloud_environment" {\n  type = string\n}\n';
    const text = renderShared(declarations);
    expect(text.startsWith(ADOPT_MARKER)).toBe(true);
    expect(text.endsWith(declarations)).toBe(true);
    expect(adoptFiles('/p/terraform', 'test')).toEqual({ imports: '/p/terraform/faber-cloud-adopt-test.tf', config: '/p/terraform/faber-cloud-adopt-test.generated.tf', shared: '/p/terraform/faber-cloud-adopt.tf' });
    expect(adoptFiles('/p/terraform', 'prod').shared).toBe(adoptFiles('/p/terraform', 'test').shared);
  });
});

describe('cleanGeneratedConfig', () => {
  // As `tofu plan -generate-config-out` wrote it for a table and a topic (shortened).
  const generated = [
    '# __generated__ by OpenTofu',
    '# Please review these resources and move them into your main configuration files.',
    '',
    '# __generated__ by OpenTofu',
    'resource "aws_dynamodb_table" "adopted_test_old" {',
    '  billing_mode                = "PAY_PER_REQUEST"',
    '  deletion_protection_enabled = false',
    '  hash_key                    = "pk"',
    '  name                        = "demo-core-test-old"',
    '  range_key                   = null',
    '  read_capacity               = 0',
    '  region                      = "us-east-1"',
    '  tags = {',
    '    Environment = "test"',
    '  }',
    '  tags_all = {',
    '    Environment = "test"',
    '  }',
    '  attribute {',
    '    name = "pk"',
    '    type = "S"',
    '  }',
    '  point_in_time_recovery {',
    '    enabled                 = false',
    '    recovery_period_in_days = 0',
    '  }',
    '}',
    '',
    '# __generated__ by OpenTofu',
    'resource "aws_sns_topic" "adopted_test_alerts" {',
    '  name                                     = "demo-core-test-alerts"',
    '  name_prefix                              = ""',
    '  signature_version                        = 0',
    '  policy = jsonencode({',
    '    Version = "2008-10-17"',
    '  })',
    '}',
    '',
  ].join('\n');

  it('drops zero values, all-default blocks, tags_all and region, and scopes each resource with count', () => {
    expect(cleanGeneratedConfig(generated, 'terraform.workspace == "test"')).toBe(
      [
        'resource "aws_dynamodb_table" "adopted_test_old" {',
        '  count = terraform.workspace == "test" ? 1 : 0',
        '  billing_mode                = "PAY_PER_REQUEST"',
        '  hash_key                    = "pk"',
        '  name                        = "demo-core-test-old"',
        '  tags = {',
        '    Environment = "test"',
        '  }',
        '  attribute {',
        '    name = "pk"',
        '    type = "S"',
        '  }',
        '}',
        '',
        'resource "aws_sns_topic" "adopted_test_alerts" {',
        '  count = terraform.workspace == "test" ? 1 : 0',
        '  name                                     = "demo-core-test-alerts"',
        '  policy = jsonencode({',
        '    Version = "2008-10-17"',
        '  })',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('judgePlan: the plan only imports the adopted resources, or says what else it does', () => {
  const digest = (changes: PlanDigest['changes']): PlanDigest => ({ planId: 'abcdefabcdef', counts: { create: 0, update: 0, replace: 0, delete: 0 }, changes, outputs: [], hasChanges: true });
  const adopted = new Set(['aws_s3_bucket.adopted_test_a[0]', 'aws_sns_topic.adopted_test_b[0]']);

  it('import-only', () => {
    const out = judgePlan(digest([{ address: 'aws_s3_bucket.adopted_test_a[0]', type: 'aws_s3_bucket', action: 'no-op', importing: true }, { address: 'aws_sns_topic.adopted_test_b[0]', type: 'aws_sns_topic', action: 'no-op', importing: true }]), adopted);
    expect(out).toEqual({ imports: ['aws_s3_bucket.adopted_test_a[0]', 'aws_sns_topic.adopted_test_b[0]'], differences: [], notImported: [], otherChanges: [] });
  });

  it('an import with an update, a missing import and another change are all reported', () => {
    const update = { address: 'aws_s3_bucket.adopted_test_a[0]', type: 'aws_s3_bucket', action: 'update' as const, importing: true as const, changedAttributes: ['tags'] };
    const other = { address: 'aws_s3_bucket.uploads', type: 'aws_s3_bucket', action: 'create' as const };
    const out = judgePlan(digest([update, other]), adopted);
    expect(out.imports).toEqual(['aws_s3_bucket.adopted_test_a[0]']);
    expect(out.differences).toEqual([update]);
    expect(out.notImported).toEqual(['aws_sns_topic.adopted_test_b[0]']);
    expect(out.otherChanges).toEqual([other]);
  });
});

describe('the plan digest counts imports', () => {
  const rc = (address: string, actions: string[], importing?: { id: string }) => ({ address, mode: 'managed' as const, type: 'aws_s3_bucket', name: 'x', change: { actions, before: {}, after: {}, ...(importing ? { importing } : {}) } });

  it('an import-only plan has changes (a deploy applies it) and counts them; a plan without imports is as before', () => {
    const d = digestPlan({ resource_changes: [rc('aws_s3_bucket.a[0]', ['no-op'], { id: 'a' }), rc('aws_s3_bucket.b', ['no-op'])] });
    expect(d.hasChanges).toBe(true);
    expect(d.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0, import: 1 });
    expect(d.changes).toEqual([{ address: 'aws_s3_bucket.a[0]', type: 'aws_s3_bucket', action: 'no-op', importing: true }]);
    const plain = digestPlan({ resource_changes: [rc('aws_s3_bucket.b', ['no-op'])] });
    expect(plain.hasChanges).toBe(false);
    expect(plain.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0 });
  });

  it('an import that also updates counts as an update and is marked importing', () => {
    const d = digestPlan({ resource_changes: [rc('aws_s3_bucket.a[0]', ['update'], { id: 'a' })] });
    expect(d.counts).toMatchObject({ update: 1, import: 1 });
    expect(d.changes[0]).toMatchObject({ action: 'update', importing: true });
  });

  it('the import is part of the plan id', () => {
    expect(digestPlan({ resource_changes: [rc('aws_s3_bucket.a[0]', ['no-op'], { id: 'a' })] }).planId).not.toBe(digestPlan({ resource_changes: [rc('aws_s3_bucket.a[0]', ['no-op'])] }).planId);
  });
});

describe('registry adopted_at', () => {
  const resource = (address: string, id: string): StateResource => ({ address, type: 'aws_s3_bucket', name: 'b', module: '', provider: 'aws', values: { id } });
  const ctx = (now: string, imported?: Set<string>) => ({ env: 'test', project: 'demo', account: '1', region: 'us-east-1', deploymentId: 'd', now, link: () => ({}), ...(imported ? { imported } : {}) });

  it('is set for what the apply imported, kept by later rebuilds, and absent for resources the tool created', () => {
    const first = buildRegistry(undefined, [resource('aws_s3_bucket.a[0]', 'a'), resource('aws_s3_bucket.c', 'c')], ctx('2026-01-01T00:00:00.000Z', new Set(['aws_s3_bucket.a[0]'])));
    expect(first.resources.map((r) => [r.address, r.adopted_at])).toEqual([['aws_s3_bucket.a[0]', '2026-01-01T00:00:00.000Z'], ['aws_s3_bucket.c', undefined]]);
    const later = buildRegistry(first, [resource('aws_s3_bucket.a[0]', 'a'), resource('aws_s3_bucket.c', 'c')], ctx('2026-02-01T00:00:00.000Z'));
    expect(later.resources.map((r) => r.adopted_at)).toEqual(['2026-01-01T00:00:00.000Z', undefined]);
  });
});

describe('renderAdopt', () => {
  const s = pc.createColors(false);
  const base: AdoptResult = {
    env: 'test', dry_run: false, adopted: [{ address: 'aws_s3_bucket.adopted_test_a', type: 'aws_s3_bucket', import_id: 'demo-core-test-a', arn: 'arn:aws:s3:::demo-core-test-a', name: 'demo-core-test-a', via: ['name', 'tags'] }],
    pending: [], managed: 2, not_adopted: [{ arn: 'arn:aws:ec2:us-east-1:1:vpc/v', reason: 'ec2 resources are not adopted' }], skipped: [], files: ['terraform/faber-cloud-adopt-test.tf'],
    plan: { plan_id: 'abcdefabcdef', digest: { planId: 'abcdefabcdef', counts: { create: 0, update: 0, replace: 0, delete: 0, import: 1 }, changes: [{ address: 'aws_s3_bucket.adopted_test_a[0]', type: 'aws_s3_bucket', action: 'no-op', importing: true }], outputs: [], hasChanges: true } },
    imports: ['aws_s3_bucket.adopted_test_a[0]'], differences: [], not_imported: [], other_changes: [],
    identity: { account: '1', arn: 'a', userId: 'u', partition: 'aws', profile: null, region: 'us-east-1' }, next_command: 'faber-cloud infra deploy --env test --plan abcdefabcdef',
  };

  it('an import-only plan: what was adopted, the counts with the import, and the deploy to run', () => {
    const text = renderAdopt(base, s).join('\n');
    expect(text).toContain('  < aws_s3_bucket.adopted_test_a demo-core-test-a (by name and tags)');
    expect(text).toContain('0 to destroy, 1 to import');
    expect(text).toContain('  < aws_s3_bucket.adopted_test_a[0] (import)');
    expect(text).toContain('the plan only imports the adopted resources');
    expect(text).toContain('Next: faber-cloud infra deploy --env test --plan abcdefabcdef');
  });

  it('a plan that does more says what to resolve', () => {
    const text = renderAdopt({ ...base, differences: [{ address: 'aws_s3_bucket.adopted_test_a[0]', type: 'aws_s3_bucket', action: 'update', importing: true, changedAttributes: ['tags'] }], other_changes: [{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', action: 'create' }], next_command: null }, s).join('\n');
    expect(text).toContain('Resolve before deploying');
    expect(text).toContain('~ aws_s3_bucket.adopted_test_a[0] update (tags)');
    expect(text).toContain('create aws_s3_bucket.b');
    expect(text).not.toContain('Next:');
  });
});
