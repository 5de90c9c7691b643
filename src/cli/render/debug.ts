import type { Colors } from 'picocolors/types.js';
import type { Diagnosis, IssueSummary } from '../../debugger/debugger.js';
import type { KnownIssueSummary } from '../../debugger/summary.js';

const times = (occurrences: Record<string, number>) => {
  const total = Object.values(occurrences).reduce((a, b) => a + b, 0);
  const per = Object.entries(occurrences).map(([env, n]) => `${env}: ${n}`).join(', ');
  return `${total}×${per ? ` (${per})` : ''}`;
};

const rate = (r: { attempts: number; successes: number; proven: boolean }) =>
  r.attempts === 0 ? 'untried' : `${r.successes}/${r.attempts} worked${r.proven ? '' : ' (too few tries to rank by)'}`;

export function renderDiagnoses(diagnoses: readonly Diagnosis[], source: { kind: string; file?: string; env?: string; deployment_id?: string | null; at?: string; error_code?: string }, env: string | undefined, s: Colors): string {
  const lines: string[] = [];
  if (source.kind === 'last-failure' || source.kind === 'history') {
    lines.push(`Last failed run of '${source.env}'${source.deployment_id ? ` (${source.deployment_id})` : ''} at ${source.at}: ${source.error_code}`, '');
  }
  diagnoses.forEach((d, i) => {
    lines.push(`${s.bold(`${i + 1}.`)} ${d.summary}`);
    const facts = [d.category, d.error_code && `code ${d.error_code}`, d.address ?? d.resource_type].filter(Boolean).join(' · ');
    lines.push(`   ${s.dim('category')}   ${facts}`);
    if (d.known_issue) lines.push(`   ${s.dim('seen')}       ${times(d.known_issue.occurrences)} as ${d.known_issue.id}${d.known_issue.first_seen ? `, first ${d.known_issue.first_seen}` : ''}`);
    else lines.push(`   ${s.dim('seen')}       never before (not in the issue log)`);
    const related = d.matches.filter((m) => m.confidence !== 'exact');
    for (const [j, m] of related.entries()) {
      lines.push(`   ${s.dim(j === 0 ? 'matches' : '       ')}    ${m.confidence.padEnd(6)} ${m.issue_id}: ${m.title} ${s.dim(`(${m.why.join('; ')})`)}`);
    }
    const explained = d.matches.find((m) => m.explanation);
    if (explained?.explanation) lines.push(`   ${s.dim('why')}        ${explained.explanation}`);
    if (d.permissions) {
      const p = d.permissions;
      lines.push(`   ${s.dim('permissions')} ${p.denials.length} denial(s); the permission manager handles these${p.needs_human ? ' (some need a human: explicit deny, SCP, boundary or session policy)' : ''}`);
      for (const c of p.commands) lines.push(`     $ ${c}`);
    }
    if (d.solutions.length === 0) lines.push(`   ${s.dim('solutions')}  none known yet`);
    else lines.push(`   ${s.dim('solutions')}`);
    for (const sol of d.solutions) {
      lines.push(`     ${sol.rank}. ${s.bold(`[${sol.id}]`)} ${sol.title} ${s.dim(`— ${rate(sol)}`)}`);
      for (const step of sol.steps) lines.push(`        - ${step}`);
      for (const c of sol.commands) lines.push(`        $ ${c}`);
    }
    lines.push('');
  });
  const e = env ?? '<env>';
  lines.push(`Next: apply a solution, then: faber-cloud infra debug --applied <solution-id> --env ${e}   (the next deploy records whether it worked)`);
  lines.push(`      or record it yourself: faber-cloud infra debug --record-outcome <solution-id> success|failure`);
  lines.push(`      a fix that is not listed: faber-cloud infra debug --env ${e} --add-solution "<title>" --step "<what to do>"`);
  return lines.join('\n');
}

export function renderIssueList(issues: readonly IssueSummary[], s: Colors, all: boolean): string {
  if (issues.length === 0) return all ? 'The issue log is empty.' : 'No failures recorded yet. (--all lists the built-in knowledge base too.)';
  const lines = issues.map((i) => `${i.id.padEnd(32)} ${i.category.padEnd(17)} ${(i.total ? times(i.occurrences) : '-').padEnd(16)} ${i.solutions} sol.  ${i.title}${i.last_seen ? s.dim(`  last ${i.last_seen}`) : ''}`);
  return [...lines, '', `${issues.length} issue(s). Details: faber-cloud infra debug --error-file FILE, or --env <env> for the last failure.`].join('\n');
}

/** The lines a failed deploy prints under its error: the best known match and what to try. */
export function renderKnownIssue(summary: KnownIssueSummary, s: Colors): string[] {
  const lines: string[] = [];
  const top = summary.top;
  if (top) {
    const seen = Object.keys(top.occurrences).length ? `; seen ${times(top.occurrences)}` : '';
    lines.push(`${s.cyan('known')} ${top.title} ${s.dim(`(${top.category}, ${top.confidence} match${seen})`)}`);
    if (top.solution) {
      const record = top.solution.attempts ? `, ${Math.round((top.solution.success_rate ?? 0) * 100)}% of ${top.solution.attempts} tries worked` : '';
      lines.push(`${s.cyan('try')}   [${top.solution.id}] ${top.solution.title}${s.dim(record)}`);
      for (const c of top.solution.commands) lines.push(`      $ ${c}`);
    }
  }
  if (summary.failed_attempts.length) lines.push(`${s.yellow('note')}  recorded as not working: ${summary.failed_attempts.join(', ')}`);
  lines.push(`${s.cyan('more')}  ${summary.command}`);
  return lines;
}
