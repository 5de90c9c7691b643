import { z } from 'zod';

/**
 * `deployments/{env}/plans/{plan_id}.json`: the redacted record saved beside each `.tfplan`
 * (what was reviewed). The digest and the plan are the IaC handler's; only their shape as
 * records is checked here.
 */
export const PlanRecordSchema = z.strictObject({
  plan_id: z.string().regex(/^[0-9a-f]{12}$/),
  env: z.string(),
  destroy: z.boolean(),
  created_at: z.string(),
  account: z.string(),
  profile: z.string().nullable(),
  digest: z.object({ planId: z.string(), hasChanges: z.boolean(), changes: z.array(z.unknown()) }).loose(),
  plan: z.unknown(),
});
export type PlanRecord = z.output<typeof PlanRecordSchema>;

export const PLAN_RECORD_FILE = /^[0-9a-f]{12}\.json$/;
