/**
 * `ops investigate`: correlate error logs, alarm history and the deployment history of an
 * environment, hand the most frequent errors to the debugger's matcher, and write an incident
 * report (timeline and ranked hypotheses, each with its evidence). Never prints.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isFaberError } from '../core/errors.js';
import { checkWritePath } from '../core/files/safe-path.js';
import { writeJsonAtomic, writeTextAtomic } from '../core/files/atomic.js';
import { diagnose, loadIssueLog, normaliserFor, type DebugContext, type Diagnosis } from '../debugger/debugger.js';
import type { Alarm, AlarmStateChange } from '../handlers/hosting/monitoring.js';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import { readHistory, type HistoryEntry } from '../infra/history.js';
import { alarmConcerns } from './health.js';
import { renderIncidentMarkdown } from './incident-md.js';
import { INCIDENT_SCHEMA_VERSION, type DeploymentSuspect, type Evidence, type Hypothesis, type IncidentReport, type TimelineEntry } from './incident.js';
import { queryLogs, type LogQueryResult, type MessageGroup } from './logs.js';
import { problemOf, type OpsProblem } from './problems.js';
import { environmentResources, logGroupsOf, selectService, serviceMatcher, type OpsResource } from './resources.js';
import { step, warning, type EventSink } from '../core/events.js';
import type { OpsSession } from './session.js';
import { spanMs, type OpsWindow } from './window.js';

export interface InvestigateRequest {
  issue: string;
  service?: string | undefined;
  window: OpsWindow;
}

const CONFIDENCE_SCORE = { exact: 0.85, high: 0.75, medium: 0.55, low: 0.35 } as const;
const MINUTE = 60_000;
const round2 = (x: number) => Math.round(x * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();

/** Words of the issue worth looking for in error messages (`500`, `timeout`, `orders`). */
export function issueTerms(issue: string): string[] {
  const stop = new Set(['the', 'and', 'for', 'with', 'errors', 'error', 'are', 'was', 'since', 'from', 'after', 'our', 'all', 'some', 'many', 'lots', 'why']);
  return [...new Set(issue.toLowerCase().split(/[^a-z0-9]+/).filter((w) => (w.length >= 3 || /^\d+$/.test(w)) && !stop.has(w)))];
}

export function slugOf(issue: string): string {
  const slug = issue.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return slug || 'incident';
}

const confidenceOf = (score: number): Hypothesis['confidence'] => (score >= 0.7 ? 'high' : score >= 0.45 ? 'medium' : 'low');

/** What kind of trouble an alarm's metric points at. */
function alarmTheme(alarm: { metric: string | null; name: string }): string {
  const m = alarm.metric ?? '';
  if (/Throttl/i.test(m)) return 'Capacity: requests are being throttled';
  if (/5xx|5XXError|Errors|Fault/i.test(m)) return 'Application errors';
  if (/Duration|Latency/i.test(m)) return 'Latency: calls are slow or timing out';
  if (/AgeOfOldestMessage|NumberOfMessages/i.test(m)) return 'Backlog: messages are not being consumed';
  if (/CPU|Memory/i.test(m)) return 'Resource pressure (CPU/memory)';
  return `Alarm ${alarm.name}`;
}

export interface Correlation {
  issue: string;
  service?: string | undefined;
  errors: LogQueryResult | null;
  alarms: { alarm: Alarm; changes: AlarmStateChange[] }[];
  deployments: HistoryEntry[];
  /** Registry resources in scope (to tell which ones a deployment changed). */
  resources: readonly OpsResource[];
  diagnoses: { group: MessageGroup; diagnosis: Diagnosis }[];
  lookbackMs: number;
  window: OpsWindow;
}

/** When the problem began: the first error, or the first alarm entering ALARM in the window. */
export function problemStart(c: Pick<Correlation, 'errors' | 'alarms' | 'window'>): number | null {
  const times: number[] = [];
  for (const g of c.errors?.groups ?? []) times.push(Date.parse(g.first_seen));
  for (const { changes } of c.alarms) {
    for (const ch of changes) if (ch.to === 'ALARM' && Date.parse(ch.at) >= c.window.start.getTime()) times.push(Date.parse(ch.at));
  }
  return times.length ? Math.min(...times) : null;
}

