/** Output schemas of permissions parse-error, grant and audit (src/cli/command-sets/permissions.ts). */
import { z } from 'zod';
import { AuditEntrySchema, AuditPolicySchema } from '../../permissions/audit.js';
import { DenialSchema, PreflightReportSchema } from './common.js';

export const permissionsParseError = z.strictObject({
  denials: z.array(DenialSchema),
  credential_problems: z.array(z.strictObject({ kind: z.literal('credentials'), code: z.string() })).describe('invalid or expired keys: not a permission problem'),
});

export const permissionsGrant = z.strictObject({
  env: z.string(),
  account: z.string(),
  region: z.string(),
  profile: z.string().describe('the discover profile that granted'),
  caller: z.string().describe('its caller ARN'),
  principal: z.string().describe('the deploy identity granted to'),
  plan: z.strictObject({
    grantable: z.array(
      z.strictObject({
        action: z.string(),
        resources: z.array(z.string()).describe('scoped ARN patterns, or ["*"]'),
        access_level: z.string(),
        denials: z.array(z.number().int()).describe('indexes of the denials this answers'),
      }),
    ),
    refused: z.array(
      z.strictObject({
        action: z.string().optional(),
        resource: z.string().optional(),
        reason: z.enum(['escalation', 'out-of-scope', 'not-fixable-reason', 'unknown-action', 'no-action']),
        message: z.string(),
        denials: z.array(z.number().int()),
      }),
    ),
    policy_name: z.string(),
    name_pattern: z.string(),
  }),
  audit_ids: z.array(z.string()),
  refusal_audit_ids: z.array(z.string()),
  applied: z
    .strictObject({
      principal: z.strictObject({ type: z.enum(['user', 'role']), name: z.string(), arn: z.string() }),
      // The audit log's policy record, every field present.
      policies: z.array(AuditPolicySchema.required().extend({ version: z.string() })),
    })
    .optional()
    .describe('absent when nothing was grantable'),
});

/** Entries of deployments/iam-audit.json, their denials in the contract's names. */
export const permissionsAudit = z.strictObject({
  file: z.string(),
  schema_version: z.literal(1).describe('of iam-audit.json'),
  entries: z.array(AuditEntrySchema.extend({ reason: z.strictObject({ text: z.string().optional(), denials: z.array(DenialSchema) }) })),
});

export const permissionsPreflight = PreflightReportSchema.extend({
  env: z.string(),
  plan_id: z.string().regex(/^[0-9a-f]{12}$/).describe('the saved plan checked'),
  account: z.string(),
  region: z.string(),
});
