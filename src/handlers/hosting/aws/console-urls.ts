// Console deep links and ARNs for Terraform- and CloudFormation-managed AWS resources.
// Why: the resource registry and DEPLOYED.md show a console link (and the ARN) for every resource so
// a human can jump straight to it. Everything here is partition-aware (ARNs in every partition,
// from ./partition.ts; links only where link2aws knows the console: aws, aws-cn, aws-us-gov), is
// computed only from state values plus context (no AWS calls), never invents an account id, and
// never throws: unknown types or missing identifiers simply yield fewer fields.
//
// The ARN -> URL mapping comes from link2aws (ISC), which knows the console page of many ARN
// types. This file adds only what is Terraform-specific (where a type's ARN lives in state, or how
// to build it when state has none) and URL overrides for the types link2aws has no template for or
// gets wrong. Any other ARN falls back to the console's generic `go/view?arn=` resolver.

import { neutralType } from '../../iac/cloudformation/resource-types.js';
import link2aws from 'link2aws';
import { ACCOUNT_ID, parseArn, type Arn } from './arn.js';
import { partitionForRegion } from './partition.js';

const { ARN } = link2aws;

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

/** What an override URL builder gets besides the identifier. */
interface Ctx {
  v: Values;
  region: string;
}

/** A console URL built here instead of by link2aws. */
interface Override {
  /** State attributes tried in order for the console identifier; `arn` means the resolved ARN. */
  id: string[];
  /** Console path (with query/fragment) relative to the partition's console host; undefined = no link. */
  url: (id: string, c: Ctx) => string | undefined;
  /** The console page is global (no region in the URL). */
  global?: true;
}

interface Spec {
  /**
   * Builds the ARN when state has none: [service, scope (r = region, a = account), resource, name attributes].
   * Omitted where the ARN cannot be derived (random suffixes, UUIDs): state always carries those.
   */
  arn?: [svc: string, scope: '' | 'r' | 'a' | 'ra', res: (name: string, v: Values) => string | undefined, keys: string[]];
  /** Attribute holding the resource's own ARN when it is not `arn`. */
  arnAttr?: string;
  /** Only for types where link2aws has no link or a wrong one; the comment on each says which. */
  override?: Override;
}

const e = encodeURIComponent;
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
const pick = (v: Values, keys: string[]) => keys.map((k) => str(v[k])).find((s) => s !== undefined);
const lastSegment = (s: string | undefined) => s?.split('/').pop() || undefined;
const iamPath = (v: Values) => str(v.path) ?? '/';
const eventBus = (v: Values) => lastSegment(str(v.event_bus_name)) ?? 'default';

/** `/SERVICE/home?region=R#PREFIX<encoded id>`, the form most regional consoles accept. */
const home = (svc: string, prefix: string) => (id: string, c: Ctx) => `/${svc}/home?region=${e(c.region)}#${prefix}${e(id)}`;
const vpc = (prefix: string) => ({ id: ['id'], url: home('vpcconsole', prefix) });
const q = (c: Ctx) => `region=${e(c.region)}`;
const ec2Arn = (kind: string): Spec['arn'] => ['ec2', 'ra', (n) => `${kind}/${n}`, ['id']];
const iamArn = (kind: string, keys = ['name', 'id']): Spec['arn'] => ['iam', 'a', (n, v) => `${kind}${iamPath(v)}${n}`, keys];

