import { z } from 'zod';
import data from '../../../plugin/templates/testing/pricing.json' with { type: 'json' };
import type { PlannedResource } from '../../handlers/iac/types.js';
import type { CostEstimate, CostLine } from './types.js';
import { ownValue } from '../../core/own.js';

/**
 * A monthly cost estimate from a plan, priced by the table in templates/testing/pricing.json.
 * Rough on purpose: list prices, one region, no free tier, usage-based services at $0.
 */

const Condition = z.strictObject({ attribute: z.string(), equals: z.unknown() });

const Term = z.strictObject({
  attribute: z.string(),
  per_unit: z.number().optional(),
  per_unit_by: z.strictObject({ attribute: z.string(), default: z.string(), prices: z.record(z.string(), z.number()) }).optional(),
  unit: z.string(),
  default: z.number().optional(),
  when: Condition.optional(),
});

const TypePricing = z.strictObject({
  base: z.number().optional(),
  lookup: z.strictObject({ attribute: z.string(), monthly: z.record(z.string(), z.number()) }).optional(),
  terms: z.array(Term).optional(),
  multiplier: z.strictObject({ attribute: z.string(), equals: z.unknown(), factor: z.number() }).optional(),
  count_attribute: z.string().optional(),
  usage_based: z.string().optional(),
  usage_based_when: Condition.optional(),
  note: z.string().optional(),
});

const PricingSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  source: z.string(),
  retrieved: z.string(),
  region: z.string(),
  currency: z.literal('USD'),
  hours_per_month: z.number(),
  free: z.array(z.string()),
  types: z.record(z.string(), TypePricing),
});

export type PricingTable = z.output<typeof PricingSchema>;
type TypePrice = z.output<typeof TypePricing>;

export const pricingTable: PricingTable = PricingSchema.parse(data);

function matches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

const round = (n: number) => Math.round(n * 100) / 100;

type Priced = { line: CostLine } | { usage: string } | { notEstimated: string };

function price(r: PlannedResource, pricing: TypePrice): Priced {
  const holds = (c: { attribute: string; equals: unknown } | undefined) => c !== undefined && r.values[c.attribute] === c.equals;
  if (pricing.usage_based && (!pricing.usage_based_when || holds(pricing.usage_based_when))) return { usage: pricing.usage_based };
  let total = pricing.base ?? 0;
  const basis: string[] = [];
  if (pricing.base) basis.push(`$${pricing.base.toFixed(2)} base`);
  if (pricing.lookup) {
    const key = r.values[pricing.lookup.attribute];
    if (typeof key !== 'string') return { notEstimated: `${pricing.lookup.attribute} is known only after apply` };
    const monthly = pricing.lookup.monthly[key];
    if (monthly === undefined) return { notEstimated: `${pricing.lookup.attribute} ${key} is not in the pricing table` };
    total += monthly;
    basis.push(key);
  }
  for (const term of pricing.terms ?? []) {
    if (term.when && !holds(term.when)) continue;
    const raw = r.values[term.attribute];
    const amount = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : term.default;
    if (amount === undefined) return { notEstimated: `${term.attribute} is known only after apply` };
    let unitPrice = term.per_unit ?? 0;
    if (term.per_unit_by) {
      const kind = typeof r.values[term.per_unit_by.attribute] === 'string' ? (r.values[term.per_unit_by.attribute] as string) : term.per_unit_by.default;
      const p = term.per_unit_by.prices[kind];
      if (p === undefined) return { notEstimated: `${term.per_unit_by.attribute} ${kind} is not in the pricing table` };
      unitPrice = p;
      basis.push(kind);
    }
    total += amount * unitPrice;
    basis.push(`${amount} ${term.unit}`);
  }
  if (pricing.multiplier && r.values[pricing.multiplier.attribute] === pricing.multiplier.equals) {
    total *= pricing.multiplier.factor;
    basis.push(`${pricing.multiplier.attribute} x${pricing.multiplier.factor}`);
  }
  if (pricing.count_attribute && typeof r.values[pricing.count_attribute] === 'number') {
    const n = r.values[pricing.count_attribute] as number;
    total *= n;
    basis.push(`x${n} ${pricing.count_attribute}`);
  }
  return { line: { address: r.address, type: r.type, monthly_usd: round(total), basis: [...basis, ...(pricing.note ? [`(${pricing.note})`] : [])].join(', ') } };
}

/** Price every resource the plan leaves in place (deleted ones cost nothing). */
export function estimateCost(resources: readonly PlannedResource[], table: PricingTable = pricingTable, region?: string): CostEstimate {
  const estimate: CostEstimate = {
    currency: 'USD',
    total_monthly_usd: 0,
    lines: [],
    usage_based: [],
    not_estimated: [],
    pricing: {
      source: table.source,
      retrieved: table.retrieved,
      region: table.region,
      ...(region && region !== table.region ? { note: `prices are for ${table.region}; ${region} may differ` } : {}),
    },
  };
  for (const r of resources) {
    if (r.action === 'delete') continue;
    if (table.free.some((p) => matches(p, r.type))) continue;
    const pricing = ownValue(table.types, r.type);
    if (!pricing) {
      estimate.not_estimated.push({ address: r.address, type: r.type, reason: 'type not in the pricing table' });
      continue;
    }
    const priced = price(r, pricing);
    if ('line' in priced) estimate.lines.push(priced.line);
    else if ('usage' in priced) estimate.usage_based.push({ address: r.address, type: r.type, note: priced.usage });
    else estimate.not_estimated.push({ address: r.address, type: r.type, reason: priced.notEstimated });
  }
  estimate.total_monthly_usd = round(estimate.lines.reduce((sum, l) => sum + l.monthly_usd, 0));
  return estimate;
}
