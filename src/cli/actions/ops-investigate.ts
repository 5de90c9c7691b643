import { UsageError } from '../../core/errors.js';
import { investigate } from '../../ops/investigate.js';
import { withOpsSession } from '../../ops/session.js';
import { parseSince } from '../../ops/window.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { renderIncident } from '../render/ops.js';
import { opsRequest } from '../ops-options.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const { request, service, since } = opsRequest(options);
  const issue = typeof options.issue === 'string' ? options.issue.trim() : '';
  if (!issue) throw new UsageError('--issue needs a description of the problem', { hint: 'e.g. --issue "500 errors on checkout"' });
  const report = ctx.events;
  const result = await withOpsSession(ctx.cwd, request, ctx.env, report, (session) =>
    investigate(session, { issue, service, window: parseSince(since ?? session.view.config.ops.investigate.window) }, report),
  );
  return { data: result, human: renderIncident(result, ctx.style) };
}
