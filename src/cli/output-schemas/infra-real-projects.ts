/** Output schemas of the commands for existing projects (src/cli/command-sets/infra-real-projects.ts). */
import { z } from 'zod';
import { PlannedChangeSchema } from './common.js';

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
