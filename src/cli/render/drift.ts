import type { Colors } from 'picocolors/types.js';
import type { DriftResult } from '../../infra/drift.js';

const SYMBOL: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '-' };

/** A value on one line, shortened: the full values are in --json. */
function short(value: unknown): string {
  const text = value === undefined ? 'null' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Drift first (what changed outside the tool), then the pending code changes, then the next step. */
export function renderDrift(result: DriftResult, s: Colors): string[] {
  const lines: string[] = [];
  if (result.drifted.length === 0) lines.push(`${s.green('✓')} no drift in '${result.env}': the cloud matches the recorded state`);
  else {
    lines.push(`${result.accepted ? s.green('✓ accepted') : s.yellow('Drift')} in '${result.env}' (${s.bold(result.drift_id)}): ${result.drifted.length} resource(s) changed outside Terraform`);
    for (const d of result.drifted) {
      if (d.action === 'delete') {
        lines.push(`  ${s.red('-')} ${d.address} ${s.dim('deleted outside Terraform')}`);
        continue;
      }
      lines.push(`  ${s.yellow('~')} ${d.address}`);
      for (const a of d.attributes) lines.push(`      ${a.path}: ${a.sensitive ? s.dim('(sensitive)') : `${short(a.before)} -> ${short(a.after)}`}`);
    }
  }
  if (result.pending_changes.length > 0) {
    lines.push('', `Pending code changes (not drift; infra deploy applies them): ${result.pending_changes.length}`);
    for (const c of result.pending_changes) lines.push(`  ${SYMBOL[c.action] ?? ' '} ${c.address}`);
  }
  if (result.next_command) lines.push('', `Next: ${result.next_command}  ${s.dim('(records the drift in state; or deploy to put the code back)')}`);
  return lines;
}
