import link2aws from 'link2aws';
import { describe, expect, it } from 'vitest';
import { OVERRIDDEN_TYPES, SUPPORTED_TYPES, consoleLinkFor, link2awsLink } from '../../src/handlers/hosting/aws/console-urls.js';
import { partitionForRegion } from '../../src/handlers/hosting/aws/partition.js';

const { ARN } = link2aws;

const ACCT = '123456789012';
const R = 'us-east-1';
const R2 = 'eu-west-2';
const link = (type: string, values: Record<string, unknown>, ctx: Parameters<typeof consoleLinkFor>[1] = { region: R }) =>
  consoleLinkFor({ type, values }, ctx);
/** What link2aws alone makes of an ARN (undefined when it throws or has no template). */
const library = (arn: string): string | undefined => {
  try {
    return new ARN(arn).consoleLink ?? undefined;
  } catch {
    return undefined;
  }
};
const GO_VIEW = '/go/view?arn=';

// One realistic state `values` sample per supported type (as Terraform records it, in eu-west-2),
// plus the identifier the URL must carry.
const SAMPLES: Record<string, { values: Record<string, unknown>; ident: string; global?: boolean }> = {
  aws_s3_bucket: { values: { id: 'my-bucket', bucket: 'my-bucket', arn: 'arn:aws:s3:::my-bucket' }, ident: 'my-bucket', global: true },
  aws_dynamodb_table: { values: { id: 'orders', name: 'orders', arn: `arn:aws:dynamodb:${R2}:${ACCT}:table/orders` }, ident: 'orders' },
  aws_lambda_function: { values: { id: 'fn', function_name: 'fn', arn: `arn:aws:lambda:${R2}:${ACCT}:function:fn` }, ident: 'fn' },
  aws_iam_role: { values: { id: 'app-role', name: 'app-role', arn: `arn:aws:iam::${ACCT}:role/app-role` }, ident: 'app-role', global: true },
  aws_iam_user: {
    values: { id: 'deployer', name: 'deployer', path: '/ci/', arn: `arn:aws:iam::${ACCT}:user/ci/deployer` },
    ident: '/users/details/deployer',
    global: true,
  },
  aws_iam_group: { values: { id: 'admins', name: 'admins', arn: `arn:aws:iam::${ACCT}:group/admins` }, ident: 'admins', global: true },
  aws_iam_policy: {
    values: { id: `arn:aws:iam::${ACCT}:policy/p`, name: 'p', arn: `arn:aws:iam::${ACCT}:policy/p` },
    ident: `arn:aws:iam::${ACCT}:policy/p`,
    global: true,
  },
  aws_sqs_queue: {
    values: { id: `https://sqs.${R2}.amazonaws.com/${ACCT}/jobs`, url: `https://sqs.${R2}.amazonaws.com/${ACCT}/jobs`, name: 'jobs', arn: `arn:aws:sqs:${R2}:${ACCT}:jobs` },
    ident: encodeURIComponent(`https://sqs.${R2}.amazonaws.com/${ACCT}/jobs`),
  },
  aws_sns_topic: { values: { id: `arn:aws:sns:${R2}:${ACCT}:alerts`, name: 'alerts', arn: `arn:aws:sns:${R2}:${ACCT}:alerts` }, ident: `arn:aws:sns:${R2}:${ACCT}:alerts` },
  aws_cloudwatch_log_group: {
    values: { id: '/app/logs', name: '/app/logs', arn: `arn:aws:logs:${R2}:${ACCT}:log-group:/app/logs` },
    ident: '$252Fapp$252Flogs',
  },
  aws_cloudwatch_metric_alarm: {
    values: { id: 'high-cpu', alarm_name: 'high-cpu', arn: `arn:aws:cloudwatch:${R2}:${ACCT}:alarm:high-cpu` },
    ident: 'high-cpu',
  },
  aws_cloudwatch_dashboard: { values: { id: 'main', dashboard_name: 'main', dashboard_arn: `arn:aws:cloudwatch::${ACCT}:dashboard/main` }, ident: 'main' },
  aws_cloudwatch_event_rule: {
    values: { id: 'nightly', name: 'nightly', event_bus_name: 'default', arn: `arn:aws:events:${R2}:${ACCT}:rule/nightly` },
    ident: 'nightly',
  },
  aws_instance: { values: { id: 'i-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:instance/i-0abc` }, ident: 'i-0abc' },
  aws_vpc: { values: { id: 'vpc-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:vpc/vpc-0abc` }, ident: 'vpc-0abc' },
  aws_subnet: { values: { id: 'subnet-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:subnet/subnet-0abc` }, ident: 'subnet-0abc' },
  aws_security_group: { values: { id: 'sg-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:security-group/sg-0abc` }, ident: 'sg-0abc' },
  aws_internet_gateway: { values: { id: 'igw-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:internet-gateway/igw-0abc` }, ident: 'igw-0abc' },
  // NAT gateway state has no ARN.
  aws_nat_gateway: { values: { id: 'nat-0abc', subnet_id: 'subnet-0abc' }, ident: 'nat-0abc' },
  aws_route_table: { values: { id: 'rtb-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:route-table/rtb-0abc` }, ident: 'rtb-0abc' },
  aws_eip: {
    values: { id: 'eipalloc-0abc', allocation_id: 'eipalloc-0abc', arn: `arn:aws:ec2:${R2}:${ACCT}:elastic-ip/eipalloc-0abc` },
    ident: 'eipalloc-0abc',
  },
  aws_lb: {
    values: {
      id: `arn:aws:elasticloadbalancing:${R2}:${ACCT}:loadbalancer/app/web/50dc6c495c0c9188`,
      arn: `arn:aws:elasticloadbalancing:${R2}:${ACCT}:loadbalancer/app/web/50dc6c495c0c9188`,
    },
    ident: `arn:aws:elasticloadbalancing:${R2}:${ACCT}:loadbalancer/app/web/50dc6c495c0c9188`,
  },
  aws_lb_target_group: {
    values: {
      id: `arn:aws:elasticloadbalancing:${R2}:${ACCT}:targetgroup/web/73e2d6bc24d8a067`,
      arn: `arn:aws:elasticloadbalancing:${R2}:${ACCT}:targetgroup/web/73e2d6bc24d8a067`,
    },
    ident: encodeURIComponent(`arn:aws:elasticloadbalancing:${R2}:${ACCT}:targetgroup/web/73e2d6bc24d8a067`),
  },
  aws_autoscaling_group: {
    values: {
      id: 'workers',
      name: 'workers',
      arn: `arn:aws:autoscaling:${R2}:${ACCT}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/workers`,
    },
    ident: 'workers',
  },
  aws_db_instance: { values: { id: 'db-ABCDEFGHIJKL', identifier: 'app-db', arn: `arn:aws:rds:${R2}:${ACCT}:db:app-db` }, ident: 'app-db' },
  aws_rds_cluster: { values: { id: 'aurora', cluster_identifier: 'aurora', arn: `arn:aws:rds:${R2}:${ACCT}:cluster:aurora` }, ident: 'aurora' },
  aws_ecs_cluster: { values: { id: `arn:aws:ecs:${R2}:${ACCT}:cluster/main`, name: 'main', arn: `arn:aws:ecs:${R2}:${ACCT}:cluster/main` }, ident: 'main' },
  aws_ecs_service: {
    values: { id: `arn:aws:ecs:${R2}:${ACCT}:service/main/api`, name: 'api', cluster: `arn:aws:ecs:${R2}:${ACCT}:cluster/main` },
    ident: 'clusters/main/services/api',
  },
  aws_ecr_repository: {
    values: { id: 'app', name: 'app', registry_id: ACCT, arn: `arn:aws:ecr:${R2}:${ACCT}:repository/app` },
    ident: `private/${ACCT}/app`,
  },
  aws_eks_cluster: { values: { id: 'k8s', name: 'k8s', arn: `arn:aws:eks:${R2}:${ACCT}:cluster/k8s` }, ident: 'k8s' },
  aws_kms_key: {
    values: {
      id: '1234abcd-12ab-34cd-56ef-1234567890ab',
      key_id: '1234abcd-12ab-34cd-56ef-1234567890ab',
      arn: `arn:aws:kms:${R2}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    },
    ident: '1234abcd-12ab-34cd-56ef-1234567890ab',
  },
  aws_secretsmanager_secret: {
    values: { id: `arn:aws:secretsmanager:${R2}:${ACCT}:secret:db-AbCdEf`, name: 'db', arn: `arn:aws:secretsmanager:${R2}:${ACCT}:secret:db-AbCdEf` },
    ident: 'name=db',
  },
  aws_ssm_parameter: { values: { id: 'feature-flag', name: 'feature-flag', arn: `arn:aws:ssm:${R2}:${ACCT}:parameter/feature-flag` }, ident: 'feature-flag' },
  aws_api_gateway_rest_api: { values: { id: 'a1b2c3d4e5', arn: `arn:aws:apigateway:${R2}::/restapis/a1b2c3d4e5` }, ident: 'a1b2c3d4e5' },
  aws_apigatewayv2_api: { values: { id: 'f6g7h8i9j0', arn: `arn:aws:apigateway:${R2}::/apis/f6g7h8i9j0` }, ident: 'f6g7h8i9j0' },
  aws_cloudfront_distribution: {
    values: { id: 'E2QWRUHAPOMQZL', arn: `arn:aws:cloudfront::${ACCT}:distribution/E2QWRUHAPOMQZL` },
    ident: 'E2QWRUHAPOMQZL',
    global: true,
  },
  aws_route53_zone: {
    values: { id: 'Z1D633PJN98FT9', zone_id: 'Z1D633PJN98FT9', arn: 'arn:aws:route53:::hostedzone/Z1D633PJN98FT9' },
    ident: 'Z1D633PJN98FT9',
    global: true,
  },
  aws_elasticache_cluster: {
    values: { id: 'cache', cluster_id: 'cache', engine: 'redis', arn: `arn:aws:elasticache:${R2}:${ACCT}:cluster:cache` },
    ident: 'cache',
  },
  aws_sfn_state_machine: {
    values: { id: `arn:aws:states:${R2}:${ACCT}:stateMachine:flow`, name: 'flow', arn: `arn:aws:states:${R2}:${ACCT}:stateMachine:flow` },
    ident: `arn:aws:states:${R2}:${ACCT}:stateMachine:flow`,
  },
  aws_kinesis_stream: { values: { id: `arn:aws:kinesis:${R2}:${ACCT}:stream/events`, name: 'events', arn: `arn:aws:kinesis:${R2}:${ACCT}:stream/events` }, ident: 'events' },
  aws_efs_file_system: { values: { id: 'fs-0abc', arn: `arn:aws:elasticfilesystem:${R2}:${ACCT}:file-system/fs-0abc` }, ident: 'fs-0abc' },
  aws_acm_certificate: {
    values: {
      id: `arn:aws:acm:${R2}:${ACCT}:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab`,
      arn: `arn:aws:acm:${R2}:${ACCT}:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab`,
    },
    ident: '0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
  },
};

/** The types the issue lists by name: each must get a specific page, never the go/view fallback. */
const ISSUE_TYPES = [
  'aws_s3_bucket', 'aws_lambda_function', 'aws_dynamodb_table', 'aws_iam_role', 'aws_iam_user', 'aws_iam_policy',
  'aws_cloudfront_distribution', 'aws_api_gateway_rest_api', 'aws_apigatewayv2_api', 'aws_ecs_cluster', 'aws_ecs_service',
  'aws_db_instance', 'aws_rds_cluster', 'aws_sqs_queue', 'aws_sns_topic', 'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm', 'aws_instance', 'aws_vpc', 'aws_subnet', 'aws_security_group', 'aws_lb',
  'aws_lb_target_group', 'aws_route53_zone', 'aws_kms_key', 'aws_secretsmanager_secret', 'aws_sfn_state_machine',
  'aws_ecr_repository', 'aws_cloudwatch_event_rule',
];

/** Overrides that exist because link2aws has no template at all for the ARN (see the comments in the source). */
const NO_LIBRARY_TEMPLATE = [
  'aws_cloudwatch_metric_alarm', 'aws_cloudwatch_dashboard', 'aws_cloudwatch_event_rule', 'aws_internet_gateway',
  'aws_route_table', 'aws_eip', 'aws_ssm_parameter', 'aws_apigatewayv2_api', 'aws_elasticache_cluster', 'aws_efs_file_system',
];

const sampleArn = (type: string) => {
  const v = SAMPLES[type]!.values;
  return String(v.arn ?? v.dashboard_arn ?? v.id);
};

describe('consoleLinkFor: coverage', () => {
  it('supports at least 30 types, and the samples cover the whole table', () => {
    expect(SUPPORTED_TYPES.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(SAMPLES).sort()).toEqual([...SUPPORTED_TYPES].sort());
  });

  it('gives a specific (non-go/view) link for every type the issue lists, at least 25', () => {
    expect(ISSUE_TYPES.length).toBeGreaterThanOrEqual(25);
    const specific = ISSUE_TYPES.filter((t) => {
      const url = link(t, SAMPLES[t]!.values, { region: R2 }).consoleUrl;
      return url !== undefined && !url.includes(GO_VIEW);
    });
    expect(specific).toEqual(ISSUE_TYPES);
  });

  it.each(Object.entries(SAMPLES))('%s gets a specific console URL with its region and identifier', (type, sample) => {
    const { consoleUrl } = link(type, sample.values, { region: R2 });
    expect(consoleUrl).toBeDefined();
    expect(consoleUrl).toMatch(/^https:\/\/([a-z0-9-]+\.)?console\.aws\.amazon\.com\//);
    expect(consoleUrl).not.toContain(GO_VIEW);
    expect(consoleUrl).toContain(sample.ident);
    if (sample.global) expect(consoleUrl).not.toContain('region=');
    else expect(consoleUrl).toContain(R2);
  });

  it.each(Object.entries(SAMPLES))('%s gives no console URL when its identifier is missing', (type) => {
    expect(link(type, {}).consoleUrl).toBeUndefined();
    expect(link(type, { id: '', name: '' }).consoleUrl).toBeUndefined();
  });
});

describe('consoleLinkFor: built on link2aws', () => {
  it.each(SUPPORTED_TYPES.filter((t) => !OVERRIDDEN_TYPES.includes(t)))('%s uses link2aws’s URL as is', (type) => {
    const expected = library(sampleArn(type));
    expect(expected).toBeDefined();
    expect(link(type, SAMPLES[type]!.values, { region: R2 }).consoleUrl).toBe(expected);
  });

  it.each(NO_LIBRARY_TEMPLATE)('%s is overridden because link2aws has no link for its ARN', (type) => {
    expect(OVERRIDDEN_TYPES).toContain(type);
    expect(library(sampleArn(type))).toBeUndefined();
  });

  it('overrides the link2aws links that are wrong', () => {
    // IAM path put into the user page.
    expect(library(`arn:aws:iam::${ACCT}:user/ci/deployer`)).toContain('#/users/ci/deployer');
    expect(link('aws_iam_user', SAMPLES.aws_iam_user!.values).consoleUrl).toBe('https://console.aws.amazon.com/iam/home#/users/details/deployer');
    // Account id put into the console host.
    expect(new URL(library(sampleArn('aws_lb_target_group'))!).hostname).toBe(`${ACCT}.${R2}.console.aws.amazon.com`);
    expect(new URL(link('aws_lb_target_group', SAMPLES.aws_lb_target_group!.values).consoleUrl!).hostname).toBe('console.aws.amazon.com');
    // A China queue URL rebuilt with the global domain.
    expect(library(`arn:aws-cn:sqs:cn-north-1:${ACCT}:jobs`)).toContain('amazonaws.com%2F');
    const cnUrl = `https://sqs.cn-north-1.amazonaws.com.cn/${ACCT}/jobs`;
    expect(link('aws_sqs_queue', { url: cnUrl, arn: `arn:aws-cn:sqs:cn-north-1:${ACCT}:jobs` }, { region: 'cn-north-1' }).consoleUrl).toBe(
      `https://console.amazonaws.cn/sqs/v3/home?region=cn-north-1#/queues/${encodeURIComponent(cnUrl)}`,
    );
    expect(OVERRIDDEN_TYPES).toEqual(expect.arrayContaining(['aws_iam_user', 'aws_lb_target_group', 'aws_sqs_queue', 'aws_nat_gateway']));
  });
});

describe('consoleLinkFor: exact URLs', () => {
  it('S3 bucket, with the ARN built from the bucket name (no account needed)', () => {
    expect(link('aws_s3_bucket', { id: 'b', bucket: 'b', region: R })).toEqual({
      arn: 'arn:aws:s3:::b',
      consoleUrl: 'https://s3.console.aws.amazon.com/s3/buckets/b',
    });
  });

  it('IAM role (global console)', () => {
    const values = { id: 'app-role', name: 'app-role', arn: `arn:aws:iam::${ACCT}:role/svc/app-role` };
    expect(link('aws_iam_role', values)).toEqual({
      arn: `arn:aws:iam::${ACCT}:role/svc/app-role`,
      consoleUrl: 'https://console.aws.amazon.com/iam/home?#/roles/app-role',
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
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/fn',
    });
  });

  it('DynamoDB table', () => {
    const arn = `arn:aws:dynamodb:${R}:${ACCT}:table/orders`;
    expect(link('aws_dynamodb_table', { id: 'orders', name: 'orders', arn })).toEqual({
      arn,
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=orders',
    });
  });

  it('CloudWatch log group with `/` in its name (the console’s `$252F` encoding)', () => {
    const arn = `arn:aws:logs:${R}:${ACCT}:log-group:/aws/lambda/fn`;
    expect(link('aws_cloudwatch_log_group', { id: '/aws/lambda/fn', name: '/aws/lambda/fn', arn })).toEqual({
      arn,
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ffn',
    });
    // Built from the name when state has no ARN but the account is known.
    expect(link('aws_cloudwatch_log_group', { name: '/aws/lambda/fn' }, { region: R, accountId: ACCT }).arn).toBe(arn);
  });

  it('CloudFront distribution (global console), with the ARN built from ctx.accountId', () => {
    expect(link('aws_cloudfront_distribution', { id: 'E2QWRUHAPOMQZL' }, { region: R, accountId: ACCT })).toEqual({
      arn: `arn:aws:cloudfront::${ACCT}:distribution/E2QWRUHAPOMQZL`,
      consoleUrl: 'https://console.aws.amazon.com/cloudfront/v4/home#/distributions/E2QWRUHAPOMQZL',
    });
  });

  it('ECS service and ECR repository pages are built from the cluster and the registry account', () => {
    expect(link('aws_ecs_service', { id: `arn:aws:ecs:${R}:${ACCT}:service/main/api`, name: 'api', cluster: `arn:aws:ecs:${R}:${ACCT}:cluster/main` })).toEqual({
      arn: `arn:aws:ecs:${R}:${ACCT}:service/main/api`,
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/main/services/api?region=us-east-1',
    });
    expect(link('aws_ecr_repository', { name: 'team/app', registry_id: ACCT }).consoleUrl).toBe(
      `https://us-east-1.console.aws.amazon.com/ecr/repositories/private/${ACCT}/team/app`,
    );
  });

  it('Secrets Manager secret, named without its random ARN suffix', () => {
    expect(link('aws_secretsmanager_secret', { name: 'prod/db', arn: `arn:aws:secretsmanager:${R}:${ACCT}:secret:prod/db-AbCdEf` }).consoleUrl).toBe(
      'https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=prod/db',
    );
  });
});

describe('consoleLinkFor: partitions', () => {
  it('derives the partition from the region', () => {
    expect(partitionForRegion('cn-north-1')).toBe('aws-cn');
    expect(partitionForRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionForRegion('eu-central-1')).toBe('aws');
  });

  it('an isolated-region resource gets its own partition ARN and no link to the public console', () => {
    // Regression: console-urls.ts had its own partition rule that put us-iso-east-1 in aws.
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: 'us-iso-east-1' })).toEqual({ arn: 'arn:aws-iso:s3:::b' });
    expect(link('aws_dynamodb_table', { name: 't' }, { region: 'us-isob-east-1', accountId: ACCT })).toEqual({ arn: `arn:aws-iso-b:dynamodb:us-isob-east-1:${ACCT}:table/t` });
  });

  it('China regions use console.amazonaws.cn and aws-cn ARNs', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: 'cn-north-1' })).toEqual({
      arn: 'arn:aws-cn:s3:::b',
      consoleUrl: 'https://s3.console.amazonaws.cn/s3/buckets/b',
    });
    const dynamo = link('aws_dynamodb_table', { name: 't' }, { region: 'cn-northwest-1', accountId: ACCT });
    expect(dynamo.arn).toBe(`arn:aws-cn:dynamodb:cn-northwest-1:${ACCT}:table/t`);
    expect(dynamo.consoleUrl).toBe('https://cn-northwest-1.console.amazonaws.cn/dynamodbv2/home?region=cn-northwest-1#table?name=t');
    // Overrides follow the partition too.
    expect(link('aws_ssm_parameter', { name: 'p' }, { region: 'cn-north-1' }).consoleUrl).toBe(
      'https://console.amazonaws.cn/systems-manager/parameters/p/description?region=cn-north-1',
    );
  });

  it('GovCloud regions use console.amazonaws-us-gov.com and aws-us-gov ARNs', () => {
    const l = link('aws_lambda_function', { function_name: 'fn' }, { region: 'us-gov-west-1', accountId: ACCT });
    expect(l.arn).toBe(`arn:aws-us-gov:lambda:us-gov-west-1:${ACCT}:function:fn`);
    expect(l.consoleUrl).toBe('https://us-gov-west-1.console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1#/functions/fn');
    expect(link('aws_iam_role', { name: 'r' }, { region: 'us-gov-east-1', accountId: ACCT }).consoleUrl).toBe(
      'https://console.amazonaws-us-gov.com/iam/home?#/roles/r',
    );
  });

  it('prefers ctx.partition, then the partition in the ARN, over the region', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: R, partition: 'aws-cn' }).arn).toBe('arn:aws-cn:s3:::b');
    const l = link('aws_iam_role', { name: 'r', arn: `arn:aws-us-gov:iam::${ACCT}:role/r` }, { region: R });
    expect(l.consoleUrl).toBe('https://console.amazonaws-us-gov.com/iam/home?#/roles/r');
  });

  it('refuses a link2aws link on another partition’s host and falls back to go/view', () => {
    // link2aws hard-codes console.aws.amazon.com for Kinesis streams.
    const arn = `arn:aws-cn:kinesis:cn-north-1:${ACCT}:stream/events`;
    expect(library(arn)).toContain('.console.aws.amazon.com/');
    expect(link('aws_kinesis_stream', { name: 'events', arn }, { region: 'cn-north-1' }).consoleUrl).toBe(
      `https://console.amazonaws.cn/go/view?arn=${encodeURIComponent(arn)}`,
    );
  });

  it('keeps the ARN but gives no link for a partition without a known console', () => {
    expect(link('aws_s3_bucket', { bucket: 'b' }, { region: 'us-iso-east-1', partition: 'aws-iso' })).toEqual({ arn: 'arn:aws-iso:s3:::b' });
    expect(link('aws_made_up_thing', { arn: 'arn:aws-iso:foo:us-iso-east-1:123456789012:x' })).toEqual({
      arn: 'arn:aws-iso:foo:us-iso-east-1:123456789012:x',
    });
  });
});

