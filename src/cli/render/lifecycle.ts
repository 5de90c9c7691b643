import type { Colors } from 'picocolors/types.js';
import type { Authorization } from '../../core/guard.js';
import type { CallerIdentity } from '../../handlers/hosting/types.js';
import type { PlanDigest } from '../../handlers/iac/types.js';
import type { LifecycleEvent } from '../../infra/lifecycle.js';
import type { CommandContext } from '../context.js';

const SYMBOL: Record<string, string> = { create: '+', update: '~', replace: '±', delete: '-' };

/** Who is acting, before anything else: account, region, profile with its role, caller. */
export function reportIdentity(ctx: CommandContext, identity: CallerIdentity, authorization: Authorization, note = ''): void {
  ctx.progress.step(`account ${ctx.style.bold(identity.account)} · region ${authorization.region} · profile ${authorization.profile} (${authorization.role}${note})`);
  ctx.progress.info(`caller ${identity.arn}`);
}

/** Progress of preview/deploy/destroy on stderr: who we are first, then one line per resource step. */
export function lifecycleReporter(ctx: CommandContext): (event: LifecycleEvent) => void {
  const s = ctx.style;
  return (event) => {
    switch (event.kind) {
      case 'identity':
        reportIdentity(ctx, event.identity, event.authorization);
        break;
      case 'step':
        ctx.progress.step(event.message);
        break;
      case 'warning':
        ctx.progress.warn(event.message);
        break;
      case 'apply': {
        const e = event.event;
        if (e.kind === 'complete') ctx.progress.info(`${s.green('✓')} ${e.address} ${s.dim(`${e.action} ${e.elapsedSeconds}s`)}`);
        else if (e.kind === 'errored') ctx.progress.info(`${s.red('✗')} ${e.address} ${s.dim(`${e.action} failed after ${e.elapsedSeconds}s`)}`);
        else if (e.kind === 'start') ctx.progress.info(`${s.dim('…')} ${e.address} ${s.dim(e.action)}`);
        else if (e.kind === 'diagnostic' && e.diagnostic.severity === 'error') ctx.progress.problem(`${e.diagnostic.summary}${e.diagnostic.address ? ` (${e.diagnostic.address})` : ''}`);
        break;
      }
    }
  };
}

/** The digest as a person reads it: counts, then destroys and replacements before the rest. */
export function renderDigest(digest: PlanDigest, s: Colors): string[] {
  const { create, update, replace, delete: del } = digest.counts;
  const lines = [`Plan ${s.bold(digest.planId)}: ${s.green(`${create} to create`)}, ${s.yellow(`${update} to update`)}, ${s.magenta(`${replace} to replace`)}, ${s.red(`${del} to destroy`)}`];
  if (!digest.hasChanges) return [...lines, '  no changes'];
  for (const change of digest.changes) {
    const colour = change.action === 'delete' ? s.red : change.action === 'replace' ? s.magenta : change.action === 'create' ? s.green : s.yellow;
    const extra = change.replaceReason?.length ? ` (forced by ${change.replaceReason.join(', ')})` : change.changedAttributes?.length ? ` (${change.changedAttributes.join(', ')})` : '';
    lines.push(`  ${colour(SYMBOL[change.action] ?? ' ')} ${change.address}${s.dim(extra)}`);
  }
  for (const output of digest.outputs) lines.push(`  ${SYMBOL[output.action] ?? ' '} output.${output.name}${output.sensitive ? s.dim(' (sensitive)') : ''}`);
  return lines;
}
