import { loadEnvironment } from '../../infra/environment.js';
import { readHistory } from '../../infra/history.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { UsageError } from '../../core/errors.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const view = await loadEnvironment(ctx.cwd, String(options.env), ctx.env);
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${String(options.limit)}: expected a positive whole number`);
  const entries = (await readHistory(view.envPaths.historyFile, view.display(view.envPaths.historyFile))).slice(-limit).reverse();
  const data = { env: view.name, entries };
  if (entries.length === 0) return { data, human: `No deployments recorded for '${view.name}' yet.` };
  const s = ctx.style;
  const lines = entries.map((h) => {
    const outcome = h.outcome === 'failed' ? s.red(h.outcome) : h.outcome === 'interrupted' ? s.yellow(h.outcome) : s.green(h.outcome);
    return `${h.finished_at}  ${h.operation.padEnd(7)} ${outcome.padEnd(10)} plan ${h.plan_id ?? '-'}  +${h.add} ~${h.change} -${h.destroy}  ${(h.duration_ms / 1000).toFixed(1)}s  ${h.profile}${h.error_codes.length ? s.dim(`  ${h.error_codes.join(', ')}`) : ''}`;
  });
  return { data, human: lines.join('\n') };
}
