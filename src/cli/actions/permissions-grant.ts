import { grantPermissions } from '../../permissions/grant.js';
import { requestedDenials } from '../../permissions/requested.js';
import type { permissionsGrant } from '../command-sets/permissions.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof permissionsGrant>): Promise<CommandResult> {
  const { env, profile } = options;
  const { denials, reasonText } = requestedDenials({ actions: options.action, resource: options.resource, reason: options.reason });
  const s = ctx.style;
  const result = await grantPermissions(
    ctx.cwd,
    { env, denials, reasonText, source: 'cli', ...(profile !== undefined ? { profile } : {}) },
    ctx.env,
    (event) => {
      if (event.kind === 'identity') {
        ctx.progress.step(`account ${s.bold(event.identity.account)} · region ${event.authorization.region} · profile ${event.authorization.profile} (${event.authorization.role})`);
        ctx.progress.info(`caller ${event.identity.arn}`);
      } else ctx.progress.step(event.message);
    },
  );

  const lines: string[] = [];
  for (const g of result.plan.grantable) lines.push(`${s.green('✓')} granted ${g.action} on ${g.resources.join(', ')}`);
  for (const p of result.applied?.policies ?? []) {
    const what = p.change === 'created' ? 'created' : p.change === 'updated' ? `new version ${p.version}` : `unchanged (${p.version})`;
    lines.push(`  policy     ${p.name} ${what}${p.attached ? ', attached' : ''}${p.prunedVersions.length ? `, deleted old ${p.prunedVersions.join(', ')}` : ''}`);
  }
  lines.push(`  principal  ${result.principal}`);
  lines.push(`  audit      ${result.auditIds.length > 0 ? result.auditIds.join(', ') : '-'}`);
  lines.push('', `Next: faber-cloud permissions audit --env ${env}`);
  return { data: result, human: lines.join('\n') };
}