describe('consoleLinkFor: go/view fallback', () => {
  it('links any ARN nobody has a page for through the console’s resolver', () => {
    const arn = `arn:aws:codeartifact:${R}:${ACCT}:repository/dom/repo`;
    expect(library(arn)).toBeUndefined();
    expect(link('aws_codeartifact_repository', { id: arn, arn })).toEqual({
      arn,
      consoleUrl: `https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(arn)}`,
    });
    const gov = `arn:aws-us-gov:codeartifact:us-gov-west-1:${ACCT}:domain/dom`;
    expect(link('aws_codeartifact_domain', { arn: gov }).consoleUrl).toBe(`https://console.amazonaws-us-gov.com/go/view?arn=${encodeURIComponent(gov)}`);
  });

  it('uses link2aws for unknown Terraform types whose ARN it knows', () => {
    const arn = `arn:aws:codebuild:${R}:${ACCT}:project/build`;
    expect(link('aws_codebuild_project', { arn }).consoleUrl).toBe(library(arn));
    expect(library(arn)).not.toContain(GO_VIEW);
  });

  it('falls back when a known type has an ARN but no page identifier or an ARN link2aws cannot read', () => {
    const alarm = `arn:aws:cloudwatch:${R}:${ACCT}:alarm:x`;
    expect(link('aws_cloudwatch_metric_alarm', { arn: alarm }).consoleUrl).toBe(`https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(alarm)}`);
    // Old-format ECS service ARN without the cluster: link2aws would produce `clusters//services`.
    const svc = `arn:aws:ecs:${R}:${ACCT}:service/api`;
    expect(library(svc)).toContain('clusters//services');
    expect(link('aws_ecs_service', { id: svc, name: 'api' }).consoleUrl).toBe(`https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(svc)}`);
  });
});

