/** Output schema of infra test (src/cli/command-sets/infra-test.ts): the saved result, with its file. */
import { z } from 'zod';
import { count } from './common.js';

const severity = z.enum(['critical', 'high', 'medium', 'low']);
const located = { address: z.string(), type: z.string() };

const pre = z.strictObject({
  schema_version: z.literal(1).describe('of the saved result file'),
  phase: z.literal('pre'),
  env: z.string(),
  plan_id: z.string(),
  ran_at: z.string(),
  trigger: z.enum(['infra test', 'infra deploy']),
  passed: z.boolean().describe('false: exit 1 (the gate blocks)'),
  gate: z.strictObject({
    passed: z.boolean(),
    counts: z.record(severity, count),
    limits: z.strictObject({ max_critical: count.optional(), max_high: count.optional(), max_medium: count.optional(), max_low: count.optional() }),
    monthly_budget_usd: z.number().nullable(),
    blocked_by: z.array(z.string()),
  }),
  findings: z.array(
    z.strictObject({
      rule: z.string(),
      severity,
      title: z.string(),
      address: z.string(),
      message: z.string(),
      why: z.string(),
      fix: z.string(),
      source: z.enum(['faber-cloud', 'checkov', 'trivy']),
    }),
  ),
  unchecked: z.array(z.strictObject({ rule: z.string(), address: z.string(), reason: z.string() })),
  cost: z.strictObject({
    currency: z.literal('USD'),
    total_monthly_usd: z.number(),
    lines: z.array(z.strictObject({ ...located, monthly_usd: z.number(), basis: z.string() })),
    usage_based: z.array(z.strictObject({ ...located, note: z.string() })),
    not_estimated: z.array(z.strictObject({ ...located, reason: z.string() })),
    pricing: z.strictObject({ source: z.string(), retrieved: z.string(), region: z.string(), note: z.string().optional() }),
  }),
  adapters: z.array(z.strictObject({ tool: z.enum(['checkov', 'trivy']), status: z.enum(['ran', 'not-installed', 'disabled', 'failed']), detail: z.string(), findings: count })),
  rules: z.array(z.string()),
  resources: count.describe('resources the plan leaves in place'),
  file: z.string().describe('the saved result (absolute)'),
  next: z.string().nullable().describe('the deploy command for this plan; null when the gate blocks'),
});

const checkStatus = z.enum(['ok', 'missing', 'unhealthy', 'denied', 'error', 'not-checked']);
const post = z.strictObject({
  schema_version: z.literal(1),
  phase: z.literal('post'),
  env: z.string(),
  ran_at: z.string(),
  passed: z.boolean().describe('false: exit 1'),
  account: z.string(),
  registry: z.strictObject({ updated_at: z.string(), resources: count }),
  counts: z.record(checkStatus, count),
  checks: z.array(z.strictObject({ address: z.string(), type: z.string(), check: z.string(), status: checkStatus, detail: z.string(), action: z.string().optional() })),
  file: z.string(),
});

export const infraTest = z.discriminatedUnion('phase', [pre, post]);
