import { investigateIncident } from '../../ops/read.js';
import type { opsInvestigate } from '../command-sets/ops-monitor.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderIncident } from '../render/ops.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/ops-monitor.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsInvestigate>): Promise<CommandResult> {
  const result = await investigateIncident(ctx.cwd, options, ctx.env, ctx.events);
  return { data: result satisfies Output<typeof schema.opsInvestigate>, human: renderIncident(result, ctx.style) };
}
