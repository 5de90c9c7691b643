import { environmentHealth } from '../../ops/read.js';
import type { opsCheckHealth } from '../command-sets/ops-monitor.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderHealth } from '../render/ops.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/ops-monitor.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsCheckHealth>): Promise<CommandResult> {
  const result = await environmentHealth(ctx.cwd, options, ctx.env, ctx.events);
  return { data: result satisfies Output<typeof schema.opsCheckHealth>, human: renderHealth(result, ctx.style), exitCode: result.status === 'healthy' ? 0 : 1 };
}