const SPECS: Record<string, Spec> = {
  // --- link2aws builds the URL; only the ARN recipe is ours -------------------------------------
  aws_s3_bucket: { arn: ['s3', '', (n) => n, ['bucket', 'id']] },
  aws_dynamodb_table: { arn: ['dynamodb', 'ra', (n) => `table/${n}`, ['name', 'id']] },
  aws_lambda_function: { arn: ['lambda', 'ra', (n) => `function:${n}`, ['function_name', 'id']] },
  aws_iam_role: { arn: iamArn('role') },
  aws_iam_group: { arn: iamArn('group') },
  // A policy's Terraform id is its ARN.
  aws_iam_policy: { arn: iamArn('policy', ['name']) },
  // A topic's Terraform id is its ARN.
  aws_sns_topic: { arn: ['sns', 'ra', (n) => n, ['name']] },
  // link2aws writes the console's double encoding (`/` -> `$252F`, `#` -> `$2523`) and drops a `:*` suffix.
  aws_cloudwatch_log_group: { arn: ['logs', 'ra', (n) => `log-group:${n}`, ['name', 'id']] },
  aws_instance: { arn: ec2Arn('instance') },
  aws_vpc: { arn: ec2Arn('vpc') },
  aws_subnet: { arn: ec2Arn('subnet') },
  aws_security_group: { arn: ec2Arn('security-group') },
  aws_lb: {},
  aws_autoscaling_group: {},
  // Newer providers set id to the `db-…` resource id; the ARN uses the identifier.
  aws_db_instance: { arn: ['rds', 'ra', (n) => `db:${n}`, ['identifier']] },
  aws_rds_cluster: { arn: ['rds', 'ra', (n) => `cluster:${n}`, ['cluster_identifier', 'id']] },
  // Cluster and service ids are their ARNs.
  aws_ecs_cluster: { arn: ['ecs', 'ra', (n) => `cluster/${n}`, ['name']] },
  aws_ecs_service: {
    arn: [
      'ecs',
      'ra',
      (n, v) => {
        const cluster = lastSegment(str(v.cluster));
        return cluster && `service/${cluster}/${n}`;
      },
      ['name'],
    ],
  },
  aws_ecr_repository: { arn: ['ecr', 'ra', (n) => `repository/${n}`, ['name']] },
  aws_eks_cluster: { arn: ['eks', 'ra', (n) => `cluster/${n}`, ['name', 'id']] },
  aws_kms_key: { arn: ['kms', 'ra', (n) => `key/${n}`, ['key_id', 'id']] },
  // The ARN ends in a random suffix, so it is never built; the Terraform id is the ARN.
  aws_secretsmanager_secret: {},
  aws_api_gateway_rest_api: { arn: ['apigateway', 'r', (n) => `/restapis/${n}`, ['id']] },
  aws_cloudfront_distribution: { arn: ['cloudfront', 'a', (n) => `distribution/${n}`, ['id']] },
  aws_route53_zone: { arn: ['route53', '', (n) => `hostedzone/${n}`, ['zone_id', 'id']] },
  // The Terraform id is the ARN.
  aws_sfn_state_machine: { arn: ['states', 'ra', (n) => `stateMachine:${n}`, ['name']] },
  // link2aws hard-codes the aws host here; elsewhere its link is refused and go/view used (see libraryLink).
  aws_kinesis_stream: { arn: ['kinesis', 'ra', (n) => `stream/${n}`, ['name']] },
  // The Terraform id is the ARN.
  aws_acm_certificate: {},

  // --- overrides -----------------------------------------------------------------------------
  aws_iam_user: {
    arn: iamArn('user'),
    // link2aws puts the IAM path into the page (`#/users/svc/name`), which is wrong for users with a path.
    override: { id: ['name', 'id'], global: true, url: (id) => `/iam/home#/users/details/${e(id)}` },
  },
  aws_sqs_queue: {
    arn: ['sqs', 'ra', (n) => n, ['name']],
    // link2aws rebuilds the queue URL with an `amazonaws.com` host (wrong in aws-cn, `amazonaws.com.cn`);
    // state has the real URL (also the id), which the console wants encoded.
    override: { id: ['url', 'id'], url: home('sqs/v3', '/queues/') },
  },
  aws_cloudwatch_metric_alarm: {
    arn: ['cloudwatch', 'ra', (n) => `alarm:${n}`, ['alarm_name', 'id']],
    // link2aws: no template for cloudwatch alarms.
    override: { id: ['alarm_name', 'id'], url: home('cloudwatch', 'alarmsV2:alarm/') },
  },
  aws_cloudwatch_dashboard: {
    arn: ['cloudwatch', 'a', (n) => `dashboard/${n}`, ['dashboard_name', 'id']],
    arnAttr: 'dashboard_arn',
    // link2aws: no template for cloudwatch dashboards.
    override: { id: ['dashboard_name', 'id'], url: home('cloudwatch', 'dashboards/dashboard/') },
  },
  aws_cloudwatch_event_rule: {
    arn: ['events', 'ra', (n, v) => (eventBus(v) === 'default' ? `rule/${n}` : `rule/${eventBus(v)}/${n}`), ['name']],
    // link2aws: no template for EventBridge rules.
    override: { id: ['name'], url: (id, c) => `/events/home?${q(c)}#/eventbus/${e(eventBus(c.v))}/rules/${e(id)}` },
  },
  aws_internet_gateway: {
    arn: ec2Arn('internet-gateway'),
    // link2aws: no template for ec2 internet-gateway.
    override: vpc('InternetGateway:internetGatewayId='),
  },
  aws_nat_gateway: {
    // link2aws has a template, but NAT gateway state carries neither an ARN nor an account id,
    // so it could only be asked when ctx.accountId is given; the page needs just the id.
    arn: ec2Arn('natgateway'),
    override: vpc('NatGatewayDetails:natGatewayId='),
  },
  aws_route_table: {
    arn: ec2Arn('route-table'),
    // link2aws: no template for ec2 route-table.
    override: vpc('RouteTableDetails:RouteTableId='),
  },
  aws_eip: {
    arn: ['ec2', 'ra', (n) => `elastic-ip/${n}`, ['allocation_id', 'id']],
    // link2aws only knows `eip-allocation/…`; real EIP ARNs are `elastic-ip/eipalloc-…`.
    override: { id: ['allocation_id', 'id'], url: home('ec2', 'ElasticIpDetails:AllocationId=') },
  },
  aws_lb_target_group: {
    // link2aws prefixes the account id to the console host (`123….us-east-1.console…`), which does not resolve.
    override: { id: ['arn', 'id'], url: home('ec2', 'TargetGroup:targetGroupArn=') },
  },
  aws_ssm_parameter: {
    arn: ['ssm', 'ra', (n) => `parameter/${n.replace(/^\//, '')}`, ['name', 'id']],
    // link2aws: no template for ssm parameters. The console wants the name double-encoded
    // (`/` -> `%252F`); a single `%2F` is rejected.
    override: { id: ['name', 'id'], url: (id, c) => `/systems-manager/parameters/${e(e(id))}/description?${q(c)}` },
  },
  aws_apigatewayv2_api: {
    arn: ['apigateway', 'r', (n) => `/apis/${n}`, ['id']],
    // link2aws only knows REST APIs (`/restapis/…`), not HTTP/WebSocket APIs (`/apis/…`).
    override: { id: ['id'], url: (id, c) => `/apigateway/main/api-detail?api=${e(id)}&${q(c)}` },
  },
  aws_elasticache_cluster: {
    arn: ['elasticache', 'ra', (n) => `cluster:${n}`, ['cluster_id', 'id']],
    // link2aws: elasticache unknown. The page depends on the engine.
    override: {
      id: ['cluster_id', 'id'],
      url: (id, c) => home('elasticache', `/${c.v.engine === 'memcached' ? 'memcached' : 'redis'}/`)(id, c),
    },
  },
  aws_efs_file_system: {
    arn: ['elasticfilesystem', 'ra', (n) => `file-system/${n}`, ['id']],
    // link2aws: no template for elasticfilesystem file-system.
    override: { id: ['id'], url: home('efs', '/file-systems/') },
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

/**
 * CloudFormation resource types linked through the spec of their neutral (Terraform) type (the
 * correspondence is ../../iac/cloudformation/resource-types.ts): those whose page and ARN the spec
 * builds from `{ id: <physical id>, arn }` alone (the ARN from arn.ts).
 */
const LINKED_CLOUDFORMATION_TYPES = new Set([
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::SNS::Topic',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::SQS::Queue',
  'AWS::KMS::Key',
  'AWS::ECS::Cluster',
  'AWS::Events::Rule',
  'AWS::SSM::Parameter',
  'AWS::Kinesis::Stream',
  'AWS::ECR::Repository',
  'AWS::CloudWatch::Alarm',
  'AWS::StepFunctions::StateMachine',
]);

/** Resource types with a specific console link (exported for tests and docs). */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(SPECS);

/** The subset whose URL is built here rather than by link2aws (exported for tests). */
export const OVERRIDDEN_TYPES: readonly string[] = Object.keys(SPECS).filter((t) => SPECS[t]!.override);

// Console hosts are link2aws's (its `console` getter, which throws for partitions it has no
// console for): one table, not a second copy here.
const consoleOf = Object.getOwnPropertyDescriptor(ARN.prototype, 'console')?.get;

/** link2aws's answer per partition (a handful per process; capped, as partitions come from state). */
const consoleHosts = new Map<string, string | undefined>();

/** The console host of a partition, or undefined (isolated partitions, names like 'constructor'). */
function consoleHost(partition: string | undefined): string | undefined {
  if (partition === undefined || !consoleOf) return undefined;
  if (consoleHosts.has(partition)) return consoleHosts.get(partition);
  let host: string | undefined;
  try {
    const answer: unknown = consoleOf.call({ partition });
    host = typeof answer === 'string' ? answer : undefined;
  } catch {
    host = undefined;
  }
  if (consoleHosts.size < 64) consoleHosts.set(partition, host);
  return host;
}

/** ARN-like values in state: `arn` and `id` first, then any other top-level string. */
function arnsIn(values: Values): Arn[] {
  const ordered = [values.arn, values.id, ...Object.entries(values).filter(([k]) => k !== 'arn' && k !== 'id').map(([, x]) => x)];
  return ordered.map(parseArn).filter((a): a is Arn => a !== undefined);
}

// --- link2aws, one template table --------------------------------------------------------------
// link2aws's `ARN` constructor builds its whole template table (~1,000 closures over the instance)
// for every ARN: ~100 ms of a 5,000-resource registry build (docs/PERFORMANCE.md). The wrapper
// below keeps link2aws's parser and templates and builds the table once: `Parsed` runs the real
// constructor (all its checks) but reuses the table of one `cursor` instance, whose fields are then
// set to the parsed ARN's, so the table's closures read them. Synchronous, so one cursor is safe.
// test/unit/console-urls.test.ts pins `link2awsLink(arn)` to `new ARN(arn).consoleLink` on every
// supported type, every partition and 10,000 random ARN-like strings; the version is pinned exactly.
const cursor = new ARN('arn:aws:s3:::cursor');
class Parsed extends ARN {
  override _getLinkTemplates(): InstanceType<typeof ARN>['_linkTemplates'] {
    return cursor._linkTemplates;
  }
}

/**
 * `new ARN(arn).consoleLink` without rebuilding link2aws's template table; throws where it does
 * (exported for tests).
 */
export function link2awsLink(arn: string): string | null | undefined {
  Object.assign(cursor, new Parsed(arn));
  return cursor.consoleLink;
}

/**
 * link2aws's URL for an ARN, or undefined when it has none (it throws for unknown services and
 * types, some templates return null). A link must stay on the ARN's partition console (link2aws
 * hard-codes the aws host for a few types) and have no empty path segment (a template fed an ARN
 * it did not expect, such as an old-format ECS service ARN without the cluster).
 */
function libraryLink(arn: string, parsed: Arn | undefined): string | undefined {
  try {
    const host = consoleHost(parsed?.partition);
    if (!host) return undefined;
    const url = link2awsLink(arn);
    if (typeof url !== 'string') return undefined;
    const u = new URL(url);
    const onHost = u.hostname === host || u.hostname.endsWith(`.${host}`);
    return u.protocol === 'https:' && onHost && !u.pathname.includes('//') ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The console's generic resolver: opens the resource page for any ARN the console knows. */
function goView(arn: string): string | undefined {
  const host = consoleHost(parseArn(arn)?.partition);
  return host && `https://${host}/go/view?arn=${e(arn)}`;
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
  const type = Object.hasOwn(ALIASES, resource.type)
    ? ALIASES[resource.type]!
    : LINKED_CLOUDFORMATION_TYPES.has(resource.type)
      ? neutralType(resource.type)
      : resource.type;
  const spec = Object.hasOwn(SPECS, type) ? SPECS[type] : undefined;
  const stateArn = str(values.arn) ?? (spec?.arnAttr ? str(values[spec.arnAttr]) : undefined);
  if (!spec) {
    if (!stateArn) return {};
    const consoleUrl = libraryLink(stateArn, parseArn(stateArn)) ?? goView(stateArn);
    return consoleUrl ? { arn: stateArn, consoleUrl } : { arn: stateArn };
  }

  // The ARNs in values (and the account) are looked for only where needed (performance).
  let arnsCache: Arn[] | undefined;
  const arns = () => (arnsCache ??= arnsIn(values));
  const stateParsed = parseArn(stateArn);
  const ownArn = stateParsed ?? parseArn(values.id);
  const partition = ctx.partition || ownArn?.partition || arns()[0]?.partition || (partitionForRegion(ctx.region || ownArn?.region) ?? 'aws');
  const region = ctx.region || ownArn?.region || '';
  const accountFor = () =>
    [ctx.accountId, ...arns().map((a) => a.accountId), values.owner_id, values.registry_id, values.account_id]
      .map(str)
      .find((a) => a !== undefined && ACCOUNT_ID.test(a));

  // Where the Terraform id is an ARN (topics, policies, load balancers, ECS, secrets, ...), it is this resource's ARN.
  let arn = stateArn ?? (parseArn(values.id) ? str(values.id) : undefined);
  if (!arn && spec.arn) {
    const [svc, scope, res, keys] = spec.arn;
    const name = pick(values, keys);
    const needsRegion = scope.includes('r');
    const needsAccount = scope.includes('a');
    const built = name && res(name, values);
    const account = built && (!needsRegion || region) && needsAccount ? accountFor() : undefined;
    if (built && (!needsRegion || region) && (!needsAccount || account)) {
      arn = `arn:${partition}:${svc}:${needsRegion ? region : ''}:${needsAccount ? account : ''}:${built}`;
    }
  }

  let consoleUrl: string | undefined;
  const o = spec.override;
  if (o) {
    // An override replaces link2aws for its type.
    const id = pick(arn ? { ...values, arn } : values, o.id);
    const host = consoleHost(partition);
    if (id && host && (o.global || region)) {
      const path = o.url(id, { v: values, region });
      if (path) consoleUrl = `https://${host}${path}`;
    }
  } else if (arn) {
    // The ARN was parsed already when it is state's (performance: one split of each ARN, not three).
    consoleUrl = libraryLink(arn, arn === stateArn ? stateParsed : parseArn(arn));
  }
  if (!consoleUrl && arn) consoleUrl = goView(arn);

  const link: ConsoleLink = arn ? { arn } : {};
  if (consoleUrl) link.consoleUrl = consoleUrl;
  return link;
}
