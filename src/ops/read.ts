/**
 * The read-only ops commands, one entry each: check the request (the window before anything
 * is read), open the environment's session, read with the config's defaults, close.
 */
import { UsageError } from '../core/errors.js';
import { checkHealth, type HealthReport } from './health.js';
import { investigate } from './investigate.js';
import type { IncidentReport } from './incident.js';
import { logNormaliser, queryLogs, type LogLevel, type LogQueryResult } from './logs.js';
import { environmentResources, logGroupsOf, selectService, serviceMatcher, type EnvironmentResources } from './resources.js';
import { step, type EventSink } from '../core/events.js';
import { withOpsSession, type OpsRequest } from './session.js';
import { parseSince } from './window.js';

/** What every read-only ops command is asked: the environment, and optionally a profile, a service and a window. */
export interface OpsReadRequest {
  env: string;
  profile?: string | undefined;
  service?: string | undefined;
  /** --since: a span back from now or an ISO time; default: the command's ops.<command>.window. */
  since?: string | undefined;
}

const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** Blank values count as not given; a bad --since is refused before any read. */
function checked(request: OpsReadRequest): { session: OpsRequest; service: string | undefined; since: string | undefined } {
  const since = text(request.since);
  if (since) parseSince(since);
  return { session: { env: request.env, profile: text(request.profile) }, service: text(request.service), since };
}

export async function environmentHealth(cwd: string, request: OpsReadRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<HealthReport> {
  const { session, service, since } = checked(request);
  return withOpsSession(cwd, session, processEnv, report, (s) => checkHealth(s, { service, window: parseSince(since ?? s.view.config.ops.health.window) }, report));
}

export async function investigateIncident(cwd: string, request: OpsReadRequest & { issue: string }, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<IncidentReport> {
  const { session, service, since } = checked(request);
  const issue = request.issue.trim();
  if (!issue) throw new UsageError('--issue needs a description of the problem', { hint: 'e.g. --issue "500 errors on checkout"' });
  return withOpsSession(cwd, session, processEnv, report, (s) => investigate(s, { issue, service, window: parseSince(since ?? s.view.config.ops.investigate.window) }, report));
}

export interface ServiceLogsRequest extends OpsReadRequest {
  level?: LogLevel | undefined;
  /** A filter pattern the provider applies, sent as is. */
  filter?: string | undefined;
  /** Most events to read; default ops.logs.max_events. */
  limit?: number | undefined;
}

export interface ServiceLogs extends LogQueryResult {
  env: string;
  service: string;
  /** How the environment's resources were found (registry or tags). */
  source: EnvironmentResources['source'];
}

/** A service's log groups (through the registry), filtered on the server and grouped. */
export async function serviceLogs(cwd: string, request: ServiceLogsRequest, processEnv: NodeJS.ProcessEnv, report: EventSink): Promise<ServiceLogs> {
  const { session, service, since } = checked(request);
  if (!service) throw new UsageError('--service needs a name', { hint: 'e.g. --service api' });
  return withOpsSession(cwd, session, processEnv, report, async (s) => {
    const { view } = s;
    const window = parseSince(since ?? view.config.ops.logs.window);
    const found = await environmentResources(s, report);
    const resources = selectService(found.resources, serviceMatcher(view.config, view.name), service, view.name);
    const groups = logGroupsOf(resources);
    if (groups.length === 0) {
      throw new UsageError(`service '${service}' of '${view.name}' has no log groups`, {
        code: 'E_USAGE_NO_LOG_GROUPS',
        hint: `its resources (${resources.map((r) => r.address ?? r.name).join(', ')}) include no aws_cloudwatch_log_group and no Lambda function`,
      });
    }
    const limit = request.limit ?? view.config.ops.logs.max_events;
    report(step('OPS_STEP', `querying ${groups.length} log group${groups.length === 1 ? '' : 's'} (${groups.join(', ')}) over ${window.since}`));
    const result = await queryLogs(s.monitoring, { groups, window, level: request.level, filter: request.filter, limit }, logNormaliser(view.config), view.name, report);
    return { env: view.name, service, source: found.source, ...result };
  });
}
