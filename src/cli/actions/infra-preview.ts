import path from 'node:path';
import { preview } from '../../infra/lifecycle.js';
import type { infraPreview } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { renderDigest } from '../render/lifecycle.js';
import type { Output } from '../output-schemas/common.js';
import { digestOutput, preflightOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';
import { preflightLines } from '../render/preflight.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof infraPreview>): Promise<CommandResult> {
  const { env, profile } = options;
  const destroy = options.destroy === true;
  const result = await preview(ctx.cwd, { env, destroy, ...(profile !== undefined ? { profile } : {}) }, ctx.env, ctx.events);
  const command = result.nextCommand;
  const pf = result.preflight;
  const preflight = pf === undefined ? [] : 'error' in pf ? ['', `Permission preflight did not run (${pf.error.code}): ${pf.error.message}`] : ['', ...preflightLines(pf, ctx.style, false)];
  const lines = [...renderDigest(result.digest, ctx.style), ...preflight, '', `Saved ${path.relative(ctx.cwd, result.planFile)}`, `Next: ${command}`];
  return {
    data: { env, plan_id: result.planId, plan_file: result.planFile, destroy, digest: digestOutput(result.digest), account: result.identity.account, next: command, ...(pf ? { preflight: preflightOutput(pf) } : {}) } satisfies Output<typeof schema.infraPreview>,
    human: lines.join('\n'),
  };
}
