import table from '../../plugin/templates/pricing/aws-us-east-1.json' with { type: 'json' };
import type { RegistryResource } from '../registry/registry.js';
import { finding, type Finding } from './audit-rules.js';
import { ownValue } from '../core/own.js';

/**
 * The cost view of `ops audit`: resources counted by type and priced from the baseline
 * table in templates/pricing (one resource under the stated assumption), with the
 * project's overrides. An estimate of the order of magnitude, not a bill. Pure.
 */

export interface PricingTable {
  provider: string;
  region: string;
  currency: string;
  source: string;
  as_of: string;
  types: Record<string, { monthly_usd: number; assumes: string }>;
}

export interface CostLine {
  type: string;
  count: number;
  /** Monthly cost of one resource; null when the type is not priced. */
  unit_monthly_usd: number | null;
  monthly_usd: number | null;
  price_source: 'table' | 'override' | 'unpriced';
  assumes: string | null;
}

export interface CostView {
  currency: string;
  pricing: { source: string; as_of: string; region: string; file: string };
  total_monthly_usd: number;
  /** Resources of types without a price: the total leaves them out. */
  unpriced_resources: number;
  by_type: CostLine[];
  budget_monthly_usd: number | null;
}

export const PRICING: PricingTable = table as PricingTable;
const round = (n: number) => Math.round(n * 100) / 100;

export function costView(resources: readonly Pick<RegistryResource, 'type'>[], overrides: Record<string, number>, budget?: number): { view: CostView; findings: Finding[] } {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const lines: CostLine[] = [...counts].map(([type, count]) => {
    // Resource types come from the registry: a type named like an Object property must not find one.
    const override = ownValue(overrides, type);
    const listed = ownValue(PRICING.types, type);
    const unit = override ?? listed?.monthly_usd ?? null;
    return {
      type,
      count,
      unit_monthly_usd: unit,
      monthly_usd: unit === null ? null : round(unit * count),
      price_source: override !== undefined ? 'override' : listed ? 'table' : 'unpriced',
      assumes: override !== undefined ? 'audit.pricing_overrides in devops.json' : (listed?.assumes ?? null),
    };
  });
  lines.sort((a, b) => (b.monthly_usd ?? -1) - (a.monthly_usd ?? -1) || a.type.localeCompare(b.type));
  const total = round(lines.reduce((sum, l) => sum + (l.monthly_usd ?? 0), 0));
  const findings: Finding[] = lines
    .filter((l) => l.price_source === 'unpriced')
    .map((l) => finding('cost-unpriced', l.type, `${l.count} × ${l.type}: not in templates/pricing/aws-us-east-1.json nor audit.pricing_overrides, left out of the estimate`));
  if (budget !== undefined) {
    if (total > budget) findings.push(finding('cost-over-budget', 'environment', `estimate $${total.toFixed(2)}/month is above the budget of $${budget.toFixed(2)}`));
    else if (total > budget * 0.8) findings.push(finding('cost-near-budget', 'environment', `estimate $${total.toFixed(2)}/month is ${Math.round((total / budget) * 100)}% of the budget of $${budget.toFixed(2)}`));
  }
  return {
    view: {
      currency: PRICING.currency,
      pricing: { source: PRICING.source, as_of: PRICING.as_of, region: PRICING.region, file: `templates/pricing/${PRICING.provider}-${PRICING.region}.json` },
      total_monthly_usd: total,
      unpriced_resources: lines.filter((l) => l.price_source === 'unpriced').reduce((n, l) => n + l.count, 0),
      by_type: lines,
      budget_monthly_usd: budget ?? null,
    },
    findings,
  };
}
