/**
 * The `--json` contract's envelope and the concepts several commands share (docs/JSON-OUTPUT.md).
 * One schema per concept: a plan digest, a caller identity, a denial, add/change/destroy counts
 * have the same keys in every command that prints them. Loaded only by the schema modules,
 * never by `--help`.
 */
import { z } from 'zod';
import { CATEGORIES } from '../../debugger/categories.js';
import { DENIAL_REASONS } from '../../handlers/hosting/aws/denials.js';
import { OUTPUT_SCHEMA_VERSION } from '../output.js';

export { OUTPUT_SCHEMA_VERSION };


export const count = z.number().int().min(0);

const errorBody = z.strictObject({
  code: z.string().regex(/^E_[A-Z0-9_]+$/).describe('stable error code, e.g. E_GUARD_PROFILE'),
  message: z.string(),
  hint: z.string().optional(),
  /** What the error carries for a program (problems, the plan to review, the dry run, ...): per code, see docs/JSON-OUTPUT.md. */
  details: z.unknown().optional(),
});

/** The one object stdout carries under --json: a success with the command's data, or an error. */
export const envelopeSchema = (data: z.ZodType = z.unknown()) =>
  z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), schema_version: z.literal(OUTPUT_SCHEMA_VERSION), command: z.string(), data }),
    z.strictObject({ ok: z.literal(false), schema_version: z.literal(OUTPUT_SCHEMA_VERSION), command: z.string().optional(), error: errorBody }),
  ]);
export const EnvelopeSchema = envelopeSchema();

