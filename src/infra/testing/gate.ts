import type { FaberConfig } from '../../core/config/schema.js';
import { SEVERITIES, type CostEstimate, type Finding, type GateLimits, type GateResult, type Severity } from './types.js';

/** Whether a plan may deploy: findings per severity within `testing.gate`, cost within `testing.monthly_budget_usd`. */
export function evaluateGate(findings: readonly Finding[], cost: CostEstimate, testing: FaberConfig['testing']): GateResult {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  const { $comment: _comment, ...limits } = testing.gate as GateLimits & { $comment?: string };
  const blocked: string[] = [];
  for (const severity of SEVERITIES) {
    const limit = limits[`max_${severity}`];
    if (limit !== undefined && counts[severity] > limit) {
      blocked.push(`${counts[severity]} ${severity} finding${counts[severity] === 1 ? '' : 's'}: at most ${limit} allowed (testing.gate.max_${severity})`);
    }
  }
  const budget = testing.monthly_budget_usd ?? null;
  if (budget !== null && cost.total_monthly_usd > budget) {
    blocked.push(`estimated $${cost.total_monthly_usd.toFixed(2)}/month exceeds the budget of $${budget.toFixed(2)} (testing.monthly_budget_usd)`);
  }
  return { passed: blocked.length === 0, counts, limits, monthly_budget_usd: budget, blocked_by: blocked };
}
