// Console deep links and ARNs for Terraform-managed AWS resources.
// Why: the resource registry and DEPLOYED.md show a console link (and the ARN) for every resource so
// a human can jump straight to it. Everything here is partition-aware (aws, aws-cn, aws-us-gov), is
// computed only from state values plus context (no AWS calls), never invents an account id, and
// never throws: unknown types or missing identifiers simply yield fewer fields.

type Values = Record<string, unknown>;

export interface ConsoleLink {
  arn?: string;
  consoleUrl?: string;
}

export interface ConsoleLinkContext {
  region: string;
  partition?: string;
  accountId?: string;
}

/** What a URL builder gets besides the identifier. */
interface Ctx {
  v: Values;
  region: string;
  account?: string;
}

interface Spec {
  /** State attributes tried in order for the console identifier; `arn` means the resolved ARN. */
  id: string[];
  /** Console path (with query/fragment) relative to the partition's console host; undefined = no link. */
  url: (id: string, c: Ctx) => string | undefined;
  /** Builds the ARN when state has none: [service, scope (r = region, a = account), resource, name attributes (default: id)]. */
  arn?: [svc: string, scope: '' | 'r' | 'a' | 'ra', res: (name: string, v: Values) => string | undefined, keys?: string[]];
  /** The console page is global (no region in the URL). */
  global?: true;
}

const e = encodeURIComponent;
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
const pick = (v: Values, keys: string[]) => keys.map((k) => str(v[k])).find((s) => s !== undefined);
const lastSegment = (s: string | undefined) => s?.split('/').pop() || undefined;
const iamPath = (v: Values) => str(v.path) ?? '/';

/** `/SERVICE/home?region=R#PREFIX<encoded id>SUFFIX`, the form most regional consoles accept. */
const home =
  (svc: string, prefix: string, suffix = '') =>
  (id: string, c: Ctx) =>
    `/${svc}/home?region=${e(c.region)}#${prefix}${e(id)}${suffix}`;
const ec2 = (prefix: string, suffix = '') => home('ec2', prefix, suffix);
const vpc = (prefix: string) => home('vpcconsole', prefix);
const q = (c: Ctx) => `region=${e(c.region)}`;
const ec2Arn = (kind: string): Spec['arn'] => ['ec2', 'ra', (n) => `${kind}/${n}`];
const iam = (kind: string, page: string): Spec => ({
  id: ['name', 'id'],
  global: true,
  url: (id) => `/iam/home#/${page}/details/${e(id)}`,
  arn: ['iam', 'a', (n, v) => `${kind}${iamPath(v)}${n}`],
});

