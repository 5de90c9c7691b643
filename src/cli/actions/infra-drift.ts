import { detectDrift } from '../../infra/drift.js';
import type { infraDrift } from '../command-sets/infra-real-projects.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderDrift } from '../render/drift.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-real-projects.js';
import { driftOutput } from '../output-shapes.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraDrift>): Promise<CommandResult> {
  const { env, profile, plan, confirm } = options;
  const result = await detectDrift(
    ctx.cwd,
    { env, accept: options.accept === true, ...(plan !== undefined ? { planId: plan } : {}), ...(confirm !== undefined ? { confirm } : {}), ...(profile !== undefined ? { profile } : {}) },
    ctx.env,
    ctx.events,
  );
  return {
    data: driftOutput(result) satisfies Output<typeof schema.infraDrift>,
    human: renderDrift(result, ctx.style).join('\n'),
    // Drift left in place is a finding (exit 1); accepted drift is resolved.
    exitCode: result.drifted.length > 0 && !result.accepted ? 1 : 0,
  };
}
