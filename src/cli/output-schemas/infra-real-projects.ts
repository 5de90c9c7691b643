/** Output schemas of the commands for existing projects (src/cli/command-sets/infra-real-projects.ts). */
import { z } from 'zod';
import { PlanDigestSchema, PlannedChangeSchema, count } from './common.js';

const AttributeDriftSchema = z.strictObject({
  path: z.string().describe('dotted attribute path, e.g. tags.Owner'),
  before: z.unknown().optional().describe('the recorded value; absent when sensitive'),
  after: z.unknown().optional().describe('the real value; absent when sensitive'),
  sensitive: z.boolean().optional().describe('true: the values are withheld'),
});

export const infraDrift = z.strictObject({
  env: z.string(),
  drift_id: z.string().describe('a hash of the drift found: what --accept --plan binds to'),
  drift_found: z.boolean().describe('true: exit 1 unless accepted'),
  drifted: z.array(
    z.strictObject({
      address: z.string(),
      type: z.string(),
      action: z.enum(['update', 'delete']).describe('update: changed outside the tool; delete: deleted outside it'),
      attributes: z.array(AttributeDriftSchema),
    }),
  ),
  pending_changes: z.array(PlannedChangeSchema).describe('code changes not deployed yet: not drift (infra deploy applies them)'),
  seen_at: z.string(),
  accepted: z.boolean().describe('true: --accept recorded the drift in state (nothing in the cloud changed)'),
  account: z.string(),
  next_command: z.string().nullable().describe('the command that accepts this drift, or null when there is none'),
});

const AdoptionTargetSchema = z.strictObject({
  address: z.string().describe('the resource address in the generated configuration (the resource is count-scoped to the environment: it lives at [0])'),
  type: z.string().describe('Terraform resource type, e.g. aws_s3_bucket'),
  import_id: z.string().describe('what the import block imports it by: bucket or table name, topic ARN, queue URL, ...'),
  arn: z.string(),
  name: z.string(),
  via: z.array(z.enum(['name', 'tags'])).describe('found by its tags (tag index), its name (naming prefix), or both'),
});

export const infraAdopt = z.strictObject({
  env: z.string(),
  dry_run: z.boolean(),
  adopted: z.array(AdoptionTargetSchema).describe('new resources adopted (dry run: that would be); empty when nothing new was found'),
  pending: z.array(z.string()).describe('ARNs found that an earlier adopt already wrote import blocks for (not deployed yet)'),
  managed: count.describe('resources found that are already in state'),
  not_adopted: z.array(z.strictObject({ arn: z.string(), reason: z.string() })).describe('found but not adopted: a type the engineer templates do not write, or owned by another tool'),
  skipped: z.array(z.strictObject({ service: z.string(), reason: z.string() })).describe('service listings that could not be read'),
  files: z.array(z.string()).describe('files written in the IaC directory, relative to the project root (none for a dry run or when nothing is new)'),
  plan: z.strictObject({ plan_id: z.string(), digest: PlanDigestSchema }).nullable().describe('the preview made with the import blocks (deploy it by its id); null when nothing was written'),
  imports: z.array(z.string()).describe('addresses the plan imports'),
  differences: z.array(PlannedChangeSchema).describe('changes to adopted resources beyond their import: resolve them before deploying'),
  not_imported: z.array(z.string()).describe('adopted addresses the plan does not import'),
  other_changes: z.array(PlannedChangeSchema).describe('changes of other resources the same plan would make'),
  account: z.string(),
  next_command: z.string().nullable().describe('the next step: the deploy of the import-only plan (or the adopt itself after a dry run); null when there is none or differences remain'),
});
