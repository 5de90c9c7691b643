import { checkHealth } from '../../ops/health.js';
import { withOpsSession } from '../../ops/session.js';
import { parseSince } from '../../ops/window.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { renderHealth } from '../render/ops.js';
import { opsRequest } from '../ops-options.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const { request, service, since } = opsRequest(options);
  const report = ctx.events;
  const result = await withOpsSession(ctx.cwd, request, ctx.env, report, (session) =>
    checkHealth(session, { service, window: parseSince(since ?? session.view.config.ops.health.window) }, report),
  );
  return { data: result, human: renderHealth(result, ctx.style), exitCode: result.status === 'healthy' ? 0 : 1 };
}
