import { investigateIncident } from '../../ops/read.js';
import type { opsInvestigate } from '../command-sets/ops-monitor.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderIncident } from '../render/ops.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsInvestigate>): Promise<CommandResult> {
  const result = await investigateIncident(ctx.cwd, options, ctx.env, ctx.events);
  return { data: result, human: renderIncident(result, ctx.style) };
}
