import type { Colors } from 'picocolors/types.js';
import type { PlanDigest } from '../../handlers/iac/types.js';

const SYMBOL: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '-' };

/** The digest as a person reads it: counts, then destroys and replacements before the rest. */
export function renderDigest(digest: PlanDigest, s: Colors): string[] {
  const { create, update, replace, delete: del } = digest.counts;
  const lines = [`Plan ${s.bold(digest.planId)}: ${s.green(`${create} to create`)}, ${s.yellow(`${update} to update`)}, ${s.magenta(`${replace} to replace`)}, ${s.red(`${del} to destroy`)}`];
  if (!digest.hasChanges) return [...lines, '  no changes'];
  for (const change of digest.changes) {
    const colour = change.action === 'delete' ? s.red : change.action === 'replace' ? s.magenta : change.action === 'create' ? s.green : s.yellow;
    const extra = change.replaceReason?.length ? ` (forced by ${change.replaceReason.join(', ')})` : change.changedAttributes?.length ? ` (${change.changedAttributes.join(', ')})` : '';
    // An address that does not name its type (a CloudFormation logical id) is shown with it, and with its physical id.
    const named = change.address.includes(change.type) ? '' : ` ${s.dim(`${change.type}${change.physicalId ? ` ${change.physicalId}` : ''}`)}`;
    lines.push(`  ${colour(SYMBOL[change.action] ?? ' ')} ${change.address}${named}${s.dim(extra)}`);
  }
  for (const output of digest.outputs) lines.push(`  ${SYMBOL[output.action] ?? ' '} output.${output.name}${output.sensitive ? s.dim(' (sensitive)') : ''}`);
  return lines;
}
