import { grantPermissions } from '../../infra/grant.js';
import { requestedDenials } from '../../permissions/requested.js';
import type { permissionsGrant } from '../command-sets/permissions.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import { grantOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/permissions.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof permissionsGrant>): Promise<CommandResult> {
  const { env, profile } = options;
  const { denials, reasonText } = requestedDenials({ actions: options.action, resource: options.resource, reason: options.reason });
  const result = await grantPermissions(
    ctx.cwd,
    { env, denials, reasonText, source: 'cli', ...(profile !== undefined ? { profile } : {}) },
    ctx.env,
    ctx.events,
  );

  const s = ctx.style;
  const lines: string[] = [];
  for (const g of result.plan.grantable) lines.push(`${s.green('✓')} granted ${g.action} on ${g.resources.join(', ')}`);
  for (const p of result.applied?.policies ?? []) {
    const what = p.change === 'created' ? 'created' : p.change === 'updated' ? `new version ${p.version}` : `unchanged (${p.version})`;
    lines.push(`  policy     ${p.name} ${what}${p.attached ? ', attached' : ''}${p.prunedVersions.length ? `, deleted old ${p.prunedVersions.join(', ')}` : ''}`);
  }
  lines.push(`  principal  ${result.principal}`);
  lines.push(`  audit      ${result.auditIds.length > 0 ? result.auditIds.join(', ') : '-'}`);
  lines.push('', `Next: faber-cloud permissions audit --env ${env}`);
  return { data: grantOutput(result) satisfies Output<typeof schema.permissionsGrant>, human: lines.join('\n') };
}
