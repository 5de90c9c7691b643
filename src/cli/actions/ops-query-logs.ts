import { UsageError } from '../../core/errors.js';
import { step } from '../../core/events.js';
import { logNormaliser, queryLogs, type LogLevel } from '../../ops/logs.js';
import { environmentResources, logGroupsOf, selectService, serviceMatcher } from '../../ops/resources.js';
import { withOpsSession } from '../../ops/session.js';
import { parseSince } from '../../ops/window.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { renderLogs } from '../render/ops.js';
import { opsRequest, parseLimit } from '../ops-options.js';

export async function run(ctx: CommandContext, { options }: ActionInput): Promise<CommandResult> {
  const { request, service, since } = opsRequest(options);
  const limitOption = parseLimit(options.limit);
  const level = typeof options.level === 'string' ? (options.level as LogLevel) : undefined;
  const filter = typeof options.filter === 'string' ? options.filter : undefined;
  if (!service) throw new UsageError('--service needs a name', { hint: 'e.g. --service api' });
  const report = ctx.events;
  return withOpsSession(ctx.cwd, request, ctx.env, report, async (session) => {
    const { view } = session;
    const window = parseSince(since ?? view.config.ops.logs.window);
    const found = await environmentResources(session, report);
    const resources = selectService(found.resources, serviceMatcher(view.config, view.name), service, view.name);
    const groups = logGroupsOf(resources);
    if (groups.length === 0) {
      throw new UsageError(`service '${service}' of '${view.name}' has no log groups`, {
        code: 'E_USAGE_NO_LOG_GROUPS',
        hint: `its resources (${resources.map((r) => r.address ?? r.name).join(', ')}) include no aws_cloudwatch_log_group and no Lambda function`,
      });
    }
    const limit = limitOption ?? view.config.ops.logs.max_events;
    report(step('OPS_STEP', `querying ${groups.length} log group${groups.length === 1 ? '' : 's'} (${groups.join(', ')}) over ${window.since}`));
    const result = await queryLogs(session.monitoring, { groups, window, level, filter, limit }, logNormaliser(view.config), view.name, report);
    return { data: { env: view.name, service, source: found.source, ...result }, human: renderLogs(result, service, view.name, ctx.style) };
  });
}
