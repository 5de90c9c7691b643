import { describe, expect, it } from 'vitest';
import { SUPPORTED_TYPES, consoleLinkFor, partitionForRegion } from '../../src/handlers/hosting/aws/console-urls.js';

const ACCT = '123456789012';
const R = 'us-east-1';
const link = (type: string, values: Record<string, unknown>, ctx: Parameters<typeof consoleLinkFor>[1] = { region: R }) =>
  consoleLinkFor({ type, values }, ctx);

// One realistic state `values` sample per supported type, plus the identifier the URL must carry.
const SAMPLES: Record<string, { values: Record<string, unknown>; ident: string; global?: boolean }> = {
  aws_s3_bucket: { values: { id: 'my-bucket', bucket: 'my-bucket' }, ident: 'my-bucket' },
  aws_dynamodb_table: { values: { id: 'orders', name: 'orders' }, ident: 'orders' },
  aws_lambda_function: { values: { id: 'fn', function_name: 'fn' }, ident: 'fn' },
  aws_iam_role: { values: { id: 'app-role', name: 'app-role' }, ident: 'app-role', global: true },
  aws_iam_user: { values: { id: 'deployer', name: 'deployer' }, ident: 'deployer', global: true },
  aws_iam_group: { values: { id: 'admins', name: 'admins' }, ident: 'admins', global: true },
  aws_iam_policy: {
    values: { id: `arn:aws:iam::${ACCT}:policy/p`, name: 'p' },
    ident: encodeURIComponent(`arn:aws:iam::${ACCT}:policy/p`),
    global: true,
  },
  aws_sqs_queue: {
    values: { id: `https://sqs.us-east-1.amazonaws.com/${ACCT}/jobs`, url: `https://sqs.us-east-1.amazonaws.com/${ACCT}/jobs`, name: 'jobs' },
    ident: encodeURIComponent(`https://sqs.us-east-1.amazonaws.com/${ACCT}/jobs`),
  },
  aws_sns_topic: {
    values: { id: `arn:aws:sns:${R}:${ACCT}:alerts`, name: 'alerts' },
    ident: encodeURIComponent(`arn:aws:sns:${R}:${ACCT}:alerts`),
  },
  aws_cloudwatch_log_group: { values: { id: 'app-logs', name: 'app-logs' }, ident: 'app-logs' },
  aws_cloudwatch_metric_alarm: { values: { id: 'high-cpu', alarm_name: 'high-cpu' }, ident: 'high-cpu' },
  aws_cloudwatch_dashboard: { values: { id: 'main', dashboard_name: 'main' }, ident: 'main' },
  aws_cloudwatch_event_rule: { values: { id: 'nightly', name: 'nightly', event_bus_name: 'default' }, ident: 'nightly' },
  aws_instance: { values: { id: 'i-0abc' }, ident: 'i-0abc' },
  aws_vpc: { values: { id: 'vpc-0abc' }, ident: 'vpc-0abc' },
  aws_subnet: { values: { id: 'subnet-0abc' }, ident: 'subnet-0abc' },
  aws_security_group: { values: { id: 'sg-0abc' }, ident: 'sg-0abc' },
  aws_internet_gateway: { values: { id: 'igw-0abc' }, ident: 'igw-0abc' },
  aws_nat_gateway: { values: { id: 'nat-0abc' }, ident: 'nat-0abc' },
  aws_route_table: { values: { id: 'rtb-0abc' }, ident: 'rtb-0abc' },
  aws_eip: { values: { id: 'eipalloc-0abc', allocation_id: 'eipalloc-0abc' }, ident: 'eipalloc-0abc' },
  aws_lb: {
    values: { id: `arn:aws:elasticloadbalancing:${R}:${ACCT}:loadbalancer/app/web/50dc6c495c0c9188` },
    ident: encodeURIComponent(`arn:aws:elasticloadbalancing:${R}:${ACCT}:loadbalancer/app/web/50dc6c495c0c9188`),
  },
  aws_lb_target_group: {
    values: { id: `arn:aws:elasticloadbalancing:${R}:${ACCT}:targetgroup/web/73e2d6bc24d8a067` },
    ident: encodeURIComponent(`arn:aws:elasticloadbalancing:${R}:${ACCT}:targetgroup/web/73e2d6bc24d8a067`),
  },
  aws_autoscaling_group: { values: { id: 'workers', name: 'workers' }, ident: 'workers' },
  aws_db_instance: { values: { id: 'db-ABCDEFGHIJKL', identifier: 'app-db' }, ident: 'app-db' },
  aws_rds_cluster: { values: { id: 'aurora', cluster_identifier: 'aurora' }, ident: 'aurora' },
  aws_ecs_cluster: { values: { id: `arn:aws:ecs:${R}:${ACCT}:cluster/main`, name: 'main' }, ident: 'main' },
  aws_ecs_service: {
    values: { id: `arn:aws:ecs:${R}:${ACCT}:service/main/api`, name: 'api', cluster: `arn:aws:ecs:${R}:${ACCT}:cluster/main` },
    ident: 'api',
  },
  aws_ecr_repository: { values: { id: 'app', name: 'app', registry_id: ACCT }, ident: 'app' },
  aws_eks_cluster: { values: { id: 'k8s', name: 'k8s' }, ident: 'k8s' },
  aws_kms_key: {
    values: { id: '1234abcd-12ab-34cd-56ef-1234567890ab', key_id: '1234abcd-12ab-34cd-56ef-1234567890ab' },
    ident: '1234abcd-12ab-34cd-56ef-1234567890ab',
  },
  aws_secretsmanager_secret: { values: { id: `arn:aws:secretsmanager:${R}:${ACCT}:secret:db-AbCdEf`, name: 'db' }, ident: 'db' },
  aws_ssm_parameter: { values: { id: 'feature-flag', name: 'feature-flag' }, ident: 'feature-flag' },
  aws_api_gateway_rest_api: { values: { id: 'a1b2c3d4e5' }, ident: 'a1b2c3d4e5' },
  aws_apigatewayv2_api: { values: { id: 'f6g7h8i9j0' }, ident: 'f6g7h8i9j0' },
  aws_cloudfront_distribution: { values: { id: 'E2QWRUHAPOMQZL' }, ident: 'E2QWRUHAPOMQZL', global: true },
  aws_route53_zone: { values: { id: 'Z1D633PJN98FT9', zone_id: 'Z1D633PJN98FT9' }, ident: 'Z1D633PJN98FT9', global: true },
  aws_elasticache_cluster: { values: { id: 'cache', cluster_id: 'cache', engine: 'redis' }, ident: 'cache' },
  aws_sfn_state_machine: {
    values: { id: `arn:aws:states:${R}:${ACCT}:stateMachine:flow`, name: 'flow' },
    ident: encodeURIComponent(`arn:aws:states:${R}:${ACCT}:stateMachine:flow`),
  },
  aws_kinesis_stream: { values: { id: `arn:aws:kinesis:${R}:${ACCT}:stream/events`, name: 'events' }, ident: 'events' },
  aws_efs_file_system: { values: { id: 'fs-0abc' }, ident: 'fs-0abc' },
  aws_acm_certificate: {
    values: { id: `arn:aws:acm:${R}:${ACCT}:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab` },
    ident: '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
  },
};

