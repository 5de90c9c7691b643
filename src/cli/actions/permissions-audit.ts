import { auditReport } from '../../permissions/audit.js';
import type { permissionsAudit } from '../command-sets/permissions.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import { auditEntryOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/permissions.js';

export async function run(ctx: CommandContext, { options }: InputOf<typeof permissionsAudit>): Promise<CommandResult> {
  const { file: display, schema_version, entries, since } = await auditReport(ctx.cwd, options, ctx.env);
  const { env } = options;

  const s = ctx.style;
  const lines: string[] = [];
  if (entries.length === 0) {
    lines.push(`No permission grants or refusals recorded${env ? ` for '${env}'` : ''}${since ? ` since ${since.toISOString()}` : ''} (${display}).`);
  } else {
    const colour = (status: string) => (status === 'granted' ? s.green(status) : status === 'pending' ? s.yellow(status) : s.red(status));
    for (const e of entries) {
      lines.push(`${e.timestamp}  ${colour(e.status.padEnd(8))}  ${e.environment}  ${e.actions.join(', ') || '(no action)'}`);
      if (e.resources.length) lines.push(`  resources  ${e.resources.join(', ')}`);
      lines.push(`  principal  ${e.target_principal.arn}`);
      if (e.status === 'granted') lines.push(`  policy     ${e.policies.map((p) => `${p.name} ${p.version ?? ''}`.trim()).join(', ')}`);
      lines.push(`  by         ${e.granted_by_profile} (${e.granted_by_arn}) · account ${e.account} · id ${e.id}`);
      if (e.reason.text) lines.push(`  reason     ${e.reason.text}`);
      if (e.refusal) lines.push(`  refused    [${e.refusal.reason}] ${e.refusal.message}`);
      if (e.error) lines.push(`  error      ${e.error.code}: ${e.error.message}`);
    }
    lines.push('', `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${display}`);
  }
  return { data: { file: display, schema_version: schema_version as 1, entries: entries.map(auditEntryOutput) } satisfies Output<typeof schema.permissionsAudit>, human: lines.join('\n') };
}
