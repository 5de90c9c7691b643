import type { FaberConfig } from '../core/config/schema.js';
import { NeedsHumanError, OperationError, UsageError } from '../core/errors.js';
import { ecsServiceOf, parseArn } from '../handlers/hosting/aws/arn.js';
import type { TaggedResource } from '../handlers/hosting/types.js';
import { isProviderCallError } from '../handlers/hosting/failures.js';
import { readRegistry, type RegistryResource } from '../registry/registry.js';
import { problemFor } from './problems.js';
import { step, warning, type EventSink } from '../core/events.js';
import type { OpsSession } from './session.js';

/** What ops does with a resource: the kinds it has checks or logs for. */
export type OpsKind = 'lambda' | 'ecs-service' | 'dynamodb-table' | 'sqs-queue' | 'api-gateway-rest' | 'api-gateway-http' | 'log-group' | 'alarm' | 'other';

/** A deployed resource as the ops commands see it, from the registry or the provider's tag index. */
export interface OpsResource {
  /** Registry address, or the ARN for a resource found by tag. */
  key: string;
  address: string | null;
  /** IaC resource type (aws_lambda_function), or `service:type` from the ARN for tagged ones. */
  type: string;
  kind: OpsKind;
  /** The provider's name: function, table, queue, log group, ECS service, alarm; the id for APIs. */
  name: string;
  arn: string | null;
  tags: Record<string, string>;
  /** ECS: the cluster the service runs in. */
  cluster?: string;
  /** SQS: the queue URL when the registry knows it. */
  url?: string;
  /** API Gateway REST APIs: the API's name (CloudWatch's ApiName), when known from a Name tag. */
  apiName?: string;
  /** Registry only: the deployment that last changed the resource, and when. */
  deploymentId: string | null;
  updatedAt: string | null;
}

const REGISTRY_KINDS: Record<string, OpsKind> = {
  aws_lambda_function: 'lambda',
  aws_ecs_service: 'ecs-service',
  aws_dynamodb_table: 'dynamodb-table',
  aws_sqs_queue: 'sqs-queue',
  aws_api_gateway_rest_api: 'api-gateway-rest',
  aws_apigatewayv2_api: 'api-gateway-http',
  aws_cloudwatch_log_group: 'log-group',
  aws_cloudwatch_metric_alarm: 'alarm',
};

const lastSegment = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** `arn:aws:ecs:r:a:service/cluster/name` (or the old `service/name`, in the default cluster). */
function ecsServiceIn(text: string | null): { cluster: string; service: string } | undefined {
  const ecs = ecsServiceOf(text);
  return ecs && { cluster: ecs.cluster ?? 'default', service: ecs.service };
}

export function fromRegistry(r: RegistryResource): OpsResource {
  const kind = REGISTRY_KINDS[r.type] ?? 'other';
  const base: OpsResource = { key: r.address, address: r.address, type: r.type, kind, name: r.id ?? r.name, arn: r.arn, tags: r.tags, deploymentId: r.deployment_id, updatedAt: r.updated_at };
  switch (kind) {
    case 'ecs-service': {
      const ecs = ecsServiceIn(r.id) ?? ecsServiceIn(r.arn);
      return ecs ? { ...base, name: ecs.service, cluster: ecs.cluster } : base;
    }
    case 'sqs-queue': {
      const url = r.id && /^https?:\/\//.test(r.id) ? r.id : undefined;
      const name = url ? lastSegment(url) : r.arn ? (parseArn(r.arn)?.resource ?? r.name) : (r.id ?? r.name);
      return { ...base, name, ...(url ? { url } : {}) };
    }
    case 'api-gateway-rest':
      return { ...base, ...(r.tags.Name ? { apiName: r.tags.Name } : {}) };
    default:
      return base;
  }
}