const REQUIRED = [
  'aws_s3_bucket', 'aws_dynamodb_table', 'aws_lambda_function', 'aws_iam_role', 'aws_iam_policy', 'aws_iam_user',
  'aws_iam_group', 'aws_sqs_queue', 'aws_sns_topic', 'aws_cloudwatch_log_group', 'aws_cloudwatch_metric_alarm',
  'aws_instance', 'aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_internet_gateway', 'aws_nat_gateway',
  'aws_route_table', 'aws_eip', 'aws_db_instance', 'aws_rds_cluster', 'aws_ecs_cluster', 'aws_ecs_service',
  'aws_ecr_repository', 'aws_eks_cluster', 'aws_kms_key', 'aws_secretsmanager_secret', 'aws_ssm_parameter',
  'aws_api_gateway_rest_api', 'aws_apigatewayv2_api', 'aws_cloudfront_distribution', 'aws_route53_zone', 'aws_lb',
  'aws_lb_target_group', 'aws_autoscaling_group', 'aws_elasticache_cluster', 'aws_sfn_state_machine',
  'aws_kinesis_stream', 'aws_cloudwatch_event_rule',
];

describe('consoleLinkFor: coverage', () => {
  it('supports every required type, at least 30 in all, and the samples cover the whole table', () => {
    expect(SUPPORTED_TYPES.length).toBeGreaterThanOrEqual(30);
    for (const t of REQUIRED) expect(SUPPORTED_TYPES).toContain(t);
    expect(Object.keys(SAMPLES).sort()).toEqual([...SUPPORTED_TYPES].sort());
  });

  it.each(Object.entries(SAMPLES))('%s gets a console URL with its region and encoded identifier', (type, sample) => {
    const { consoleUrl } = link(type, sample.values, { region: 'eu-west-2' });
    expect(consoleUrl).toBeDefined();
    expect(consoleUrl).toMatch(/^https:\/\/console\.aws\.amazon\.com\//);
    expect(consoleUrl).toContain(sample.ident);
    if (sample.global) expect(consoleUrl).not.toContain('region=');
    else expect(consoleUrl).toContain('region=eu-west-2');
  });

  it.each(Object.entries(SAMPLES))('%s gives no console URL when its identifier is missing', (type) => {
    expect(link(type, {}).consoleUrl).toBeUndefined();
    expect(link(type, { id: '', name: '' }).consoleUrl).toBeUndefined();
  });
});

describe('consoleLinkFor: exact URLs', () => {
  it('S3 bucket, with the ARN built from the bucket name (no account needed)', () => {
    expect(link('aws_s3_bucket', { id: 'b', bucket: 'b', region: R })).toEqual({
      arn: 'arn:aws:s3:::b',
      consoleUrl: 'https://console.aws.amazon.com/s3/buckets/b?region=us-east-1',
    });
  });

  it('IAM role (global console)', () => {
    const values = { id: 'app-role', name: 'app-role', arn: `arn:aws:iam::${ACCT}:role/app-role` };
    expect(link('aws_iam_role', values)).toEqual({
      arn: `arn:aws:iam::${ACCT}:role/app-role`,
      consoleUrl: 'https://console.aws.amazon.com/iam/home#/roles/details/app-role',
    });
  });

  it('SQS queue, addressed by its encoded URL', () => {
    const url = `https://sqs.us-east-1.amazonaws.com/${ACCT}/jobs`;
    expect(link('aws_sqs_queue', { id: url, url, name: 'jobs', arn: `arn:aws:sqs:${R}:${ACCT}:jobs` })).toEqual({
      arn: `arn:aws:sqs:${R}:${ACCT}:jobs`,
      consoleUrl: `https://console.aws.amazon.com/sqs/v3/home?region=us-east-1#/queues/https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F${ACCT}%2Fjobs`,
    });
  });

  it('Lambda function', () => {
    const arn = `arn:aws:lambda:${R}:${ACCT}:function:fn`;
    expect(link('aws_lambda_function', { id: 'fn', function_name: 'fn', arn })).toEqual({
      arn,
      consoleUrl: 'https://console.aws.amazon.com/lambda/home?region=us-east-1#/functions/fn',
    });
  });

  it('DynamoDB table', () => {
    const arn = `arn:aws:dynamodb:${R}:${ACCT}:table/orders`;
    expect(link('aws_dynamodb_table', { id: 'orders', name: 'orders', arn })).toEqual({
      arn,
      consoleUrl: 'https://console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=orders',
    });
  });

  it('ECS service and ECR repository pages are built from the cluster and the registry account', () => {
    expect(link('aws_ecs_service', SAMPLES.aws_ecs_service!.values).consoleUrl).toBe(
      'https://console.aws.amazon.com/ecs/v2/clusters/main/services/api/health?region=us-east-1',
    );
    expect(link('aws_ecr_repository', { name: 'team/app', registry_id: ACCT }).consoleUrl).toBe(
      `https://console.aws.amazon.com/ecr/repositories/private/${ACCT}/team/app?region=us-east-1`,
    );
  });
});

describe('consoleLinkFor: partitions', () => {
  it('derives the partition from the region', () => {
    expect(partitionForRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionForRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionForRegion('eu-central-1')).toBe('aws');
  });

  it('China regions use console.amazonaws.cn and aws-cn ARNs', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: 'cn-north-1' })).toEqual({
      arn: 'arn:aws-cn:s3:::b',
      consoleUrl: 'https://console.amazonaws.cn/s3/buckets/b?region=cn-north-1',
    });
    const dynamo = link('aws_dynamodb_table', { name: 't' }, { region: 'cn-northwest-1', accountId: ACCT });
    expect(dynamo.arn).toBe(`arn:aws-cn:dynamodb:cn-northwest-1:${ACCT}:table/t`);
    expect(dynamo.consoleUrl).toBe('https://console.amazonaws.cn/dynamodbv2/home?region=cn-northwest-1#table?name=t');
  });

  it('GovCloud regions use console.amazonaws-us-gov.com and aws-us-gov ARNs', () => {
    const l = link('aws_lambda_function', { function_name: 'fn' }, { region: 'us-gov-west-1', accountId: ACCT });
    expect(l.arn).toBe(`arn:aws-us-gov:lambda:us-gov-west-1:${ACCT}:function:fn`);
    expect(l.consoleUrl).toBe('https://console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1#/functions/fn');
    expect(link('aws_iam_role', { name: 'r' }, { region: 'us-gov-east-1' }).consoleUrl).toBe(
      'https://console.amazonaws-us-gov.com/iam/home#/roles/details/r',
    );
  });

  it('prefers ctx.partition, then the partition in the ARN, over the region', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: R, partition: 'aws-cn' }).arn).toBe('arn:aws-cn:s3:::b');
    const l = link('aws_iam_role', { name: 'r', arn: `arn:aws-us-gov:iam::${ACCT}:role/r` }, { region: R });
    expect(l.consoleUrl).toBe('https://console.amazonaws-us-gov.com/iam/home#/roles/details/r');
  });

  it('keeps the ARN but gives no link for a partition without a known console', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: 'us-iso-east-1', partition: 'aws-iso' })).toEqual({ arn: 'arn:aws-iso:s3:::b' });
  });
});