const SPECS: Record<string, Spec> = {
  aws_s3_bucket: {
    id: ['bucket', 'id'],
    url: (id, c) => `/s3/buckets/${e(id)}?${q(c)}`,
    arn: ['s3', '', (n) => n],
  },
  aws_dynamodb_table: { id: ['name', 'id'], url: home('dynamodbv2', 'table?name='), arn: ['dynamodb', 'ra', (n) => `table/${n}`] },
  aws_lambda_function: {
    id: ['function_name', 'id'],
    url: home('lambda', '/functions/'),
    arn: ['lambda', 'ra', (n) => `function:${n}`],
  },
  aws_iam_role: iam('role', 'roles'),
  aws_iam_user: iam('user', 'users'),
  aws_iam_group: iam('group', 'groups'),
  aws_iam_policy: {
    // The IAM console addresses policies by ARN; a policy's Terraform id is its ARN.
    id: ['arn', 'id'],
    global: true,
    url: (id) => `/iam/home#/policies/details/${e(id)}`,
    arn: ['iam', 'a', (n, v) => `policy${iamPath(v)}${n}`, ['name']],
  },
  aws_sqs_queue: {
    // A queue's id is its URL; the console wants that URL encoded.
    id: ['url', 'id'],
    url: home('sqs/v3', '/queues/'),
    arn: ['sqs', 'ra', (n) => n, ['name']],
  },
  aws_sns_topic: { id: ['arn', 'id'], url: home('sns/v3', '/topic/'), arn: ['sns', 'ra', (n) => n, ['name']] },
  aws_cloudwatch_log_group: {
    id: ['name', 'id'],
    // The CloudWatch console double-encodes log group names and writes `%` as `$` (`/` -> `$252F`).
    url: (id, c) => `/cloudwatch/home?${q(c)}#logsV2:log-groups/log-group/${e(e(id)).replace(/%/g, '$')}`,
    arn: ['logs', 'ra', (n) => `log-group:${n}`],
  },
  aws_cloudwatch_metric_alarm: {
    id: ['alarm_name', 'id'],
    url: home('cloudwatch', 'alarmsV2:alarm/'),
    arn: ['cloudwatch', 'ra', (n) => `alarm:${n}`],
  },
  aws_cloudwatch_dashboard: {
    id: ['dashboard_name', 'id'],
    url: home('cloudwatch', 'dashboards/dashboard/'),
    arn: ['cloudwatch', 'a', (n) => `dashboard/${n}`],
  },
  aws_cloudwatch_event_rule: {
    id: ['name'],
    url: (id, c) => {
      const bus = lastSegment(str(c.v.event_bus_name)) ?? 'default';
      return `/events/home?${q(c)}#/eventbus/${e(bus)}/rules/${e(id)}`;
    },
    arn: [
      'events',
      'ra',
      (n, v) => {
        const bus = lastSegment(str(v.event_bus_name)) ?? 'default';
        return bus === 'default' ? `rule/${n}` : `rule/${bus}/${n}`;
      },
    ],
  },
  aws_instance: { id: ['id'], url: ec2('InstanceDetails:instanceId='), arn: ec2Arn('instance') },
  aws_vpc: { id: ['id'], url: vpc('VpcDetails:VpcId='), arn: ec2Arn('vpc') },
  aws_subnet: { id: ['id'], url: vpc('SubnetDetails:subnetId='), arn: ec2Arn('subnet') },
  aws_security_group: { id: ['id'], url: ec2('SecurityGroup:groupId='), arn: ec2Arn('security-group') },
  aws_internet_gateway: { id: ['id'], url: vpc('InternetGateway:internetGatewayId='), arn: ec2Arn('internet-gateway') },
  aws_nat_gateway: { id: ['id'], url: vpc('NatGatewayDetails:natGatewayId='), arn: ec2Arn('natgateway') },
  aws_route_table: { id: ['id'], url: vpc('RouteTableDetails:RouteTableId='), arn: ec2Arn('route-table') },
  aws_eip: { id: ['allocation_id', 'id'], url: ec2('ElasticIpDetails:AllocationId='), arn: ec2Arn('elastic-ip') },
  aws_lb: { id: ['arn', 'id'], url: ec2('LoadBalancer:loadBalancerArn=') },
  aws_lb_target_group: { id: ['arn', 'id'], url: ec2('TargetGroup:targetGroupArn=') },
  aws_autoscaling_group: { id: ['name', 'id'], url: ec2('AutoScalingGroupDetails:id=', ';view=details') },
  aws_db_instance: {
    // Newer providers set id to the `db-…` resource id; the console and ARN use the identifier.
    id: ['identifier'],
    url: home('rds', 'database:id=', ';is-cluster=false'),
    arn: ['rds', 'ra', (n) => `db:${n}`],
  },
  aws_rds_cluster: {
    id: ['cluster_identifier', 'id'],
    url: home('rds', 'database:id=', ';is-cluster=true'),
    arn: ['rds', 'ra', (n) => `cluster:${n}`],
  },
  aws_ecs_cluster: {
    id: ['name'],
    url: (id, c) => `/ecs/v2/clusters/${e(id)}/services?${q(c)}`,
    arn: ['ecs', 'ra', (n) => `cluster/${n}`],
  },
  aws_ecs_service: {
    id: ['name'],
    url: (id, c) => {
      const cluster = lastSegment(str(c.v.cluster));
      return cluster && `/ecs/v2/clusters/${e(cluster)}/services/${e(id)}/health?${q(c)}`;
    },
    arn: [
      'ecs',
      'ra',
      (n, v) => {
        const cluster = lastSegment(str(v.cluster));
        return cluster && `service/${cluster}/${n}`;
      },
    ],
  },
  aws_ecr_repository: {
    // Repository names may contain `/`; the console routes on literal slashes, so encode per segment.
    id: ['name'],
    url: (id, c) => c.account && `/ecr/repositories/private/${c.account}/${id.split('/').map(e).join('/')}?${q(c)}`,
    arn: ['ecr', 'ra', (n) => `repository/${n}`],
  },
  aws_eks_cluster: { id: ['name', 'id'], url: home('eks', '/clusters/'), arn: ['eks', 'ra', (n) => `cluster/${n}`] },
  aws_kms_key: { id: ['key_id', 'id'], url: home('kms', '/kms/keys/'), arn: ['kms', 'ra', (n) => `key/${n}`] },
  aws_secretsmanager_secret: {
    // The ARN ends in a random suffix, so it is never built.
    id: ['name'],
    url: (id, c) => `/secretsmanager/secret?name=${e(id)}&${q(c)}`,
  },
  aws_ssm_parameter: {
    // The Systems Manager console wants the name double-encoded (`/` -> `%252F`); single `%2F` is rejected.
    id: ['name', 'id'],
    url: (id, c) => `/systems-manager/parameters/${e(e(id))}/description?${q(c)}`,
    arn: ['ssm', 'ra', (n) => `parameter/${n.replace(/^\//, '')}`],
  },
  aws_api_gateway_rest_api: {
    id: ['id'],
    url: (id, c) => `/apigateway/main/apis/${e(id)}/resources?api=${e(id)}&${q(c)}`,
    arn: ['apigateway', 'r', (n) => `/restapis/${n}`],
  },
  aws_apigatewayv2_api: {
    id: ['id'],
    url: (id, c) => `/apigateway/main/api-detail?api=${e(id)}&${q(c)}`,
    arn: ['apigateway', 'r', (n) => `/apis/${n}`],
  },
  aws_cloudfront_distribution: {
    id: ['id'],
    global: true,
    url: (id) => `/cloudfront/v4/home#/distributions/${e(id)}`,
    arn: ['cloudfront', 'a', (n) => `distribution/${n}`],
  },
  aws_route53_zone: {
    id: ['zone_id', 'id'],
    global: true,
    url: (id) => `/route53/v2/hostedzones#ListRecordSets/${e(id)}`,
    arn: ['route53', '', (n) => `hostedzone/${n}`],
  },
  aws_elasticache_cluster: {
    id: ['cluster_id', 'id'],
    url: (id, c) => home('elasticache', `/${c.v.engine === 'memcached' ? 'memcached' : 'redis'}/`)(id, c),
    arn: ['elasticache', 'ra', (n) => `cluster:${n}`],
  },
  aws_sfn_state_machine: {
    id: ['arn', 'id'],
    url: home('states', '/statemachines/view/'),
    arn: ['states', 'ra', (n) => `stateMachine:${n}`, ['name']],
  },
  aws_kinesis_stream: {
    // A stream's Terraform id is its ARN; the console uses the name.
    id: ['name'],
    url: home('kinesis', '/streams/details/', '/monitoring'),
    arn: ['kinesis', 'ra', (n) => `stream/${n}`],
  },
  aws_efs_file_system: {
    id: ['id'],
    url: home('efs', '/file-systems/'),
    arn: ['elasticfilesystem', 'ra', (n) => `file-system/${n}`],
  },
  aws_acm_certificate: {
    // Addressed by the certificate id, the last segment of its ARN (its Terraform id).
    id: ['arn', 'id'],
    url: (id, c) => {
      const cert = lastSegment(id);
      return cert && home('acm', '/certificates/')(cert, c);
    },
  },
};

