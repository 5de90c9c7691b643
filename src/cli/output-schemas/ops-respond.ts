/** Output schemas of ops remediate and ops audit (src/cli/command-sets/ops-respond.ts). */
import { z } from 'zod';
import { IdentitySchema, OpsProblemSchema, count } from './common.js';

export const opsRemediate = z.strictObject({
  env: z.string(),
  action: z.string().describe('the catalogue action, e.g. scale-service'),
  target: z.strictObject({ address: z.string(), type: z.string(), id: z.string().nullable() }),
  outcome: z.enum(['dry-run', 'no-change', 'success']).describe('dry-run: nothing changed (no --apply)'),
  setting: z.string().describe('the setting changed, e.g. desired_count'),
  before: z.unknown(),
  after: z.unknown().describe('dry-run: the value it would have'),
  changes: z.string(),
  api: z.string().describe('the provider call it makes'),
  undo: z.strictObject({ command: z.string().nullable(), note: z.string() }),
  apply_command: z.string().describe('the command that applies this dry run'),
  history_id: z.string().nullable(),
  details: z.unknown().optional().describe('action-specific: e.g. the messages redrive-dlq moved'),
  identity: IdentitySchema,
});

const severity = z.enum(['critical', 'high', 'medium', 'low']);

export const opsAudit = z.strictObject({
  env: z.string(),
  type: z.enum(['security', 'cost', 'all']),
  generated_at: z.string(),
  registry: z.string(),
  resources: count,
  summary: z.record(severity, count),
  findings: z.array(
    z.strictObject({
      rule: z.string(),
      type: z.enum(['security', 'cost']),
      severity,
      title: z.string(),
      resource: z.string().describe('registry address, or the resource type for a cost finding about a whole type'),
      evidence: z.string(),
      fix: z.string(),
    }),
  ),
  security: z.strictObject({ inspected: z.array(z.string()), not_inspected: z.array(z.strictObject({ address: z.string(), type: z.string() })) }).nullable(),
  cost: z
    .strictObject({
      currency: z.string(),
      pricing: z.strictObject({ source: z.string(), as_of: z.string(), region: z.string(), file: z.string() }),
      total_monthly_usd: z.number(),
      unpriced_resources: count,
      by_type: z.array(
        z.strictObject({
          type: z.string(),
          count,
          unit_monthly_usd: z.number().nullable(),
          monthly_usd: z.number().nullable(),
          price_source: z.enum(['table', 'override', 'unpriced']),
          assumes: z.string().nullable(),
        }),
      ),
      budget_monthly_usd: z.number().nullable(),
    })
    .nullable(),
  gaps: z.array(OpsProblemSchema.extend({ resource: z.string(), check: z.string() })),
  complete: z.boolean().describe('false when a check could not run'),
  fail_on: z.string(),
  failing: z.string().nullable().describe('why the command exits 1, if it does'),
  identity: IdentitySchema.nullable(),
});
