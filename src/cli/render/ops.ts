import type { Colors } from 'picocolors/types.js';
import type { HealthReport, HealthStatus } from '../../ops/health.js';
import type { IncidentReport } from '../../ops/incident.js';
import type { LogQueryResult } from '../../ops/logs.js';
import { describeProblem } from '../../ops/problems.js';

function paint(status: HealthStatus | string, s: Colors, width = 0): string {
  const text = status.toUpperCase().padEnd(width);
  if (status === 'healthy' || status === 'ok') return s.green(text);
  if (status === 'down') return s.red(s.bold(text));
  if (status === 'degraded') return s.yellow(text);
  return s.magenta(text);
}

export function renderHealth(r: HealthReport, s: Colors): string {
  const lines = [
    `Health of '${r.env}'${r.service ? ` (service ${r.service})` : ''}: ${paint(r.status, s)}  ${s.dim(`over ${r.window.since}, ${r.resources.length} resources checked, ${r.skipped} without checks, from ${r.source === 'registry' ? r.registry : 'resources tagged for the environment'}`)}`,
  ];
  if (r.resources.length === 0) lines.push('', 'Nothing to check: no Lambda functions, ECS services, DynamoDB tables, SQS queues, APIs or alarms in scope.');
  const width = Math.min(48, Math.max(8, ...r.resources.map((x) => (x.address ?? x.name).length)));
  const order: Record<HealthStatus, number> = { down: 0, degraded: 1, unknown: 2, healthy: 3 };
  for (const res of [...r.resources].sort((a, b) => order[a.status] - order[b.status])) {
    const label = (res.address ?? res.name).padEnd(width);
    const notable = res.findings.filter((f) => f.level !== 'ok');
    const shown = notable.length ? notable : res.findings.slice(0, 2);
    lines.push(`  ${paint(res.status, s, 9)} ${label} ${s.dim(res.service ?? '')}`);
    for (const f of shown) lines.push(`  ${''.padEnd(9)} ${s.dim('·')} ${f.message}`);
  }
  if (r.problems.length) {
    lines.push('', s.yellow('Not checked:'));
    for (const p of r.problems) lines.push(`  ${describeProblem(p)}`);
  }
  if (r.status !== 'healthy') lines.push('', `Next: faber-cloud ops investigate --env ${r.env}${r.service ? ` --service ${r.service}` : ''} --issue '<what users see>'`);
  return lines.join('\n');
}

export function renderLogs(r: LogQueryResult, service: string, env: string, s: Colors): string {
  const read = r.log_groups.filter((g) => !g.missing);
  const missing = r.log_groups.filter((g) => g.missing);
  const lines = [
    `${r.events_matched} ${r.level ? `${r.level}-level ` : ''}events of service ${service} in '${env}' over ${r.window.since}, in ${r.groups.length} distinct messages ${s.dim(`(${r.events_read} read from ${read.length} log group${read.length === 1 ? '' : 's'}${r.server_filter ? `, server filter ${JSON.stringify(r.server_filter)}` : ''})`)}`,
  ];
  if (r.truncated) lines.push(s.yellow(`Stopped at --limit ${r.limit}: more events exist in the window; narrow --since or --filter, or raise --limit.`));
  for (const g of missing) lines.push(s.dim(`(log group ${g.name} does not exist yet)`));
  if (r.groups.length) lines.push('');
  const countWidth = Math.max(5, ...r.groups.map((g) => String(g.count).length));
  for (const g of r.groups.slice(0, 50)) {
    lines.push(`${s.bold(String(g.count).padStart(countWidth))}  ${g.example.split('\n')[0]!.replace(/\t/g, '  ').slice(0, 160)}`);
    lines.push(`${''.padStart(countWidth)}  ${s.dim(`${g.first_seen} → ${g.last_seen} · ${g.log_groups.join(', ')}${g.streams > 1 ? ` · ${g.streams} streams` : ''}`)}`);
  }
  if (r.groups.length > 50) lines.push(s.dim(`… ${r.groups.length - 50} more (all of them with --json)`));
  if (r.groups.length && r.level === 'error') lines.push('', `Next: faber-cloud ops investigate --env ${env} --service ${service} --issue '<what users see>'`);
  return lines.join('\n');
}

export function renderIncident(r: IncidentReport, s: Colors): string {
  const lines = [`Incident '${r.issue}' in '${r.env}'${r.service ? ` (service ${r.service})` : ''}`, r.summary, ''];
  if (r.hypotheses.length) lines.push(s.bold('Hypotheses'));
  for (const h of r.hypotheses.slice(0, 5)) {
    lines.push(`${h.rank}. ${h.title} ${s.dim(`(${h.confidence}, ${h.score})`)}`);
    for (const e of h.evidence.slice(0, 3)) lines.push(`   ${s.dim('·')} ${e.text.replace(/\t/g, '  ').slice(0, 200)}`);
    if (h.next_steps[0]) lines.push(`   ${s.cyan('→')} ${h.next_steps[0]}`);
  }
  if (r.gaps.length) {
    lines.push('', s.yellow('Not read:'));
    for (const g of r.gaps) lines.push(`  ${g.affects}: ${g.message}${g.grant ? ` — grant: ${g.grant}` : ''}`);
  }
  lines.push('', `Report: ${r.files.markdown} (and ${r.files.json})`);
  return lines.join('\n');
}