/** Deployments worth suspecting: finished within the lookback before the problem, or during it. */
export function suspectDeployments(history: readonly HistoryEntry[], start: number | null, window: OpsWindow, lookbackMs: number, resources: readonly OpsResource[]): DeploymentSuspect[] {
  const anchor = start ?? window.end.getTime();
  return history
    .filter((h) => {
      const finished = Date.parse(h.finished_at);
      return finished >= anchor - lookbackMs && finished <= window.end.getTime();
    })
    .map((h) => ({
      id: h.id,
      operation: h.operation,
      outcome: h.outcome,
      started_at: h.started_at,
      finished_at: h.finished_at,
      plan_id: h.plan_id,
      profile: h.profile,
      counts: { add: h.add, change: h.change, destroy: h.destroy },
      minutes_before_problem: start === null ? null : Math.round((start - Date.parse(h.finished_at)) / MINUTE),
      changed_resources: resources.filter((r) => r.deploymentId === h.id && r.address).map((r) => r.address as string),
      ...(h.drift && h.drift.resources.length > 0 ? { drifted_resources: h.drift.resources } : {}),
    }))
    // A drift check that found nothing is no suspect.
    .filter((d) => d.operation !== 'drift' || d.drifted_resources !== undefined)
    .sort((a, b) => (a.finished_at < b.finished_at ? 1 : -1));
}

/** One resource an `infra drift` run found changed or deleted outside the IaC tool, in words. */
function driftedText(r: NonNullable<DeploymentSuspect['drifted_resources']>[number]): string {
  return `${r.address} ${r.action === 'delete' ? 'was deleted outside Terraform' : `changed outside Terraform: ${r.attributes.join(', ') || '(attributes not recorded)'}`}`;
}