/** What the IaC tool reported, located when it says where. */
export const DiagnosticSchema = z.strictObject({
  severity: z.enum(['error', 'warning']),
  summary: z.string(),
  detail: z.string().optional(),
  address: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

const changeAction = z.enum(['create', 'update', 'replace', 'delete', 'read', 'no-op']);

/** One planned change of a resource: names only, never values. */
export const PlannedChangeSchema = z.strictObject({
  address: z.string().describe('Terraform address, or the CloudFormation logical id'),
  type: z.string(),
  action: changeAction,
  physical_id: z.string().optional().describe("the resource's id in the cloud, when the tool names it before applying (CloudFormation)"),
  changed_attributes: z.array(z.string()).optional(),
  replace_reason: z.array(z.string()).optional(),
  importing: z.literal(true).optional().describe('the plan imports this resource into state (infra adopt); with action no-op nothing in the cloud changes'),
});

/** A secret-free summary of a saved plan: what `infra preview` shows and `infra deploy` applies. */
export const PlanDigestSchema = z.strictObject({
  plan_id: z.string().regex(/^[0-9a-f]{12}$/),
  counts: z.strictObject({ create: count, update: count, replace: count, delete: count, import: count.optional().describe('resources imported into state; absent when none') }),
  /** Destroys and replacements first. */
  changes: z.array(PlannedChangeSchema),
  outputs: z.array(z.strictObject({ name: z.string(), action: changeAction, sensitive: z.boolean() })),
  has_changes: z.boolean(),
});

/** Resources added, changed and destroyed by an apply. */
export const ApplyCountsSchema = z.strictObject({ add: count, change: count, destroy: count });

/** Who the command ran as (from STS GetCallerIdentity) and with which profile. */
export const IdentitySchema = z.strictObject({
  account: z.string(),
  arn: z.string(),
  user_id: z.string(),
  partition: z.string(),
  profile: z.string().nullable(),
  region: z.string(),
});

/** One AccessDenied-style error, parsed (permissions parse-error, infra debug, permissions audit). */
export const DenialSchema = z.strictObject({
  kind: z.literal('denial'),
  principal_arn: z.string().optional(),
  action: z.string().optional().describe('service:Operation; absent when neither the message nor its context names one'),
  action_inferred: z.boolean(),
  resource_arn: z.string().optional(),
  resource_inferred: z.boolean(),
  reason: z.enum(DENIAL_REASONS),
  explicit: z.boolean().optional(),
  policy_arn: z.string().optional(),
  code: z.string(),
  encoded_message: z.string().optional(),
  address: z.string().optional(),
});

/** A provider call an ops command could not make, what it left unchecked, and the grant that fixes a denial. */
export const OpsProblemSchema = z.strictObject({
  action: z.string(),
  failure: z.enum(['denied', 'credentials', 'not-found', 'unavailable', 'failed']),
  message: z.string(),
  affects: z.string(),
  grant: z.string().nullable(),
});

/** A time window an ops command read: the --since given and the times it resolved to. */
export const WindowSchema = z.strictObject({ since: z.string(), start: z.string(), end: z.string() });

const confidence = z.enum(['exact', 'high', 'medium', 'low']);

const proposedSolution = z.strictObject({
  rank: z.number().int(),
  id: z.string(),
  issue_id: z.string(),
  title: z.string(),
  steps: z.array(z.string()),
  commands: z.array(z.string()),
  attempts: count,
  successes: count,
  success_rate: z.number().nullable(),
  proven: z.boolean(),
  last_used: z.string().nullable(),
  match: confidence,
});

/** The debugger's reading of one error: category, known issue, ranked solutions (infra debug, ops investigate). */
export const DiagnosisSchema = z.strictObject({
  summary: z.string(),
  category: z.enum(CATEGORIES),
  error_code: z.string().nullable(),
  service: z.string().nullable(),
  operation: z.string().nullable(),
  resource_type: z.string().nullable(),
  address: z.string().nullable(),
  signature: z.string(),
  normalized_message: z.string(),
  known_issue: z
    .strictObject({ id: z.string(), title: z.string(), occurrences: z.record(z.string(), count), first_seen: z.string().nullable(), last_seen: z.string().nullable() })
    .nullable(),
  matches: z.array(
    z.strictObject({
      issue_id: z.string(),
      title: z.string(),
      source: z.enum(['builtin', 'observed']),
      category: z.enum(CATEGORIES),
      confidence,
      score: z.number(),
      why: z.array(z.string()),
      explanation: z.string().nullable(),
    }),
  ),
  solutions: z.array(proposedSolution),
  permissions: z
    .strictObject({ denials: z.array(DenialSchema), commands: z.array(z.string()).describe('grant commands to run'), needs_human: z.boolean() })
    .optional()
    .describe('permission errors: the permission manager\'s reading'),
});

export type Output<S extends z.ZodType> = z.input<S>;

/** What a saved plan needs from IAM, and what the deploy identity holds (permissions preflight, issue 16). */
export const PreflightReportSchema = z.strictObject({
  principal: z.string().describe('the deploy identity evaluated'),
  needed: z.array(
    z.strictObject({
      action: z.string(),
      resource: z.string().describe('the ARN (or pattern, or *) evaluated and, when missing, granted on'),
      scope: z.enum(['plan-arn', 'environment-pattern', 'wildcard-only']),
      needed_by: z.array(z.string()).describe('type:change pairs that need it'),
      addresses: z.array(z.string()),
      source: z.enum(['map', 'learned']).describe('map: the generated action map; learned: an earlier auto-fix grant'),
      status: z.enum(['held', 'missing', 'denied']).describe('denied: an explicit deny or a boundary refuses it'),
      out_of_scope: z.string().optional().describe('why it cannot be granted within the environment scope'),
    }),
  ),
  summary: z.strictObject({ needed: count, held: count, missing: count, denied: count, resource_changes: count }),
  unknown_types: z.array(
    z.strictObject({
      type: z.string(),
      addresses: z.array(z.string()),
      why: z.enum(['not-in-map', 'unmapped-operations']),
      operations: z.array(z.string()).optional(),
    }),
  ),
  notes: z.array(z.string()).describe('what the evaluation could not take into account'),
  map: z.strictObject({ provider: z.string(), version: z.string() }).describe('the action map used'),
});

/** A preflight as preview and deploy report it: the report (deploy: and what it granted), or why it did not run. */
export const PreflightOutcomeSchema = z.union([
  PreflightReportSchema.extend({
    granted: z.array(z.string()).optional().describe('deploy: actions granted before the apply'),
    refused: z.array(z.string()).optional().describe('deploy: missing actions not granted automatically'),
  }),
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) }),
]);