/** A resource found through the tag index: its kind and name come from the ARN. */
export function fromTagged(t: TaggedResource): OpsResource {
  const parsed = parseArn(t.arn);
  const service = parsed?.service ?? '';
  const rest = parsed?.resource ?? '';
  const base = { key: t.arn, address: null, arn: t.arn, tags: t.tags, deploymentId: null, updatedAt: null };
  const other = (type: string): OpsResource => ({ ...base, type, kind: 'other', name: lastSegment(rest) });
  switch (service) {
    case 'lambda': {
      const m = /^function:([^:]+)/.exec(rest);
      return m ? { ...base, type: 'lambda:function', kind: 'lambda', name: m[1] as string } : other('lambda');
    }
    case 'ecs': {
      const ecs = ecsServiceIn(t.arn);
      return ecs ? { ...base, type: 'ecs:service', kind: 'ecs-service', name: ecs.service, cluster: ecs.cluster } : other(`ecs:${rest.split('/')[0]}`);
    }
    case 'dynamodb': {
      const m = /^table\/([^/]+)$/.exec(rest);
      return m ? { ...base, type: 'dynamodb:table', kind: 'dynamodb-table', name: m[1] as string } : other('dynamodb');
    }
    case 'sqs':
      return { ...base, type: 'sqs:queue', kind: 'sqs-queue', name: rest };
    case 'logs': {
      const m = /^log-group:(.+?)(?::\*)?$/.exec(rest);
      return m ? { ...base, type: 'logs:log-group', kind: 'log-group', name: m[1] as string } : other('logs');
    }
    case 'cloudwatch': {
      const m = /^alarm:(.+)$/.exec(rest);
      return m ? { ...base, type: 'cloudwatch:alarm', kind: 'alarm', name: m[1] as string } : other('cloudwatch');
    }
    case 'apigateway': {
      const rest_ = /^\/restapis\/([^/]+)$/.exec(rest);
      if (rest_) return { ...base, type: 'apigateway:restapi', kind: 'api-gateway-rest', name: rest_[1] as string, ...(t.tags.Name ? { apiName: t.tags.Name } : {}) };
      const http = /^\/apis\/([^/]+)$/.exec(rest);
      if (http) return { ...base, type: 'apigateway:api', kind: 'api-gateway-http', name: http[1] as string };
      return other('apigateway');
    }
    default:
      return other(service);
  }
}

// ---------------------------------------------------------------------------------------------
// Services

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface ServiceMatcher {
  /** The service a resource belongs to, or null when neither its tag nor its name says. */
  serviceOf(resource: OpsResource): string | null;
  matches(resource: OpsResource, service: string): boolean;
}

/**
 * How a resource is matched to a service (documented in docs/OPS.md):
 * 1. its service tag (ops.logs.service_tag, default `Service`; key compared case-insensitively)
 *    decides when present;
 * 2. otherwise the `{resource}` part of its name under the project's naming pattern
 *    (`life-core-test-api-handler` -> `api-handler`, log groups by their last path segment)
 *    matches service S when it is S or begins with `S-` or `S_`;
 * 3. otherwise a registry address inside `module.S` matches S.
 */
