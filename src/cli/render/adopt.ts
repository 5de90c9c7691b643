import type { Colors } from 'picocolors/types.js';
import type { AdoptResult } from '../../infra/adopt.js';
import { renderDigest } from './lifecycle.js';

/** What was found, what was written, and whether the preview only imports. */
export function renderAdopt(result: AdoptResult, s: Colors): string[] {
  const lines: string[] = [];
  const what = result.dry_run ? 'would adopt' : 'adopted';
  if (result.adopted.length === 0) lines.push(`${s.green('✓')} nothing new to adopt in '${result.env}' (${result.managed} found already in state${result.pending.length ? `, ${result.pending.length} written before and not deployed yet` : ''})`);
  else {
    lines.push(`${result.dry_run ? 'Candidates' : 'Adopted'} in '${result.env}': ${result.adopted.length} resource(s) ${what}`);
    for (const t of result.adopted) lines.push(`  < ${t.address} ${s.dim(`${t.import_id} (by ${t.via.join(' and ')})`)}`);
  }
  for (const n of result.not_adopted) lines.push(`  ${s.dim(`not adopted: ${n.arn}: ${n.reason}`)}`);
  for (const k of result.skipped) lines.push(`  ${s.yellow('!')} ${s.dim(`not listed: ${k.service}: ${k.reason}`)}`);
  if (result.files.length > 0) lines.push('', `Written: ${result.files.join(', ')}`);
  if (result.plan) {
    lines.push('', ...renderDigest(result.plan.digest, s));
    const unresolved = result.differences.length + result.not_imported.length + result.other_changes.length;
    if (unresolved === 0) lines.push(`${s.green('✓')} the plan only imports the adopted resources: nothing in the cloud changes`);
    else {
      lines.push(s.yellow('Resolve before deploying (the plan would do more than import):'));
      for (const c of result.differences) lines.push(`  ~ ${c.address} ${s.dim(`${c.action}${c.changedAttributes?.length ? ` (${c.changedAttributes.join(', ')})` : ''}: edit the generated configuration to match the resource`)}`);
      for (const a of result.not_imported) lines.push(`  ? ${a} ${s.dim('is not imported by the plan')}`);
      for (const c of result.other_changes) lines.push(`  ${c.action} ${c.address} ${s.dim('(another change in the same plan)')}`);
    }
  }
  if (result.next_command) lines.push('', `Next: ${result.next_command}`);
  return lines;
}
