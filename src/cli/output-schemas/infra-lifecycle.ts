/** Output schemas of the infra lifecycle commands (src/cli/command-sets/infra-lifecycle.ts). */
import { z } from 'zod';
import { CATEGORIES } from '../../debugger/categories.js';
import { SolutionSchema } from '../../debugger/issue-log.js';
import { HistoryEntrySchema } from '../../infra/history.js';
import { RegistryResourceSchema } from '../../registry/schema.js';
import { ApplyCountsSchema, DiagnosisSchema, DiagnosticSchema, IdentitySchema, PlanDigestSchema, PreflightOutcomeSchema, count } from './common.js';

export const infraValidate = z.strictObject({
  env: z.string(),
  directory: z.string().describe('the Terraform directory, relative to the project root'),
  valid: z.boolean().describe('false: exit 1, the problems are in unformatted and diagnostics'),
  unformatted: z.array(z.string()).describe('files whose formatting differs from fmt'),
  diagnostics: z.array(DiagnosticSchema),
  tool: z.strictObject({ tool: z.string(), version: z.string() }),
});

export const infraPreview = z.strictObject({
  env: z.string(),
  plan_id: z.string().regex(/^[0-9a-f]{12}$/).describe('what infra deploy --plan binds to'),
  plan_file: z.string().describe('the saved .tfplan (absolute)'),
  destroy: z.boolean(),
  digest: PlanDigestSchema,
  account: z.string().describe('the account the plan was made in'),
  next: z.string().describe('the command that applies this plan'),
  preflight: PreflightOutcomeSchema.optional().describe('what the plan needs from IAM (AWS hosting)'),
});

/** infra deploy and infra destroy: the same guarded apply of one saved plan. */
const applied = z.strictObject({
  env: z.string(),
  operation: z.enum(['deploy', 'destroy']),
  deployment_id: z.string().describe('the id of its history entry'),
  outcome: z.enum(['success', 'failed', 'no-changes', 'interrupted']),
  plan_id: z.string(),
  digest: PlanDigestSchema,
  apply: z
    .strictObject({
      ok: z.boolean(),
      counts: ApplyCountsSchema,
      diagnostics: z.array(DiagnosticSchema),
      completed: z.array(z.string()).describe('resource addresses whose step completed, in order'),
      failed: z.array(z.string()),
    })
    .nullable()
    .describe('null when nothing was applied (no changes)'),
  auto_fix: z.strictObject({ rounds: count, granted: z.array(z.string()).describe('IAM actions granted') }),
  preflight: PreflightOutcomeSchema.optional().describe('deploy with auto_fix_permissions: the preflight before the apply and what it granted'),
  registry: z.strictObject({ file: z.string(), resources: count }),
  deployed_markdown: z.string().describe('DEPLOYED.md (absolute)'),
  identity: IdentitySchema,
  solutions_confirmed: z.array(z.string()).describe('debugger solutions this run proved to work'),
});
export const infraDeploy = applied;
export const infraDestroy = applied;

export const infraShowResources = z.strictObject({
  env: z.string(),
  registry: z.string().describe('registry.json, relative to the project root'),
  account: z.string().nullable(),
  updated_at: z.string().nullable().describe('null: nothing was ever recorded for the environment'),
  resources: z.array(RegistryResourceSchema),
});

export const infraHistory = z.strictObject({
  env: z.string(),
  /** Newest first: the lines of deployments/{env}/history.jsonl. */
  entries: z.array(HistoryEntrySchema),
});

// ---------------------------------------------------------------------------------------------
// infra debug: one shape per mode

const category = z.enum(CATEGORIES);
const errorSource = z.strictObject({
  kind: z.enum(['file', 'stdin', 'last-failure', 'history']),
  file: z.string().optional(),
  env: z.string().optional(),
  deployment_id: z.string().nullable().optional(),
  at: z.string().optional(),
  error_code: z.string().optional(),
});

export const infraDebug = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('diagnose'), source: errorSource, file: z.string().describe('the issue log'), errors: z.array(DiagnosisSchema) }),
  z.strictObject({
    mode: z.literal('list'),
    file: z.string(),
    issues: z.array(
      z.strictObject({
        id: z.string(),
        title: z.string(),
        category,
        source: z.enum(['builtin', 'observed']),
        occurrences: z.record(z.string(), count),
        total: count,
        last_seen: z.string().nullable(),
        solutions: count,
      }),
    ),
  }),
  z.strictObject({ mode: z.literal('add-solution'), issue_id: z.string(), created_issue: z.boolean(), solution: SolutionSchema }),
  z.strictObject({ mode: z.literal('record-outcome'), solution_id: z.string(), issue_id: z.string(), outcome: z.enum(['success', 'failure']), attempts: count, successes: count }),
  z.strictObject({ mode: z.literal('applied'), solution_id: z.string(), issue_id: z.string(), env: z.string() }),
]);
