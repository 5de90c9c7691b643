import type { Colors } from 'picocolors/types.js';
import type { PlanDigest } from '../../handlers/iac/types.js';

const SYMBOL: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '-' };

/** The digest as a person reads it: counts, then destroys and replacements before the rest. */
export function renderDigest(digest: PlanDigest, s: Colors): string[] {
  const { create, update, replace, delete: del } = digest.counts;
  const imports = digest.counts.import ? `, ${s.cyan(`${digest.counts.import} to import`)}` : '';
  const lines = [`Plan ${s.bold(digest.planId)}: ${s.green(`${create} to create`)}, ${s.yellow(`${update} to update`)}, ${s.magenta(`${replace} to replace`)}, ${s.red(`${del} to destroy`)}${imports}`];
  if (!digest.hasChanges) return [...lines, '  no changes'];
  for (const change of digest.changes) {
    const colour = change.action === 'delete' ? s.red : change.action === 'replace' ? s.magenta : change.action === 'create' ? s.green : change.action === 'no-op' ? s.cyan : s.yellow;
    const extra = change.replaceReason?.length ? ` (forced by ${change.replaceReason.join(', ')})` : change.changedAttributes?.length ? ` (${change.changedAttributes.join(', ')})` : '';
    // An address that does not name its type (a CloudFormation logical id) is shown with it, and with its physical id.
    const named = change.address.includes(change.type) ? '' : ` ${s.dim(`${change.type}${change.physicalId ? ` ${change.physicalId}` : ''}`)}`;
    const imported = change.importing ? s.cyan(' (import)') : '';
    lines.push(`  ${colour(SYMBOL[change.action] ?? (change.importing ? '<' : ' '))} ${change.address}${named}${imported}${s.dim(extra)}`);
  }
  for (const output of digest.outputs) lines.push(`  ${SYMBOL[output.action] ?? ' '} output.${output.name}${output.sensitive ? s.dim(' (sensitive)') : ''}`);
  return lines;
}
