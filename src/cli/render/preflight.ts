import type { Colors } from 'picocolors/types.js';
import type { PreflightReport } from '../../permissions/preflight.js';

/** The preflight summary lines (also shown by infra preview). */
export function preflightLines(r: PreflightReport, s: Colors, detail: boolean): string[] {
  const { summary } = r;
  const lines = [
    `Permissions for ${summary.resource_changes} resource change(s), deploy identity ${r.principal}: ${summary.needed} needed, ${s.green(`${summary.held} held`)}, ${summary.missing ? s.yellow(`${summary.missing} missing`) : '0 missing'}${summary.denied ? `, ${s.red(`${summary.denied} explicitly denied`)}` : ''}`,
  ];
  const show = r.needed.filter((n) => detail || n.status !== 'held');
  for (const n of show) {
    const mark = n.status === 'held' ? s.green('held   ') : n.status === 'missing' ? s.yellow('missing') : s.red('denied ');
    lines.push(`  ${mark}  ${n.action}  on ${n.resource}${n.source === 'learned' ? '  (learned)' : ''}${n.out_of_scope ? `  — cannot be granted automatically: ${n.out_of_scope}` : ''}`);
  }
  for (const u of r.unknown_types) {
    lines.push(`  ${s.yellow('unknown')}  ${u.type} (${u.addresses.join(', ')}): ${u.why === 'not-in-map' ? 'not in the action map' : `operations without a known IAM action: ${(u.operations ?? []).join(', ')}`}; its permissions are not predicted`);
  }
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines;
}

