import { audit, type AuditReport } from '../../ops/audit.js';
import type { opsAudit } from '../command-sets/ops-respond.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import type { Output } from '../output-schemas/common.js';
import { identityOutput } from '../output-shapes.js';
import type * as schema from '../output-schemas/ops-respond.js';

function render(r: AuditReport, ctx: CommandContext): string {
  const s = ctx.style;
  const paint: Record<string, (t: string) => string> = { critical: (t) => s.bold(s.red(t)), high: s.red, medium: s.yellow, low: s.dim };
  const lines: string[] = [];
  if (r.resources === 0) lines.push(`No resources recorded for '${r.env}' (${r.registry}): nothing to audit.`, `Next: faber-cloud infra deploy --env ${r.env}`);
  if (r.security) {
    lines.push(s.bold(`Security — ${r.security.inspected.length} resource(s) inspected`));
    const security = r.findings.filter((f) => f.type === 'security');
    if (security.length === 0) lines.push(`  ${s.green('✓')} no findings`);
    for (const f of security) {
      lines.push(`  ${(paint[f.severity] ?? String)(f.severity.padEnd(8))} ${f.title} — ${f.resource}`, `           ${s.dim(f.evidence)}`, `           fix: ${f.fix}`);
    }
    if (r.security.not_inspected.length > 0) lines.push(s.dim(`  not inspected (no security checks for their type): ${[...new Set(r.security.not_inspected.map((n) => n.type))].join(', ')}`));
  }
  if (r.cost) {
    const c = r.cost;
    lines.push('', s.bold(`Cost — about $${c.total_monthly_usd.toFixed(2)}/month`) + s.dim(` (${c.pricing.region} list prices as of ${c.pricing.as_of}, ${c.pricing.file}; an estimate, not a bill)`));
    for (const l of c.by_type) {
      const price = l.monthly_usd === null ? s.yellow('unpriced') : `$${l.monthly_usd.toFixed(2)}`;
      lines.push(`  ${String(l.count).padStart(4)} × ${l.type.padEnd(34)} ${price.padStart(10)}  ${s.dim(l.assumes ?? '')}`);
    }
    for (const f of r.findings.filter((x) => x.type === 'cost')) lines.push(`  ${(paint[f.severity] ?? String)(f.severity.padEnd(8))} ${f.title}: ${f.evidence}`);
  }
  if (r.gaps.length > 0) {
    lines.push('', s.yellow(`Incomplete — ${r.gaps.length} check(s) could not run:`));
    for (const g of r.gaps) lines.push(`  ${g.resource} ${g.check}: ${g.message}${g.grant ? `\n    grant: ${g.grant}` : ''}`);
  }
  const counts = Object.entries(r.summary).map(([k, v]) => `${v} ${k}`).join(', ');
  lines.push('', `${counts}${r.failing ? ` — ${r.failing}` : ''}`);
  return lines.join('\n');
}

export async function run(ctx: CommandContext, { options }: InputOf<typeof opsAudit>): Promise<CommandResult> {
  const report = await audit(
    ctx.cwd,
    { env: options.env, type: options.type, ...(options.profile !== undefined ? { profile: options.profile } : {}) },
    ctx.env,
    ctx.events,
  );
  return { data: { ...report, identity: report.identity && identityOutput(report.identity) } satisfies Output<typeof schema.opsAudit>, human: render(report, ctx), exitCode: report.failing ? 1 : 0 };
}