/** Types that Terraform manages under another name but that share a console page and ARN format. */
const ALIASES: Record<string, string> = {
  aws_alb: 'aws_lb',
  aws_alb_target_group: 'aws_lb_target_group',
  aws_default_vpc: 'aws_vpc',
  aws_default_subnet: 'aws_subnet',
  aws_default_security_group: 'aws_security_group',
  aws_default_route_table: 'aws_route_table',
};

/** Resource types with a console link (exported for tests and docs). */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(SPECS);

const CONSOLE_HOSTS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

interface ParsedArn {
  partition: string;
  region: string;
  account: string;
}

function parseArn(s: unknown): ParsedArn | undefined {
  const m = typeof s === 'string' ? /^arn:([^:]+):[^:]*:([^:]*):([^:]*):./.exec(s) : null;
  return m ? { partition: m[1] ?? '', region: m[2] ?? '', account: m[3] ?? '' } : undefined;
}

export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const ACCOUNT = /^\d{12}$/;

/** ARN-like values in state: `arn` and `id` first, then any other top-level string. */
function arnsIn(values: Values): ParsedArn[] {
  const ordered = [values.arn, values.id, ...Object.entries(values).filter(([k]) => k !== 'arn' && k !== 'id').map(([, x]) => x)];
  return ordered.map(parseArn).filter((a): a is ParsedArn => a !== undefined);
}

