import { preflight } from '../../infra/preflight.js';
import type { permissionsPreflight } from '../command-sets/permissions.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { preflightLines } from '../render/preflight.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/permissions.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof permissionsPreflight>): Promise<CommandResult> {
  const result = await preflight(ctx.cwd, { env: options.env, ...(options.plan !== undefined ? { planId: options.plan } : {}), ...(options.profile !== undefined ? { profile: options.profile } : {}) }, ctx.env, ctx.events);
  const lines = [`Plan ${result.plan_id} of '${result.env}' (account ${result.account}, ${result.region}; action map ${result.map.provider} ${result.map.version})`, ...preflightLines(result, ctx.style, true)];
  if (result.summary.missing > 0) lines.push('', `infra deploy --env ${result.env} grants the missing ones before the apply where auto_fix_permissions is on; or: faber-cloud permissions grant --env ${result.env} --action A --reason '...'`);
  return { data: result satisfies Output<typeof schema.permissionsPreflight>, human: lines.join('\n') };
}
