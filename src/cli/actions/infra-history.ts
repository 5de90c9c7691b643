import { recentHistory } from '../../infra/views.js';
import type { infraHistory } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { ENTRIES_LIMIT, parseLimit } from '../options.js';
import { showValue as show } from '../render/values.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraHistory>): Promise<CommandResult> {
  const data = (await recentHistory(ctx.cwd, options.env, parseLimit(options.limit, ENTRIES_LIMIT), ctx.env)) satisfies Output<typeof schema.infraHistory>;
  const { entries } = data;
  if (entries.length === 0) return { data, human: `No deployments or remediations recorded for '${data.env}' yet.` };
  const s = ctx.style;
  const lines = entries.map((h) => {
    const outcome = h.outcome === 'failed' ? s.red(h.outcome) : h.outcome === 'interrupted' ? s.yellow(h.outcome) : s.green(h.outcome);
    const errors = h.error_codes.length ? s.dim(`  ${h.error_codes.join(', ')}`) : '';
    const r = h.remediation;
    if (r) {
      const undo = r.undo_command ? `undo: ${r.undo_command}` : r.undo_note;
      return `${h.finished_at}  ${h.operation.padEnd(9)} ${outcome.padEnd(10)} ${r.action} ${r.target}  ${r.setting} ${show(r.before)} -> ${show(r.after)}  ${h.profile}${errors}\n${' '.repeat(h.finished_at.length + 2)}${s.dim(undo)}`;
    }
    return `${h.finished_at}  ${h.operation.padEnd(9)} ${outcome.padEnd(10)} plan ${h.plan_id ?? '-'}  +${h.add} ~${h.change} -${h.destroy}  ${(h.duration_ms / 1000).toFixed(1)}s  ${h.profile}${errors}`;
  });
  return { data, human: lines.join('\n') };
}