/** Ranked hypotheses, each with its evidence. Pure. */
export function rankHypotheses(c: Correlation, deployments: readonly DeploymentSuspect[], start: number | null, env: string): Hypothesis[] {
  const out: Omit<Hypothesis, 'rank' | 'confidence'>[] = [];
  const totalErrors = c.errors?.events_matched ?? 0;
  const terms = issueTerms(c.issue);
  const mentions = (text: string) => terms.filter((t) => new RegExp(`(?<![a-z0-9])${t}(?![a-z0-9])`, 'i').test(text));
  const logEvidence = (g: MessageGroup): Evidence => ({ kind: 'logs', at: g.first_seen, text: `${g.count} × "${g.example.slice(0, 200)}" (${g.first_seen} → ${g.last_seen}, ${g.log_groups.join(', ')})` });

  // A deployment that finished shortly before the problem: the closer, the likelier.
  for (const d of deployments) {
    if (d.minutes_before_problem === null || d.minutes_before_problem < 0) continue;
    // Halves every 45 minutes: a deploy minutes before the first error is the prime suspect, one from hours ago is not.
    const closeness = Math.pow(0.5, d.minutes_before_problem / 45);
    let score = 0.3 + 0.5 * closeness;
    if (d.drifted_resources) {
      // Changes made outside the IaC tool, seen before the problem: as suspect as a deploy then.
      out.push({
        kind: 'deployment',
        title: `Changes made outside Terraform (drift seen ${d.finished_at}) introduced the problem`,
        score: Math.min(0.9, 0.3 + 0.5 * closeness),
        evidence: d.drifted_resources.map((r) => ({
          kind: 'deployment' as const,
          at: d.finished_at,
          text: `${driftedText(r)} (infra drift ${d.id}, ${d.minutes_before_problem} min before the problem started)`,
        })),
        next_steps: [`faber-cloud infra drift --env ${env}`, `put the code back with faber-cloud infra deploy --env ${env}, or record the change with faber-cloud infra drift --env ${env} --accept`],
      });
      continue;
    }
    const evidence: Evidence[] = [
      { kind: 'deployment', at: d.finished_at, text: `${d.operation} ${d.id} (${d.outcome}, +${d.counts.add} ~${d.counts.change} -${d.counts.destroy}${d.plan_id ? `, plan ${d.plan_id}` : ''}) finished ${d.minutes_before_problem} min before the problem started` },
    ];
    if (d.changed_resources.length) {
      score += 0.1;
      evidence.push({ kind: 'deployment', text: `it last changed ${d.changed_resources.join(', ')}` });
    }
    if (d.outcome === 'failed' || d.outcome === 'interrupted') {
      score += 0.1;
      evidence.push({ kind: 'deployment', text: `it ${d.outcome === 'failed' ? 'failed' : 'was interrupted'}: the environment may be half-changed` });
    }
    out.push({
      kind: 'deployment',
      title: `Deployment ${d.id} (${d.finished_at}) introduced the problem`,
      score: Math.min(0.95, score),
      evidence,
      next_steps: [`faber-cloud infra history --env ${env}`, ...(d.plan_id ? [`review plan ${d.plan_id}: .fractary/plugins/faber-cloud/deployments/${env}/plans/${d.plan_id}.json`] : []), 'roll back the change (revert and deploy), then watch: faber-cloud ops check-health --env ' + env],
    });
  }

  // The debugger recognised an error: one hypothesis per known issue, with every error group it explains.
  const byIssue = new Map<string, { group: MessageGroup; diagnosis: Diagnosis }[]>();
  for (const entry of c.diagnoses) {
    const best = entry.diagnosis.matches[0];
    if (best) byIssue.set(best.issue_id, [...(byIssue.get(best.issue_id) ?? []), entry]);
  }
  for (const [issueId, entries] of byIssue) {
    const { diagnosis } = entries[0]!;
    const best = diagnosis.matches[0]!;
    const count = entries.reduce((n, e) => n + e.group.count, 0);
    const share = totalErrors ? count / totalErrors : 0;
    const mentioned = [...new Set(entries.flatMap((e) => mentions(e.group.example)))];
    const evidence: Evidence[] = entries.map((e) => logEvidence(e.group));
    if (mentioned.length) evidence.push({ kind: 'issue', text: `mentions ${mentioned.map((t) => `'${t}'`).join(', ')} from the reported issue` });
    evidence.push({ kind: 'debugger', text: `debugger: ${best.confidence} match (${best.score}) with known issue ${issueId}: ${best.why.join('; ')}` });
    const denial = diagnosis.permissions?.denials[0];
    const permission = diagnosis.category === 'permission';
    out.push({
      kind: 'known-issue',
      title: permission && denial?.action ? `Missing permission: ${denial.principal_arn ?? 'a workload role'} may not ${denial.action} (known issue ${issueId})` : `Known issue ${issueId}: ${best.title}`,
      score: Math.min(0.95, CONFIDENCE_SCORE[best.confidence] * (0.8 + 0.2 * share) + (mentioned.length ? 0.05 : 0)),
      evidence,
      next_steps: permission ? workloadPermissionSteps(diagnosis, env) : diagnosis.solutions.slice(0, 2).map((s) => `${s.title}${s.commands[0] ? `: ${s.commands[0]}` : ''}`),
    });
  }

  // Errors nobody recognised: the most frequent still point somewhere.
  for (const { group, diagnosis } of c.diagnoses) {
    if (diagnosis.matches.length) continue;
    const share = totalErrors ? group.count / totalErrors : 0;
    const mentioned = mentions(group.example);
    const evidence: Evidence[] = [logEvidence(group)];
    if (mentioned.length) evidence.push({ kind: 'issue', text: `mentions ${mentioned.map((t) => `'${t}'`).join(', ')} from the reported issue` });
    evidence.push({ kind: 'debugger', text: `debugger: no known issue matches (category ${diagnosis.category})` });
    out.push({
      kind: 'error-pattern',
      title: `${diagnosis.category === 'unknown' ? 'Recurring error' : `Errors of category ${diagnosis.category}`}: ${diagnosis.summary.slice(0, 120)}`,
      score: Math.min(0.6, 0.25 + 0.25 * share + (mentioned.length ? 0.05 : 0)),
      evidence,
      next_steps: [`faber-cloud ops query-logs --env ${env} --service ${c.service ?? '<service>'} --level error --filter '${firstWord(group.example)}'`, 'record the fix once found: faber-cloud infra debug --add-solution ...'],
    });
  }

  // Alarms that went off in the window.
  for (const { alarm, changes } of c.alarms) {
    const fired = changes.filter((ch) => ch.to === 'ALARM' && Date.parse(ch.at) >= c.window.start.getTime());
    if (fired.length === 0) continue;
    const first = Date.parse(fired[0]!.at);
    const nearStart = start !== null && Math.abs(first - start) <= 10 * MINUTE;
    out.push({
      kind: 'alarm',
      title: `${alarmTheme(alarm)} (${alarm.metric ?? 'alarm'} ${Object.values(alarm.dimensions).join('/') || alarm.name})`,
      score: 0.4 + (nearStart ? 0.1 : 0),
      evidence: fired.map((ch) => ({ kind: 'alarm', at: ch.at, text: `${ch.alarm} → ALARM${ch.summary ? `: ${ch.summary}` : ''}` })),
      next_steps: [`faber-cloud ops check-health --env ${env}`],
    });
  }

  return out
    .map((h) => ({ ...h, score: round2(h.score) }))
    .sort((a, b) => b.score - a.score)
    .map((h, i) => ({ ...h, rank: i + 1, confidence: confidenceOf(h.score) }));
}