describe('consoleLinkFor: ARNs', () => {
  it('uses a non-empty arn value as is', () => {
    expect(link('aws_vpc', { id: 'vpc-1', arn: 'arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1' }).arn).toBe(
      'arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1',
    );
  });

  it('builds account-scoped ARNs from ctx.accountId, another ARN in state, or owner_id', () => {
    expect(link('aws_iam_role', { name: 'r', path: '/svc/' }, { region: R, accountId: ACCT }).arn).toBe(`arn:aws:iam::${ACCT}:role/svc/r`);
    expect(link('aws_lambda_function', { function_name: 'fn', role: `arn:aws:iam::${ACCT}:role/r` }).arn).toBe(
      `arn:aws:lambda:${R}:${ACCT}:function:fn`,
    );
    expect(link('aws_vpc', { id: 'vpc-1', owner_id: ACCT }).arn).toBe(`arn:aws:ec2:${R}:${ACCT}:vpc/vpc-1`);
    expect(link('aws_ssm_parameter', { name: '/app/db' }, { region: R, accountId: ACCT }).arn).toBe(`arn:aws:ssm:${R}:${ACCT}:parameter/app/db`);
  });

  it('uses the id as the ARN where the Terraform id is the ARN', () => {
    expect(link('aws_sns_topic', SAMPLES.aws_sns_topic!.values).arn).toBe(`arn:aws:sns:${R}:${ACCT}:alerts`);
    expect(link('aws_ecs_cluster', SAMPLES.aws_ecs_cluster!.values).arn).toBe(`arn:aws:ecs:${R}:${ACCT}:cluster/main`);
    expect(link('aws_secretsmanager_secret', SAMPLES.aws_secretsmanager_secret!.values).arn).toBe(
      `arn:aws:secretsmanager:${R}:${ACCT}:secret:db-AbCdEf`,
    );
  });

  it('builds ARNs that need no account without one', () => {
    expect(link('aws_route53_zone', { zone_id: 'Z1' }).arn).toBe('arn:aws:route53:::hostedzone/Z1');
    expect(link('aws_api_gateway_rest_api', { id: 'abc' }).arn).toBe(`arn:aws:apigateway:${R}::/restapis/abc`);
  });

  it('never invents an account id', () => {
    for (const [type, values] of [
      ['aws_iam_role', { name: 'r' }],
      ['aws_dynamodb_table', { name: 't' }],
      ['aws_lambda_function', { function_name: 'fn' }],
      ['aws_instance', { id: 'i-1' }],
      ['aws_sns_topic', { name: 'topic' }],
      ['aws_ecr_repository', { name: 'app' }],
      // An AWS-managed policy ARN carries "aws", not an account id.
      ['aws_iam_role', { name: 'r', managed_policy: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    ] as const) {
      const l = link(type, values);
      expect(l.arn).toBeUndefined();
      expect(JSON.stringify(l)).not.toMatch(/\d{12}/);
    }
    expect(link('aws_ecr_repository', { name: 'app' }).consoleUrl).toBeUndefined();
  });
});

describe('consoleLinkFor: unknown types and odd input', () => {
  it('returns {} or only the ARN for types it does not know', () => {
    expect(link('aws_made_up_thing', { id: 'x' })).toEqual({});
    expect(link('aws_made_up_thing', { id: 'x', arn: 'arn:aws:foo:us-east-1:123456789012:x' })).toEqual({
      arn: 'arn:aws:foo:us-east-1:123456789012:x',
    });
    expect(link('null_resource', { arn: '' })).toEqual({});
    expect(link('constructor', { id: 'x' })).toEqual({});
  });

  it('never throws on strange values', () => {
    expect(() => link('aws_ecs_service', { name: 'svc', cluster: 42 })).not.toThrow();
    expect(link('aws_ecs_service', { name: 'svc', cluster: 42 }).consoleUrl).toBeUndefined();
    expect(() => link('aws_s3_bucket', { bucket: { nested: true } })).not.toThrow();
    expect(() => consoleLinkFor({ type: 'aws_s3_bucket', values: undefined as unknown as Record<string, unknown> }, { region: R })).not.toThrow();
  });

  it('resolves aliases such as aws_alb and aws_default_vpc', () => {
    expect(link('aws_default_vpc', { id: 'vpc-9' }).consoleUrl).toContain('VpcId=vpc-9');
    expect(link('aws_alb', { arn: `arn:aws:elasticloadbalancing:${R}:${ACCT}:loadbalancer/app/x/1` }).consoleUrl).toContain('LoadBalancer:');
  });

  it('omits regional links when no region is known, but keeps global ones', () => {
    expect(link('aws_dynamodb_table', { name: 't' }, { region: '' }).consoleUrl).toBeUndefined();
    expect(link('aws_iam_role', { name: 'r' }, { region: '' }).consoleUrl).toBe('https://console.aws.amazon.com/iam/home#/roles/details/r');
  });
});

describe('consoleLinkFor: encoding', () => {
  it('encodes slashes and spaces in identifiers', () => {
    expect(link('aws_cloudwatch_metric_alarm', { alarm_name: 'High CPU/api' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/High%20CPU%2Fapi',
    );
    expect(link('aws_secretsmanager_secret', { name: 'prod/db creds' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/secretsmanager/secret?name=prod%2Fdb%20creds&region=us-east-1',
    );
    expect(link('aws_iam_role', { name: 'a b' }).consoleUrl).toBe('https://console.aws.amazon.com/iam/home#/roles/details/a%20b');
  });

  it('uses the console’s own double encoding for log groups and SSM parameters', () => {
    expect(link('aws_cloudwatch_log_group', { name: '/aws/lambda/fn' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffn',
    );
    expect(link('aws_ssm_parameter', { name: '/app/db url' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/systems-manager/parameters/%252Fapp%252Fdb%2520url/description?region=us-east-1',
    );
  });

  it('encodes event bus names and maps memcached clusters to their page', () => {
    expect(link('aws_cloudwatch_event_rule', { name: 'r', event_bus_name: 'orders' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/events/home?region=us-east-1#/eventbus/orders/rules/r',
    );
    expect(link('aws_cloudwatch_event_rule', { name: 'r', event_bus_name: 'orders' }, { region: R, accountId: ACCT }).arn).toBe(
      `arn:aws:events:${R}:${ACCT}:rule/orders/r`,
    );
    expect(link('aws_elasticache_cluster', { cluster_id: 'm', engine: 'memcached' }).consoleUrl).toContain('#/memcached/m');
  });
});