export function serviceMatcher(config: FaberConfig, env: string): ServiceMatcher {
  const tagKey = config.ops.logs.service_tag.toLowerCase();
  const source = config.resource_naming.pattern
    .split(/(\{[a-z]+\})/)
    .map((part) => {
      if (part === '{project}') return escapeRe(config.project.name);
      if (part === '{subsystem}') return escapeRe(config.project.subsystem);
      if (part === '{environment}') return escapeRe(env);
      if (part === '{resource}') return '(?<resource>.+)';
      return escapeRe(part);
    })
    .join('');
  const pattern = new RegExp(`^${source}$`, 'i');
  const tagOf = (r: OpsResource) => Object.entries(r.tags).find(([k]) => k.toLowerCase() === tagKey)?.[1];
  const resourcePart = (r: OpsResource): string | undefined => {
    for (const candidate of [r.name, lastSegment(r.name)]) {
      const part = pattern.exec(candidate)?.groups?.resource;
      if (part) return part;
    }
    return undefined;
  };
  const moduleOf = (r: OpsResource) => (r.address ? /^module\.([^.[]+)/.exec(r.address)?.[1] : undefined);
  return {
    serviceOf(r) {
      const tag = tagOf(r);
      if (tag) return tag;
      const part = resourcePart(r);
      if (part) return part.split(/[-_]/)[0] ?? part;
      return moduleOf(r) ?? null;
    },
    matches(r, service) {
      const wanted = service.toLowerCase();
      const tag = tagOf(r);
      if (tag !== undefined) return tag.toLowerCase() === wanted;
      const part = resourcePart(r)?.toLowerCase();
      if (part && (part === wanted || part.startsWith(`${wanted}-`) || part.startsWith(`${wanted}_`))) return true;
      return moduleOf(r)?.toLowerCase() === wanted;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The environment's resources

export interface EnvironmentResources {
  source: 'registry' | 'tags';
  /** Registry file (relative to the project root), when the registry was used. */
  registry: string | null;
  resources: OpsResource[];
}

/**
 * The environment's resources from its registry (what the last deploy recorded); when there is
 * no registry or it is empty, the resources tagged Project/Environment in the provider.
 */
export async function environmentResources(session: OpsSession, report: EventSink): Promise<EnvironmentResources> {
  const { view } = session;
  const file = view.envPaths.registryFile;
  const registry = await readRegistry(file, view.display(file));
  if (registry && registry.resources.length > 0) return { source: 'registry', registry: view.display(file), resources: registry.resources.map(fromRegistry) };
  const tags = { Project: view.config.project.name, Environment: view.name };
  report(step('OPS_STEP', `no resources recorded for '${view.name}': looking for resources tagged Project=${tags.Project}, Environment=${tags.Environment}`));
  let tagged: TaggedResource[];
  try {
    tagged = await session.hosting.resourcesByTags({ profile: session.authorization.profile, region: session.authorization.region, tags });
  } catch (error) {
    throw taggingError(error, view.name);
  }
  return { source: 'tags', registry: null, resources: tagged.map(fromTagged) };
}

/** The tag index is the only source left: a denial names the action and the grant. */
function taggingError(error: unknown, env: string): Error {
  if (!isProviderCallError(error)) return error instanceof Error ? error : new OperationError('E_AWS_TAGGING', String(error));
  if (error.failure.reason === 'permission-denied') {
    const problem = problemFor(error.failure, env, 'the environment\'s resources', 'faber-cloud ops finds the environment\'s resources by tag');
    return new NeedsHumanError('E_OPS_PERMISSION_DENIED', `${problem.message}: cannot find the resources of '${env}' by tag (there is no registry to read)`, {
      hint: `deploy with faber-cloud first (it records the registry), or grant it: ${problem.grant}`,
      details: { problem, failure: error.failure },
    });
  }
  return new OperationError('E_AWS_TAGGING', `listing resources by tag failed: ${error.failure.message}`, { cause: error, details: { failure: error.failure } });
}

/** Only the resources of one service; a service that matches nothing is a usage error naming the known ones. */
export function selectService(resources: readonly OpsResource[], matcher: ServiceMatcher, service: string | undefined, env: string): OpsResource[] {
  if (!service) return [...resources];
  const chosen = resources.filter((r) => matcher.matches(r, service));
  if (chosen.length === 0) {
    const known = knownServices(resources, matcher);
    throw new UsageError(`no resource of '${env}' belongs to service '${service}'`, {
      code: 'E_USAGE_UNKNOWN_SERVICE',
      hint: known.length ? `services found: ${known.join(', ')}` : 'tag resources with Service=<name>, or name them by the naming pattern ({resource} part)',
    });
  }
  return chosen;
}

export function knownServices(resources: readonly OpsResource[], matcher: ServiceMatcher): string[] {
  return [...new Set(resources.map((r) => matcher.serviceOf(r)).filter((s): s is string => Boolean(s)))].sort();
}

/** Log groups of some resources: log group resources, and `/aws/lambda/<fn>` of each function. */
export function logGroupsOf(resources: readonly OpsResource[]): string[] {
  const groups = new Set<string>();
  for (const r of resources) {
    if (r.kind === 'log-group') groups.add(r.name);
    if (r.kind === 'lambda') groups.add(`/aws/lambda/${r.name}`);
  }
  return [...groups].sort();
}