/**
 * A denial in a workload's logs is the workload's role (a Lambda or task role), not the deploy
 * identity: the permission manager's grants would go to the wrong principal. The fix belongs in
 * the IaC that defines the role.
 */
function workloadPermissionSteps(diagnosis: Diagnosis, env: string): string[] {
  const steps = (diagnosis.permissions?.denials ?? []).map(
    (d) => `add ${d.action ?? 'the denied action'}${d.resource_arn ? ` on ${d.resource_arn}` : ''} to the policy of ${d.principal_arn ?? 'the workload role'} in your IaC (a workload role, not the deploy identity)`,
  );
  return [...(steps.length ? steps : ["add the denied action to the workload role's policy in your IaC"]), `faber-cloud infra preview --env ${env}, then faber-cloud infra deploy --env ${env}`];
}

function firstWord(text: string): string {
  return (/[A-Za-z][A-Za-z0-9]{3,}(?:Exception|Error)?/.exec(text.replace(/^\S*\d{4}-\d{2}-\d{2}\S*\s+/, ''))?.[0] ?? 'ERROR').replace(/'/g, '');
}

/** The timeline: deployments, alarm changes and the first/last of each error group, in time order. */
export function buildTimeline(c: Correlation, deployments: readonly DeploymentSuspect[], start: number | null): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const d of deployments) {
    if (d.drifted_resources) {
      // A drift check changed nothing: what it saw is the event (when it was seen, not when it happened).
      out.push({ at: d.finished_at, kind: 'deployment', text: `infra drift ${d.id} saw changes made outside Terraform: ${d.drifted_resources.map(driftedText).join('; ')}` });
      continue;
    }
    out.push({ at: d.started_at, kind: 'deployment', text: `${d.operation} ${d.id} started (${d.profile})` });
    out.push({ at: d.finished_at, kind: 'deployment', text: `${d.operation} ${d.id} finished: ${d.outcome}, +${d.counts.add} ~${d.counts.change} -${d.counts.destroy}${d.changed_resources.length ? ` (changed ${d.changed_resources.join(', ')})` : ''}` });
  }
  for (const { changes } of c.alarms) for (const ch of changes) out.push({ at: ch.at, kind: 'alarm', text: `${ch.alarm}: ${ch.from ?? '?'} → ${ch.to ?? '?'}${ch.summary ? ` (${ch.summary})` : ''}` });
  for (const g of c.errors?.groups.slice(0, 10) ?? []) {
    out.push({ at: g.first_seen, kind: 'errors', text: `first of ${g.count} × "${g.example.slice(0, 120)}"` });
    if (g.last_seen !== g.first_seen) out.push({ at: g.last_seen, kind: 'errors', text: `last of ${g.count} × "${g.example.slice(0, 120)}"` });
  }
  if (start !== null) out.push({ at: iso(start), kind: 'problem-start', text: 'problem started (first error or alarm in the window)' });
  const order: Record<TimelineEntry['kind'], number> = { deployment: 0, alarm: 1, 'problem-start': 2, errors: 3 };
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : order[a.kind] - order[b.kind]));
}

