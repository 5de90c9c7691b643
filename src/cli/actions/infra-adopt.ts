import { adopt } from '../../infra/adopt.js';
import type { infraAdopt } from '../command-sets/infra-real-projects.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderAdopt } from '../render/adopt.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-real-projects.js';
import { adoptOutput } from '../output-shapes.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraAdopt>): Promise<CommandResult> {
  const { env, profile, confirm } = options;
  const result = await adopt(
    ctx.cwd,
    { env, dryRun: options.dryRun === true, ...(confirm !== undefined ? { confirm } : {}), ...(profile !== undefined ? { profile } : {}) },
    ctx.env,
    ctx.events,
  );
  const unresolved = result.differences.length + result.not_imported.length + result.other_changes.length;
  return {
    data: adoptOutput(result) satisfies Output<typeof schema.infraAdopt>,
    human: renderAdopt(result, ctx.style).join('\n'),
    // A plan that would do more than import is a finding: resolve it before deploying.
    exitCode: unresolved > 0 ? 1 : 0,
  };
}
