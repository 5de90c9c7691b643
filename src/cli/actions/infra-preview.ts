import path from 'node:path';
import { preview } from '../../infra/lifecycle.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { renderDigest } from '../render/lifecycle.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const env = String(options.env);
  const destroy = Boolean(options.destroy);
  const result = await preview(ctx.cwd, { env, destroy, ...(typeof options.profile === 'string' ? { profile: options.profile } : {}) }, ctx.env, ctx.events);
  const command = result.nextCommand;
  const lines = [...renderDigest(result.digest, ctx.style), '', `Saved ${path.relative(ctx.cwd, result.planFile)}`, `Next: ${command}`];
  return {
    data: { env, plan_id: result.planId, plan_file: result.planFile, destroy, digest: result.digest, account: result.identity.account, next: command },
    human: lines.join('\n'),
  };
}