export function summarise(c: Correlation, deployments: readonly DeploymentSuspect[], hypotheses: readonly Hypothesis[], start: number | null): string {
  const parts: string[] = [];
  const e = c.errors;
  if (e) parts.push(`${e.events_matched} error events in ${e.groups.length} distinct messages${e.truncated ? ` (limit ${e.limit} reached)` : ''}`);
  else parts.push('error logs not read');
  const fired = c.alarms.filter((a) => a.changes.some((ch) => ch.to === 'ALARM'));
  parts.push(`${fired.length} alarm${fired.length === 1 ? '' : 's'} fired`);
  if (start !== null) parts.push(`problem started ${iso(start)}`);
  const earlier = deployments.filter((d) => d.minutes_before_problem !== null && d.minutes_before_problem >= 0);
  const before = earlier.find((d) => !d.drifted_resources);
  if (before) parts.push(`last deployment before it: ${before.id}, ${before.minutes_before_problem} min earlier`);
  // A drift check is no deployment: it saw changes someone made outside Terraform.
  const drift = earlier.find((d) => d.drifted_resources);
  if (drift) parts.push(`changes made outside Terraform seen before it: ${drift.drifted_resources!.map((r) => r.address).join(', ')} (infra drift ${drift.id}, ${drift.minutes_before_problem} min earlier)`);
  const top = hypotheses[0];
  return `${parts.join('; ')}.${top ? ` Most likely: ${top.title} (${top.confidence}).` : ' No hypothesis: nothing in the window points at a cause.'}`;
}

function stampOf(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Two reports in the same second get -2, -3, ...: a report is never overwritten. */
async function freeName(dir: string, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    const taken = await stat(path.join(dir, `${name}.json`)).then(() => true, () => false);
    if (!taken) return name;
  }
}

