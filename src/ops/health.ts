/**
 * `ops check-health`: status per resource from alarms, metrics, container-service and queue
 * state, against the thresholds in devops.json (ops.health). Planning the reads and judging
 * the answers are pure functions; `checkHealth` makes the calls in between. Never prints.
 */
import type { OpsConfig } from '../core/config/schema.js';
import type { Alarm, ContainerServiceState, MetricQuery, MetricValue, QueueState } from '../handlers/hosting/monitoring.js';
import { problemOf, type OpsProblem } from './problems.js';
import { environmentResources, selectService, serviceMatcher, type OpsKind, type OpsResource } from './resources.js';
import { step, warning, type EventSink } from '../core/events.js';
import type { OpsSession } from './session.js';
import type { OpsWindow } from './window.js';

export type HealthStatus = 'healthy' | 'degraded' | 'down' | 'unknown';
export type FindingLevel = 'ok' | 'notice' | 'degraded' | 'down' | 'unknown';
export type HealthThresholds = OpsConfig['health'];

export interface Finding {
  check: string;
  level: FindingLevel;
  message: string;
  value: number | null;
  threshold: number | null;
}

export interface ResourceHealth {
  key: string;
  address: string | null;
  type: string;
  kind: OpsKind;
  name: string;
  service: string | null;
  status: HealthStatus;
  findings: Finding[];
}

export interface HealthReport {
  env: string;
  service: string | null;
  window: { since: string; start: string; end: string };
  source: 'registry' | 'tags';
  registry: string | null;
  status: HealthStatus;
  resources: ResourceHealth[];
  /** Resources with nothing to check (buckets, roles, ...). */
  skipped: number;
  alarms: { in_alarm: number; insufficient_data: number };
  /** Reads that failed: what they left unchecked, and the grant for a missing permission. */
  problems: OpsProblem[];
}

const CHECKED_KINDS: ReadonlySet<OpsKind> = new Set(['lambda', 'ecs-service', 'dynamodb-table', 'sqs-queue', 'api-gateway-rest', 'api-gateway-http']);

// ---------------------------------------------------------------------------------------------
// Planning: which metrics each resource needs

interface MetricNeed {
  resource: string;
  role: string;
  query: MetricQuery;
}

const metric = (namespace: string, name: string, dimensions: Record<string, string>, stat: MetricQuery['stat']) => ({ namespace, metric: name, dimensions, stat });

