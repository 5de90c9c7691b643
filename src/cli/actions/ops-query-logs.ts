import { serviceLogs } from '../../ops/read.js';
import type { opsQueryLogs } from '../command-sets/ops-monitor.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { EVENTS_LIMIT, parseLimit } from '../options.js';
import { renderLogs } from '../render/ops.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/ops-monitor.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsQueryLogs>): Promise<CommandResult> {
  const result = await serviceLogs(ctx.cwd, { ...options, limit: parseLimit(options.limit, EVENTS_LIMIT) }, ctx.env, ctx.events);
  return { data: result satisfies Output<typeof schema.opsQueryLogs>, human: renderLogs(result, result.service, result.env, ctx.style) };
}
