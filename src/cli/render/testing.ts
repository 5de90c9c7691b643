import path from 'node:path';
import type { Colors } from 'picocolors/types.js';
import type { PostTestResult, PreTestResult } from '../../infra/testing/results.js';
import type { Severity } from '../../infra/testing/types.js';

const LABEL: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

function colourOf(severity: Severity, s: Colors) {
  return severity === 'critical' ? (t: string) => s.bold(s.red(t)) : severity === 'high' ? s.red : severity === 'medium' ? s.yellow : s.dim;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The pre-deploy report: verdict and why first, then findings (worst first), what was not checked, cost, adapters. */
export function renderPreTest(result: PreTestResult, savedAs: string, s: Colors): string[] {
  const { gate } = result;
  const counts = (['critical', 'high', 'medium', 'low'] as const).map((sev) => `${gate.counts[sev]} ${sev}`).join(', ');
  const lines = [`Plan ${s.bold(result.plan_id)} ('${result.env}'): ${result.resources} resource(s), ${result.rules.length} rules — ${counts}`];
  if (gate.passed) lines.push(`${s.green('✓')} gate passed (testing.gate${gate.monthly_budget_usd !== null ? ' and testing.monthly_budget_usd' : ''})`);
  else {
    lines.push(`${s.red('✗')} ${s.bold('blocked by the gate:')}`);
    for (const reason of gate.blocked_by) lines.push(`    ${reason}`);
  }
  if (result.findings.length > 0) {
    lines.push('', 'Findings:');
    for (const f of result.findings) {
      const colour = colourOf(f.severity, s);
      lines.push(`  ${colour(LABEL[f.severity].padEnd(8))} ${f.rule}  ${s.bold(f.address)}${f.source === 'faber-cloud' ? '' : s.dim(` (${f.source})`)}`);
      lines.push(`           ${f.message}`);
      if (f.severity === 'critical' || f.severity === 'high') {
        lines.push(`           ${s.dim('why')} ${f.why}`);
        lines.push(`           ${s.dim('fix')} ${f.fix}`);
      }
    }
  }
  if (result.unchecked.length > 0) {
    lines.push('', `Not checked (values known only after apply): ${result.unchecked.length}`);
    for (const u of result.unchecked) lines.push(`  ${u.rule}  ${u.address}: ${u.reason}`);
  }
  const c = result.cost;
  lines.push('', `Estimated cost: ${s.bold(`${usd(c.total_monthly_usd)}/month`)} (${c.lines.length} priced, ${c.usage_based.length} usage-based at $0, ${c.not_estimated.length} not estimated)${gate.monthly_budget_usd !== null ? `, budget ${usd(gate.monthly_budget_usd)}` : ''}`);
  for (const line of c.lines) lines.push(`  ${usd(line.monthly_usd).padStart(10)}  ${line.address}  ${s.dim(line.basis)}`);
  for (const n of c.not_estimated) lines.push(`  ${'not estimated'.padStart(10)}  ${n.address}  ${s.dim(n.reason)}`);
  lines.push(`  ${s.dim(`prices: ${c.pricing.source}, ${c.pricing.retrieved}${c.pricing.note ? `; ${c.pricing.note}` : ''}`)}`);
  lines.push('', `Adapters: ${result.adapters.map((a) => `${a.tool} ${a.status === 'ran' ? `${a.findings} finding(s)` : a.detail}`).join(' · ') || 'none'}`);
  lines.push(`Saved ${savedAs}`);
  return lines;
}

const STATUS_MARK: Record<PostTestResult['checks'][number]['status'], (s: Colors) => string> = {
  ok: (s) => s.green('✓'),
  missing: (s) => s.red('✗'),
  unhealthy: (s) => s.red('✗'),
  error: (s) => s.red('!'),
  denied: (s) => s.yellow('⊘'),
  'not-checked': (s) => s.dim('·'),
};

export function renderPostTest(result: PostTestResult, savedAs: string, s: Colors): string[] {
  const c = result.counts;
  const lines = [
    `${result.passed ? s.green('✓') : s.red('✗')} '${result.env}': ${c.ok} ok, ${c.missing} missing, ${c.unhealthy} unhealthy, ${c.denied} denied, ${c.error} error(s), ${c['not-checked']} not checked`,
  ];
  for (const check of result.checks) lines.push(`  ${STATUS_MARK[check.status](s)} ${check.address}  ${s.dim(check.check)}  ${check.detail}`);
  lines.push(`Saved ${savedAs}`);
  return lines;
}

export function relative(cwd: string, file: string): string {
  return path.relative(cwd, file) || file;
}