/** The metrics each checked resource is judged by (AWS namespaces; another provider plans its own). */
function metricsFor(r: OpsResource): { role: string; query: Omit<MetricQuery, 'id'> }[] {
  switch (r.kind) {
    case 'lambda': {
      const d = { FunctionName: r.name };
      return [
        { role: 'errors', query: metric('AWS/Lambda', 'Errors', d, 'Sum') },
        { role: 'invocations', query: metric('AWS/Lambda', 'Invocations', d, 'Sum') },
        { role: 'throttles', query: metric('AWS/Lambda', 'Throttles', d, 'Sum') },
        { role: 'duration', query: metric('AWS/Lambda', 'Duration', d, 'Average') },
      ];
    }
    case 'dynamodb-table': {
      const d = { TableName: r.name };
      return [
        { role: 'read_throttles', query: metric('AWS/DynamoDB', 'ReadThrottleEvents', d, 'Sum') },
        { role: 'write_throttles', query: metric('AWS/DynamoDB', 'WriteThrottleEvents', d, 'Sum') },
      ];
    }
    case 'sqs-queue':
      return [{ role: 'oldest_age', query: metric('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: r.name }, 'Maximum') }];
    case 'api-gateway-http':
      return [
        { role: 'errors_5xx', query: metric('AWS/ApiGateway', '5xx', { ApiId: r.name }, 'Sum') },
        { role: 'requests', query: metric('AWS/ApiGateway', 'Count', { ApiId: r.name }, 'Sum') },
      ];
    case 'api-gateway-rest':
      if (!r.apiName) return [];
      return [
        { role: 'errors_5xx', query: metric('AWS/ApiGateway', '5XXError', { ApiName: r.apiName }, 'Sum') },
        { role: 'requests', query: metric('AWS/ApiGateway', 'Count', { ApiName: r.apiName }, 'Sum') },
      ];
    default:
      return [];
  }
}

export function planMetrics(resources: readonly OpsResource[]): MetricNeed[] {
  const needs: MetricNeed[] = [];
  for (const r of resources) for (const m of metricsFor(r)) needs.push({ resource: r.key, role: m.role, query: { id: `m${needs.length}`, ...m.query } });
  return needs;
}

// ---------------------------------------------------------------------------------------------
// Judging

/** An alarm is about a resource when its dimensions name it, or it is that alarm resource. */
export function alarmConcerns(alarm: Alarm, r: OpsResource): boolean {
  const d = alarm.dimensions;
  switch (r.kind) {
    case 'lambda':
      return d.FunctionName === r.name || d.FunctionName?.split(':')[0] === r.name;
    case 'dynamodb-table':
      return d.TableName === r.name;
    case 'sqs-queue':
      return d.QueueName === r.name;
    case 'ecs-service':
      return d.ServiceName === r.name && (!d.ClusterName || d.ClusterName === r.cluster);
    case 'api-gateway-rest':
      return r.apiName !== undefined && d.ApiName === r.apiName;
    case 'api-gateway-http':
      return d.ApiId === r.name;
    case 'log-group':
      return d.LogGroupName === r.name;
    case 'alarm':
      return alarm.name === r.name;
    default:
      return false;
  }
}

export interface Observations {
  /** null: the alarms could not be read. */
  alarms: Alarm[] | null;
  metrics: { needs: MetricNeed[]; values: MetricValue[] | null };
  ecs: ContainerServiceState[] | null;
  queues: QueueState[] | null;
}

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toString()}%`;
const finding = (check: string, level: FindingLevel, message: string, value: number | null = null, threshold: number | null = null): Finding => ({ check, level, message, value, threshold });

/** Errors against the calls that carried them: down / degraded / ok by rate. */
function rateFinding(check: string, what: string, errors: number | null, total: number | null, degradedAt: number, downAt: number): Finding {
  if (errors === null || errors === 0) return finding(check, 'ok', `no ${what}${total ? ` in ${total} requests` : ''}`, errors ?? 0, degradedAt);
  const rate = errors / Math.max(total ?? 0, errors);
  const level: FindingLevel = rate >= downAt ? 'down' : rate >= degradedAt ? 'degraded' : 'ok';
  return finding(check, level, `${errors} ${what} in ${Math.max(total ?? 0, errors)} requests (${pct(rate)}; degraded at ${pct(degradedAt)}, down at ${pct(downAt)})`, rate, level === 'down' ? downAt : degradedAt);
}

/** A count that degrades the resource from `threshold` on; `detail` says what it is made of. */
function atLeast(check: string, what: string, value: number | null, threshold: number, detail = ''): Finding {
  const v = value ?? 0;
  if (v === 0) return finding(check, 'ok', `no ${what}`, 0, threshold);
  return finding(check, v >= threshold ? 'degraded' : 'ok', `${v} ${what}${detail}${v >= threshold ? ` (degraded at ${threshold})` : ''}`, v, threshold);
}

const isDeadLetterName = (name: string) => /(?:[-_.]dlq|[-_.]dead-?letter(?:-queue)?)$/i.test(name);

export function resourceStatus(findings: readonly Finding[]): HealthStatus {
  if (findings.some((f) => f.level === 'down')) return 'down';
  if (findings.some((f) => f.level === 'degraded')) return 'degraded';
  if (findings.some((f) => f.level === 'unknown')) return 'unknown';
  return 'healthy';
}

/** The worst resource decides; a read that failed keeps the environment from being called healthy. */
export function overallStatus(resources: readonly { status: HealthStatus }[], problems: readonly OpsProblem[]): HealthStatus {
  const statuses = new Set(resources.map((r) => r.status));
  if (statuses.has('down')) return 'down';
  if (statuses.has('degraded')) return 'degraded';
  if (statuses.has('unknown') || problems.length > 0 || resources.length === 0) return 'unknown';
  return 'healthy';
}

/** Findings per resource. Pure: the same observations always give the same report. */
export function judge(resources: readonly OpsResource[], observations: Observations, thresholds: HealthThresholds, serviceOf: (r: OpsResource) => string | null): ResourceHealth[] {
  const values = new Map((observations.metrics.values ?? []).map((v) => [v.id, v]));
  const metricOf = (r: OpsResource, role: string): number | null => {
    const need = observations.metrics.needs.find((n) => n.resource === r.key && n.role === role);
    return need ? (values.get(need.query.id)?.value ?? null) : null;
  };
  const metricsRead = observations.metrics.values !== null;
  const queueByName = new Map((observations.queues ?? []).map((q) => [q.name, q]));
  const deadLetterTargets = new Map<string, string>();
  for (const q of observations.queues ?? []) if (q.deadLetterTargetArn) deadLetterTargets.set(q.deadLetterTargetArn, q.name);

  const out: ResourceHealth[] = [];
  const alarmsUsed = new Set<string>();
  const checked = resources.filter((r) => CHECKED_KINDS.has(r.kind));
  const alarmsFor = (r: OpsResource) => (observations.alarms ?? []).filter((a) => alarmConcerns(a, r));

  for (const r of checked) {
    const findings: Finding[] = [];
    for (const a of alarmsFor(r)) {
      alarmsUsed.add(a.name);
      findings.push(alarmFinding(a, thresholds));
    }
    if (observations.alarms === null) findings.push(finding('alarms', 'unknown', 'alarms not read'));
    const lacksMetrics = () => findings.push(finding('metrics', 'unknown', 'metrics not read'));
    switch (r.kind) {
      case 'lambda': {
        if (!metricsRead) {
          lacksMetrics();
          break;
        }
        const t = thresholds.lambda;
        findings.push(rateFinding('lambda.errors', 'errors', metricOf(r, 'errors'), metricOf(r, 'invocations'), t.error_rate_degraded, t.error_rate_down));
        findings.push(atLeast('lambda.throttles', 'throttles', metricOf(r, 'throttles'), t.throttles_degraded));
        const duration = metricOf(r, 'duration');
        if (duration !== null) {
          const slow = duration > t.duration_ms_degraded;
          findings.push(finding('lambda.duration', slow ? 'degraded' : 'ok', `average duration ${Math.round(duration)} ms${slow ? ` (degraded above ${t.duration_ms_degraded} ms)` : ''}`, duration, t.duration_ms_degraded));
        }
        break;
      }
      case 'dynamodb-table': {
        if (!metricsRead) {
          lacksMetrics();
          break;
        }
        const reads = metricOf(r, 'read_throttles');
        const writes = metricOf(r, 'write_throttles');
        const total = reads === null && writes === null ? null : (reads ?? 0) + (writes ?? 0);
        findings.push(atLeast('dynamodb.throttles', 'throttled requests', total, thresholds.dynamodb.throttles_degraded, ` (read ${reads ?? 0}, write ${writes ?? 0})`));
        break;
      }
      case 'sqs-queue': {
        const t = thresholds.sqs;
        const q = queueByName.get(r.name);
        if (observations.queues === null) findings.push(finding('sqs.queue', 'unknown', 'queue attributes not read'));
        else if (!q?.found) findings.push(finding('sqs.queue', 'down', 'queue does not exist'));
        if (metricsRead) {
          const age = metricOf(r, 'oldest_age');
          if (age !== null) {
            const old = age > t.oldest_message_age_seconds_degraded;
            findings.push(finding('sqs.oldest_message_age', old ? 'degraded' : 'ok', `oldest message ${Math.round(age)} s old${old ? ` (degraded above ${t.oldest_message_age_seconds_degraded} s)` : ''}`, age, t.oldest_message_age_seconds_degraded));
          }
        } else lacksMetrics();
        const source = q?.arn ? deadLetterTargets.get(q.arn) : undefined;
        if (q?.found && (source || isDeadLetterName(r.name))) {
          const deep = q.visibleMessages >= t.dlq_messages_degraded;
          findings.push(finding('sqs.dlq_depth', deep ? 'degraded' : 'ok', `dead-letter queue${source ? ` of ${source}` : ''} holds ${q.visibleMessages} messages${deep ? ` (degraded at ${t.dlq_messages_degraded})` : ''}`, q.visibleMessages, t.dlq_messages_degraded));
        }
        break;
      }
      case 'ecs-service': {
        const s = observations.ecs?.find((e) => e.service === r.name && e.cluster === r.cluster);
        if (!r.cluster) findings.push(finding('ecs.tasks', 'unknown', 'cluster unknown: the registry holds no service ARN'));
        else if (observations.ecs === null) findings.push(finding('ecs.tasks', 'unknown', 'service state not read'));
        else if (!s?.found) findings.push(finding('ecs.tasks', 'down', `service not found in cluster ${r.cluster ?? '?'}`));
        else if (s.desired > 0 && s.running === 0) findings.push(finding('ecs.tasks', 'down', `0 of ${s.desired} tasks running${s.pending ? ` (${s.pending} pending)` : ''}`, 0, s.desired));
        else if (s.running < s.desired) findings.push(finding('ecs.tasks', 'degraded', `${s.running} of ${s.desired} tasks running${s.pending ? ` (${s.pending} pending)` : ''}`, s.running, s.desired));
        else findings.push(finding('ecs.tasks', 'ok', `${s.running} of ${s.desired} tasks running`, s.running, s.desired));
        break;
      }
      case 'api-gateway-rest':
      case 'api-gateway-http': {
        if (r.kind === 'api-gateway-rest' && !r.apiName) {
          findings.push(finding('apigateway.5xx', 'notice', "5xx not checked: CloudWatch names REST APIs by name, and this API's name is unknown (tag it Name=<api name>)"));
          break;
        }
        if (!metricsRead) {
          lacksMetrics();
          break;
        }
        const t = thresholds.api_gateway;
        findings.push(rateFinding('apigateway.5xx', '5xx responses', metricOf(r, 'errors_5xx'), metricOf(r, 'requests'), t.error_5xx_rate_degraded, t.error_5xx_rate_down));
        break;
      }
    }
    out.push(health(r, findings, serviceOf));
  }

  // Alarms on other resources of the environment (log groups, or alarms that are resources themselves).
  for (const r of resources) {
    if (CHECKED_KINDS.has(r.kind)) continue;
    const alarms = alarmsFor(r).filter((a) => r.kind !== 'alarm' || !alarmsUsed.has(a.name));
    if (alarms.length === 0) continue;
    for (const a of alarms) alarmsUsed.add(a.name);
    out.push(health(r, alarms.map((a) => alarmFinding(a, thresholds)), serviceOf));
  }
  return out;
}

function alarmFinding(a: Alarm, thresholds: HealthThresholds): Finding {
  const level: FindingLevel = a.state === 'ALARM' ? 'degraded' : a.state === 'INSUFFICIENT_DATA' ? thresholds.alarms.insufficient_data : 'ok';
  const since = a.stateUpdatedAt ? ` since ${a.stateUpdatedAt}` : '';
  return finding(`alarm:${a.name}`, level, `alarm ${a.name} is ${a.state}${since}${a.reason ? `: ${a.reason}` : ''}`);
}

function health(r: OpsResource, findings: Finding[], serviceOf: (r: OpsResource) => string | null): ResourceHealth {
  return { key: r.key, address: r.address, type: r.type, kind: r.kind, name: r.name, service: serviceOf(r), status: resourceStatus(findings), findings };
}

// ---------------------------------------------------------------------------------------------
// The command's work

export interface HealthRequest {
  service?: string | undefined;
  window: OpsWindow;
}

/** Read what the checks need (each read on its own: one failing leaves the others standing), then judge. */
export async function checkHealth(session: OpsSession, request: HealthRequest, report: EventSink): Promise<HealthReport> {
  const { view, monitoring } = session;
  const env = view.name;
  const found = await environmentResources(session, report);
  const matcher = serviceMatcher(view.config, env);
  const resources = selectService(found.resources, matcher, request.service, env);
  const checked = resources.filter((r) => CHECKED_KINDS.has(r.kind));
  const problems: OpsProblem[] = [];
  const attempt = async <T>(affects: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      const problem = problemOf(error, env, affects);
      problems.push(problem);
      report(warning('OPS_WARNING', problem.message));
      return null;
    }
  };

  report(step('OPS_STEP', `checking ${checked.length} resources of '${env}'${request.service ? ` (service ${request.service})` : ''} over ${request.window.since} (${found.source === 'registry' ? found.registry : 'found by tag'})`));
  const needs = planMetrics(checked);
  const ecsWanted = checked.filter((r) => r.kind === 'ecs-service' && r.cluster).map((r) => ({ cluster: r.cluster as string, service: r.name }));
  const queuesWanted = checked.filter((r) => r.kind === 'sqs-queue').map((r) => ({ name: r.name, url: r.url }));
  const [alarms, values, ecs, queues] = await Promise.all([
    attempt('CloudWatch alarms', () => monitoring.alarms({ states: ['ALARM', 'INSUFFICIENT_DATA'] })),
    needs.length ? attempt('CloudWatch metrics', () => monitoring.metricStatistics(needs.map((n) => n.query), request.window)) : Promise.resolve([] as MetricValue[]),
    ecsWanted.length ? attempt('ECS service state', () => monitoring.containerServices(ecsWanted)) : Promise.resolve([] as ContainerServiceState[]),
    queuesWanted.length ? attempt('SQS queue attributes', () => monitoring.queues(queuesWanted)) : Promise.resolve([] as QueueState[]),
  ]);

  const judged = judge(resources, { alarms, metrics: { needs, values }, ecs, queues }, view.config.ops.health, (r) => matcher.serviceOf(r));
  const concerning = (alarms ?? []).filter((a) => resources.some((r) => alarmConcerns(a, r)));
  return {
    env,
    service: request.service ?? null,
    window: { since: request.window.since, start: request.window.start.toISOString(), end: request.window.end.toISOString() },
    source: found.source,
    registry: found.registry,
    status: overallStatus(judged, problems),
    resources: judged,
    skipped: resources.length - judged.length,
    alarms: { in_alarm: concerning.filter((a) => a.state === 'ALARM').length, insufficient_data: concerning.filter((a) => a.state === 'INSUFFICIENT_DATA').length },
    problems,
  };
}