describe('consoleLinkFor: ARNs', () => {
  it('uses a non-empty arn value as is', () => {
    expect(link('aws_vpc', { id: 'vpc-1', arn: 'arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1' }).arn).toBe(
      'arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1',
    );
    expect(link('aws_cloudwatch_dashboard', { dashboard_name: 'd', dashboard_arn: `arn:aws:cloudwatch::${ACCT}:dashboard/d` }).arn).toBe(
      `arn:aws:cloudwatch::${ACCT}:dashboard/d`,
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
    expect(link('aws_sns_topic', { id: `arn:aws:sns:${R}:${ACCT}:alerts`, name: 'alerts' }).arn).toBe(`arn:aws:sns:${R}:${ACCT}:alerts`);
    expect(link('aws_ecs_cluster', { id: `arn:aws:ecs:${R}:${ACCT}:cluster/main`, name: 'main' }).arn).toBe(`arn:aws:ecs:${R}:${ACCT}:cluster/main`);
    expect(link('aws_secretsmanager_secret', { id: `arn:aws:secretsmanager:${R}:${ACCT}:secret:db-AbCdEf`, name: 'db' }).arn).toBe(
      `arn:aws:secretsmanager:${R}:${ACCT}:secret:db-AbCdEf`,
    );
  });

  it('builds ARNs that need no account without one, and links them', () => {
    expect(link('aws_route53_zone', { zone_id: 'Z1' })).toEqual({
      arn: 'arn:aws:route53:::hostedzone/Z1',
      consoleUrl: 'https://console.aws.amazon.com/route53/home?#resource-record-sets:Z1',
    });
    expect(link('aws_api_gateway_rest_api', { id: 'abc' })).toEqual({
      arn: `arn:aws:apigateway:${R}::/restapis/abc`,
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/apigateway/main/apis/abc/resources?api=abc&region=us-east-1',
    });
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
  it('returns {} for types it does not know that have no ARN', () => {
    expect(link('aws_made_up_thing', { id: 'x' })).toEqual({});
    expect(link('null_resource', { arn: '' })).toEqual({});
    expect(link('constructor', { id: 'x' })).toEqual({});
    expect(link('aws_made_up_thing', { id: 'x', arn: 'arn:aws:foo:us-east-1:123456789012:x' })).toEqual({
      arn: 'arn:aws:foo:us-east-1:123456789012:x',
      consoleUrl: `https://console.aws.amazon.com/go/view?arn=${encodeURIComponent('arn:aws:foo:us-east-1:123456789012:x')}`,
    });
  });

  it('never throws on strange values', () => {
    expect(() => link('aws_ecs_service', { name: 'svc', cluster: 42 })).not.toThrow();
    expect(link('aws_ecs_service', { name: 'svc', cluster: 42 }).consoleUrl).toBeUndefined();
    expect(() => link('aws_s3_bucket', { bucket: { nested: true } })).not.toThrow();
    expect(() => consoleLinkFor({ type: 'aws_s3_bucket', values: undefined as unknown as Record<string, unknown> }, { region: R })).not.toThrow();
    // link2aws throws on characters outside its ARN alphabet and on `arn`-less strings; go/view still encodes them.
    const odd = `arn:aws:dynamodb:${R}:${ACCT}:table/a b`;
    expect(link('aws_dynamodb_table', { arn: odd }).consoleUrl).toBe(`https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(odd)}`);
    expect(link('aws_made_up_thing', { arn: 'not-an-arn' })).toEqual({ arn: 'not-an-arn' });
  });

  it('resolves aliases such as aws_alb and aws_default_vpc', () => {
    expect(link('aws_default_vpc', { id: 'vpc-9', arn: `arn:aws:ec2:${R}:${ACCT}:vpc/vpc-9` }).consoleUrl).toContain('VpcId=vpc-9');
    expect(link('aws_alb', { arn: `arn:aws:elasticloadbalancing:${R}:${ACCT}:loadbalancer/app/x/1` }).consoleUrl).toContain('LoadBalancer:');
    expect(link('aws_default_route_table', { id: 'rtb-9' }).consoleUrl).toContain('RouteTableId=rtb-9');
  });

  it('omits regional links when no region is known, but keeps global ones', () => {
    expect(link('aws_dynamodb_table', { name: 't' }, { region: '' }).consoleUrl).toBeUndefined();
    expect(link('aws_ssm_parameter', { name: 'p' }, { region: '' }).consoleUrl).toBeUndefined();
    expect(link('aws_iam_user', { name: 'u' }, { region: '' }).consoleUrl).toBe('https://console.aws.amazon.com/iam/home#/users/details/u');
    // An ARN carries its own region.
    expect(link('aws_dynamodb_table', { arn: `arn:aws:dynamodb:${R}:${ACCT}:table/t` }, { region: '' }).consoleUrl).toBe(
      'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=t',
    );
  });
});

describe('consoleLinkFor: encoding in overrides', () => {
  it('encodes slashes and spaces in identifiers', () => {
    expect(link('aws_cloudwatch_metric_alarm', { alarm_name: 'High CPU/api' }).consoleUrl).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/High%20CPU%2Fapi',
    );
    expect(link('aws_iam_user', { name: 'a+b@c' }).consoleUrl).toBe('https://console.aws.amazon.com/iam/home#/users/details/a%2Bb%40c');
  });

  it('uses the console’s own double encoding for SSM parameters', () => {
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

// The fast path replaces `new ARN(arn).consoleLink` for high-volume ARN types (performance); link2aws
// stays the reference, and these tests pin the fast path to exactly its output.
/** What a link2aws call gives: its value, or the error it throws. */
const outcome = (f: () => unknown): unknown => {
  try {
    return { value: f() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
};

describe('link2aws with one template table: exactly link2aws’s URL', () => {
  const PARTITIONS = [
    ['aws', 'us-east-1'],
    ['aws', 'eu-west-2'],
    ['aws-cn', 'cn-north-1'],
    ['aws-cn', 'cn-northwest-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ] as const;
  // Names with every character link2aws accepts besides letters and digits (`:` and `/` where the type allows them).
  const NAMES = ['a', 'orders', 'my-bucket.example.com', 'x_y-z.1', 'A+b=c,d.e@f_g-h', 'with#hash', 'star*', 'UPPER.lower', '0', 'a'.repeat(200)];

  const ARNS: Record<string, (p: string, r: string) => string[]> = {
    's3 bucket': (p) => NAMES.map((n) => `arn:${p}:s3:::${n}`),
    'lambda function': (p, r) =>
      NAMES.flatMap((n) => [`arn:${p}:lambda:${r}:${ACCT}:function:${n}`, `arn:${p}:lambda:${r}:${ACCT}:function:${n}:live`, `arn:${p}:lambda:${r}:${ACCT}:function:${n}:7`]),
    'dynamodb table': (p, r) =>
      NAMES.flatMap((n) => [
        `arn:${p}:dynamodb:${r}:${ACCT}:table/${n}`,
        `arn:${p}:dynamodb:${r}:${ACCT}:table/${n}/index/gsi-1`,
        `arn:${p}:dynamodb:${r}:${ACCT}:table/${n}/stream/2026-01-01T00:00:00.000`,
      ]),
    'iam role': (p) =>
      NAMES.flatMap((n) => [
        `arn:${p}:iam::${ACCT}:role/${n}`,
        `arn:${p}:iam::${ACCT}:role/service-role/${n}`,
        `arn:${p}:iam::${ACCT}:role/a/b/c/${n}`,
        `arn:${p}:iam::${ACCT}:role/aws-service-role/support.amazonaws.com/${n}`,
      ]),
    'logs log-group': (p, r) =>
      NAMES.flatMap((n) => [
        `arn:${p}:logs:${r}:${ACCT}:log-group:${n}`,
        `arn:${p}:logs:${r}:${ACCT}:log-group:/aws/lambda/${n}`,
        `arn:${p}:logs:${r}:${ACCT}:log-group:/aws/lambda/${n}:*`,
        `arn:${p}:logs:${r}:${ACCT}:log-group:/a#b/${n}#/c:*`,
        `arn:${p}:logs:${r}:${ACCT}:log-group:/x:y/${n}`,
      ]),
    'sns topic': (p, r) => NAMES.flatMap((n) => [`arn:${p}:sns:${r}:${ACCT}:${n}`, `arn:${p}:sns:${r}:${ACCT}:${n}.fifo`]),
  };

  it.each(Object.keys(ARNS))('%s: same URL as link2aws in every partition, with odd names', (kind) => {
    let n = 0;
    for (const [p, r] of PARTITIONS) {
      for (const arn of ARNS[kind]!(p, r)) {
        for (const input of [arn, ` ${arn}\n`]) {
          const fast = link2awsLink(input);
          expect(fast, input).toEqual(expect.any(String));
          expect(fast, input).toBe(new ARN(input).consoleLink);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(100);
  });

  it('answers every other ARN, and rejects what link2aws rejects, as link2aws does', () => {
    const others = [
      `arn:aws:sqs:${R}:${ACCT}:jobs`,
      `arn:aws:ec2:${R}:${ACCT}:instance/i-0abc`,
      `arn:aws:kms:${R}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      'arn:aws:s3:::bucket/some/key',
      `arn:aws:sns:${R}:${ACCT}:alerts:0a1b2c3d-aaaa-bbbb-cccc-0123456789ab`,
      `arn:aws:lambda:${R}:${ACCT}:layer:deps:3`,
      `arn:aws:dynamodb::${ACCT}:global-table/orders`,
      `arn:aws:iam::${ACCT}:user/ci/deployer`,
      `arn:aws:iam::${ACCT}:policy/p`,
      `arn:aws:logs:${R}:${ACCT}:destination:d`,
    ];
    const rejected = [
      '',
      'arn',
      'arn:aws:s3',
      'arn:aws:s3::',
      'ARN:aws:s3:::b',
      'urn:aws:s3:::b',
      'arn:aws-iso:s3:::b',
      'arn:constructor:s3:::b',
      `arn:aws:constructor:${R}:${ACCT}:x`,
      `arn:aws:__proto__:${R}:${ACCT}:x`,
      `arn:aws:dynamodb:${R}:${ACCT}:table/a b`,
      `arn:aws:dynamodb:US-EAST-1:${ACCT}:table/t`,
      `arn:aws:lambda:${R}:${ACCT}:function:fn:$LATEST`,
      `arn:aws:logs:${R}:${ACCT}:log-group:/a%2Fb`,
      'arn:aws:s3:::caf\u00e9',
      `arn:aws:s3:::${'b'.repeat(2040)}`,
    ];
    for (const arn of [...others, ...rejected]) expect(outcome(() => link2awsLink(arn)), arn).toEqual(outcome(() => new ARN(arn).consoleLink));
    for (const arn of rejected) {
      expect(library(arn), arn).toBeUndefined();
    }
  });

  it('agrees with link2aws on 10,000 random ARN-like strings', () => {
    // mulberry32, fixed seed: the same strings every run.
    let seed = 0xa2b;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const valid = 'abcXYZ019-_.+=,@*#/:';
    const word = () => {
      const chars = rnd() < 0.1 ? `${valid} %$é` : valid;
      return Array.from({ length: Math.floor(rnd() * 12) }, () => pick([...chars])).join('');
    };
    const services: Record<string, string[]> = {
      s3: [''],
      lambda: ['function:', 'layer:'],
      dynamodb: ['table/', 'global-table/'],
      iam: ['role/', 'user/', 'role/service-role/'],
      logs: ['log-group:', 'log-group:/aws/lambda/'],
      sns: ['', 'topic:'],
      sqs: [''],
      ec2: ['instance/'],
      constructor: [''],
    };
    const anyType = ['', '/', ':', 'index/', ...Object.values(services).flat()];
    let handled = 0;
    for (let i = 0; i < 10_000; i++) {
      const service = pick(Object.keys(services));
      const arn =
        pick(['', '', '', '', ' ', '\t']) +
        [
          pick(['arn', 'arn', 'arn', 'arn', 'arn', 'ARN', 'x']),
          pick(['aws', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', '']),
          service,
          pick(['', R, R, 'cn-north-1', 'us-gov-west-1', 'US-EAST-1', 'eu_west_1']),
          pick(['', ACCT, ACCT, 'aws']),
        ].join(':') +
        ':' +
        (rnd() < 0.8 ? pick(services[service]!) : pick(anyType)) +
        word() +
        pick(['', '', '', ':*', `:${word()}`, `/${word()}`]) +
        pick(['', '', '', ' ']);
      const ours = outcome(() => link2awsLink(arn));
      expect(ours, JSON.stringify(arn)).toEqual(outcome(() => new ARN(arn).consoleLink));
      if (typeof (ours as { value?: unknown }).value === 'string') handled++;
    }
    expect(handled).toBeGreaterThan(800); // the rest link2aws rejects or has no page for
  });

  it('is what consoleLinkFor uses for those types (unchanged URLs)', () => {
    for (const type of ['aws_s3_bucket', 'aws_lambda_function', 'aws_dynamodb_table', 'aws_iam_role', 'aws_cloudwatch_log_group', 'aws_sns_topic']) {
      const arn = sampleArn(type);
      expect(link2awsLink(arn), type).toEqual(expect.any(String));
      expect(link(type, SAMPLES[type]!.values, { region: R2 }).consoleUrl).toBe(new ARN(arn).consoleLink);
    }
  });
});

describe('partition names are data, not object keys', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('an ARN in partition %s gets no console link', (partition) => {
    const link = consoleLinkFor({ type: 'aws_s3_bucket', values: { bucket: 'b', arn: `arn:${partition}:s3:::b` } }, { region: 'us-east-1' });
    expect(link.consoleUrl).toBeUndefined();
    expect(link.arn).toBe(`arn:${partition}:s3:::b`);
  });
});