export function consoleLinkFor(resource: { type: string; values: Record<string, unknown> }, ctx: ConsoleLinkContext): ConsoleLink {
  try {
    return linkFor(resource, ctx);
  } catch {
    const arn = str(resource.values?.arn);
    return arn ? { arn } : {};
  }
}

function linkFor(resource: { type: string; values: Values }, ctx: ConsoleLinkContext): ConsoleLink {
  const values: Values = resource.values ?? {};
  const stateArn = str(values.arn);
  const type = Object.hasOwn(ALIASES, resource.type) ? ALIASES[resource.type]! : resource.type;
  const spec = Object.hasOwn(SPECS, type) ? SPECS[type] : undefined;
  if (!spec) return stateArn ? { arn: stateArn } : {};

  const arns = arnsIn(values);
  const ownArn = parseArn(stateArn) ?? parseArn(values.id);
  const partition = ctx.partition || ownArn?.partition || arns[0]?.partition || partitionForRegion(ctx.region || ownArn?.region || '');
  const region = ctx.region || ownArn?.region || '';
  const account =
    [ctx.accountId, ...arns.map((a) => a.account), values.owner_id, values.registry_id, values.account_id]
      .map(str)
      .find((a) => a !== undefined && ACCOUNT.test(a));

  // Where the Terraform id is an ARN (topics, policies, load balancers, ECS, secrets, ...), it is this resource's ARN.
  let arn = stateArn ?? (ownArn ? str(values.id) : undefined);
  if (!arn && spec.arn) {
    const [svc, scope, res, keys] = spec.arn;
    const name = pick(values, keys ?? spec.id.filter((k) => k !== 'arn'));
    const needsRegion = scope.includes('r');
    const needsAccount = scope.includes('a');
    const built = name && res(name, values);
    if (built && (!needsRegion || region) && (!needsAccount || account)) {
      arn = `arn:${partition}:${svc}:${needsRegion ? region : ''}:${needsAccount ? account : ''}:${built}`;
    }
  }

  const link: ConsoleLink = arn ? { arn } : {};
  const id = pick(arn ? { ...values, arn } : values, spec.id);
  const host = CONSOLE_HOSTS[partition];
  if (id && host && (spec.global || region)) {
    const path = spec.url(id, { v: values, region, ...(account ? { account } : {}) });
    if (path) link.consoleUrl = `https://${host}${path}`;
  }
  return link;
}