/** Read everything in the window, correlate, and save the report (.json and .md, each atomically). */
export async function investigate(session: OpsSession, request: InvestigateRequest, report: EventSink, now: Date = new Date()): Promise<IncidentReport> {
  const { view, monitoring, authorization, identity } = session;
  const env = view.name;
  const config = view.config;
  // The report is written last: a link at incidents/ is refused before the cloud is read.
  await checkWritePath(view.paths, view.paths.incidentsDir, 'directory');
  const gaps: OpsProblem[] = [];
  const gap = (problem: OpsProblem) => {
    gaps.push(problem);
    report(warning('OPS_WARNING', `${problem.message}: ${problem.affects} left out of the report`));
  };

  // Everything it reads back, judged before the first log query.
  await validateBeforeMutation('ops investigate', view.paths, env);
  const found = await environmentResources(session, report);
  const matcher = serviceMatcher(config, env);
  const resources = selectService(found.resources, matcher, request.service, env);
  const lookbackMs = spanMs(config.ops.investigate.deploy_lookback) ?? 86_400_000;

  // 1. Error logs.
  const groups = logGroupsOf(resources);
  let errors: LogQueryResult | null = null;
  if (groups.length === 0) {
    gap({ action: 'logs:FilterLogEvents', failure: 'not-found', message: `no log groups known for ${request.service ? `service ${request.service}` : `'${env}'`}`, affects: 'error logs', grant: null });
  } else {
    report(step('OPS_STEP', `reading error logs of ${groups.length} log group${groups.length === 1 ? '' : 's'} over ${request.window.since}`));
    try {
      errors = await queryLogs(monitoring, { groups, window: request.window, level: 'error', limit: config.ops.logs.max_events }, normaliserFor(config), env, report);
    } catch (error) {
      const problem = isFaberError(error) ? (error.details as { problem?: OpsProblem } | undefined)?.problem : undefined;
      if (!problem) throw error;
      gap(problem);
    }
  }

  // 2. Alarms of these resources and what they did in the window (plus the lookback).
  report(step('OPS_STEP', 'reading alarms and their history'));
  let concerning: Alarm[] = [];
  try {
    concerning = (await monitoring.alarms()).filter((a) => resources.some((r) => alarmConcerns(a, r)));
  } catch (error) {
    gap(problemOf(error, env, 'CloudWatch alarms'));
  }
  let history: AlarmStateChange[] | null = null;
  if (concerning.length) {
    try {
      history = await monitoring.alarmHistory({ alarmNames: concerning.map((a) => a.name), start: new Date(request.window.start.getTime() - lookbackMs), end: request.window.end });
    } catch (error) {
      gap(problemOf(error, env, 'alarm history (the current state of each alarm is used instead)'));
    }
  }
  const alarms = concerning.map((alarm) => ({
    alarm,
    changes: history
      ? history.filter((h) => h.alarm === alarm.name)
      : // Without the history, an alarm's current state and when it entered it is what is known.
        alarm.stateUpdatedAt && alarm.state !== 'OK'
        ? [{ alarm: alarm.name, at: alarm.stateUpdatedAt, from: null, to: alarm.state, summary: `currently ${alarm.state}${alarm.reason ? `: ${alarm.reason}` : ''}` }]
        : [],
  }));

  // 3. The debugger on the most frequent errors.
  const diagnoses: { group: MessageGroup; diagnosis: Diagnosis }[] = [];
  if (errors?.groups.length) {
    const ctx: DebugContext = { paths: view.paths, config, display: view.display };
    const log = await loadIssueLog(ctx);
    for (const group of errors.groups.slice(0, config.ops.investigate.max_error_groups)) {
      const diagnosis = diagnose(ctx, log, group.example, { env })[0];
      if (diagnosis) diagnoses.push({ group, diagnosis });
    }
  }

  // 4. Deployments before the problem.
  const deploymentHistory = await readHistory(view.envPaths.historyFile, view.display(view.envPaths.historyFile));
  const correlation: Correlation = { issue: request.issue, service: request.service, errors, alarms, deployments: deploymentHistory, resources, diagnoses, lookbackMs, window: request.window };
  const start = problemStart(correlation);
  const deployments = suspectDeployments(deploymentHistory, start, request.window, lookbackMs, resources);
  const hypotheses = rankHypotheses(correlation, deployments, start, env);

  const name = await freeName(view.paths.incidentsDir, `${stampOf(now)}-${slugOf(request.issue)}`);
  const files = { json: path.join(view.paths.incidentsDir, `${name}.json`), markdown: path.join(view.paths.incidentsDir, `${name}.md`) };
  const incident: IncidentReport = {
    schema_version: INCIDENT_SCHEMA_VERSION,
    id: name,
    created_at: now.toISOString(),
    env,
    issue: request.issue,
    service: request.service ?? null,
    window: { since: request.window.since, start: request.window.start.toISOString(), end: request.window.end.toISOString() },
    identity: { account: identity.account, region: authorization.region, profile: authorization.profile, caller: identity.arn },
    problem_started_at: start === null ? null : iso(start),
    summary: summarise(correlation, deployments, hypotheses, start),
    timeline: buildTimeline(correlation, deployments, start),
    hypotheses,
    errors: { log_groups: groups, events_read: errors?.events_read ?? 0, events_matched: errors?.events_matched ?? 0, truncated: errors?.truncated ?? false, groups: errors?.groups.slice(0, 20) ?? [] },
    alarms: alarms.map(({ alarm, changes }) => ({ name: alarm.name, state: alarm.state, metric: alarm.metric, changes })),
    deployments,
    diagnoses: diagnoses.map(({ group, diagnosis }) => ({ pattern: group.pattern, count: group.count, diagnosis })),
    gaps,
    files: { json: view.display(files.json), markdown: view.display(files.markdown) },
  };
  await writeJsonAtomic(files.json, incident, view.paths);
  await writeTextAtomic(files.markdown, renderIncidentMarkdown(incident), view.paths);
  return incident;
}
