import { GuardError, UsageError } from '../../core/errors.js';
import { remediate, type RemediationResult } from '../../ops/remediate.js';
import type { opsRemediate } from '../command-sets/ops-respond.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { printErr } from '../output.js';
import { showValue as show } from '../render/values.js';
import type { Output } from '../output-schemas/common.js';
import { identityOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/ops-respond.js';

function render(result: RemediationResult, ctx: CommandContext): string {
  const s = ctx.style;
  const head =
    result.outcome === 'dry-run'
      ? `${s.bold('Dry run')}: ${result.action} on ${result.target.address} — nothing was changed`
      : result.outcome === 'no-change'
        ? `${result.action} on ${result.target.address}: already ${show(result.before)}, nothing to change`
        : `${s.green('✓')} ${result.action} applied to ${result.target.address}`;
  const lines = [
    head,
    `  resource  ${result.target.id ?? '-'} (${result.target.type})`,
    `  change    ${result.setting}  ${show(result.before)} -> ${show(result.after)}`,
    `  api       ${result.api}`,
    `  effect    ${result.changes}`,
    `  undo      ${result.undo.command ?? result.undo.note}`,
  ];
  if (result.details !== undefined && result.action === 'redrive-dlq') lines.push(`  moved     ${show(result.details)}`);
  if (result.history_id) lines.push(`  history   ${result.history_id} (faber-cloud infra history --env ${result.env})`);
  if (result.outcome === 'dry-run') lines.push('', 'Apply it with:', `  ${result.apply_command}`);
  return lines.join('\n');
}

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsRemediate>): Promise<CommandResult> {
  const { confirm, profile } = options;
  const target = options.target ?? options.service;
  if (!target) throw new UsageError('name the resource to change with --target (or --service)', { hint: 'a registry address, id, ARN or name: faber-cloud infra show-resources --env <env>' });
  if (options.target && options.service && options.target !== options.service) throw new UsageError('--target and --service name different resources: give one');
  try {
    const result = await remediate(
      ctx.cwd,
      {
        env: options.env,
        action: options.action,
        target,
        params: { count: options.count, concurrency: options.concurrency, to: options.to, max_messages: options.maxMessages },
        apply: options.apply === true,
        ...(confirm ? { confirm } : {}),
        ...(profile ? { profile } : {}),
      },
      ctx.env,
      ctx.events,
    );
    return { data: { ...result, identity: identityOutput(result.identity) } satisfies Output<typeof schema.opsRemediate>, human: render(result, ctx) };
  } catch (error) {
    // Refused for the missing confirmation: the person sees what would change first.
    const dryRun = (error as GuardError).details as { dry_run?: RemediationResult } | undefined;
    if (error instanceof GuardError && dryRun?.dry_run) {
      if (!ctx.json) printErr(`${render(dryRun.dry_run, ctx)}\n\n`);
      // The dry run in error.details has the shape of ops remediate's data.
      error.details = { ...dryRun, dry_run: { ...dryRun.dry_run, identity: identityOutput(dryRun.dry_run.identity) } };
    }
    throw error;
  }
}
