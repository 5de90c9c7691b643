import { randomBytes } from 'node:crypto';
import { readJsonFile, writeJsonAtomic } from '../core/files/atomic.js';
import { withWaitingLock } from '../core/files/lock.js';
import { checkWritePath } from '../core/files/safe-path.js';
import { ArtifactError, UsageError } from '../core/errors.js';
import { loadProjectConfig } from '../core/config/load.js';
import { environmentOf } from '../core/guard.js';
import path from 'node:path';
import { z } from 'zod';
import { validateRecord } from '../core/artifact-content.js';
import type { ProjectPaths } from '../core/paths.js';
import { DENIAL_REASONS, type Denial } from '../handlers/hosting/aws/denials.js';
import type { RefusalReason } from './grant-plan.js';

/**
 * `deployments/iam-audit.json` (DESIGN §4): every permission grant and refusal. An entry is
 * written `pending` BEFORE the IAM call and completed (`granted` or `failed`) after it, so a
 * crash in between leaves a visible pending entry. Refusals are entries of their own.
 * Writes are atomic, under a lock beside the file; a missing file is an empty log; a file
 * that cannot be read as written is an error naming it, and is never overwritten.
 */

export const AUDIT_SCHEMA_VERSION = 1;

const AuditStatusSchema = z.enum(['pending', 'granted', 'failed', 'refused']);
export type AuditStatus = z.output<typeof AuditStatusSchema>;

export const AuditPolicySchema = z.strictObject({
  name: z.string(),
  arn: z.string(),
  /** Default version after the grant (`v3`); null while pending. */
  version: z.string().nullable(),
  change: z.enum(['created', 'updated', 'unchanged']).optional(),
  pruned_versions: z.array(z.string()).optional(),
  attached: z.boolean().optional(),
});
export type AuditPolicy = z.output<typeof AuditPolicySchema>;

/** A denial as the audit keeps it (the parser's Denial without its raw text). */
const AuditDenialSchema = z.looseObject({
  kind: z.literal('denial'),
  principalArn: z.string().optional(),
  action: z.string().optional(),
  actionInferred: z.boolean(),
  resourceArn: z.string().optional(),
  resourceInferred: z.boolean(),
  reason: z.enum(DENIAL_REASONS),
  explicit: z.boolean().optional(),
  policyArn: z.string().optional(),
  code: z.string(),
  encodedMessage: z.string().optional(),
  address: z.string().optional(),
});

export const AuditEntrySchema = z.strictObject({
  id: z.string().min(1),
  /** When the entry was first written (before the IAM call). */
  timestamp: z.string(),
  /** When it was last changed (completion). */
  updated_at: z.string(),
  status: AuditStatusSchema,
  environment: z.string(),
  account: z.string(),
  region: z.string(),
  actions: z.array(z.string()),
  /** The scoped resource patterns granted (or the resource named, for refusals). */
  resources: z.array(z.string()),
  target_principal: z.strictObject({ arn: z.string(), type: z.enum(['user', 'role']).optional(), name: z.string().optional() }),
  /** First policy name and its version (convenience copy of policies[0]). */
  policy_name: z.string(),
  policy_version: z.string().nullable(),
  policies: z.array(AuditPolicySchema),
  /** Why: the parsed denial(s) the grant answers, and the person's reason text when given. */
  reason: z.strictObject({ text: z.string().optional(), denials: z.array(AuditDenialSchema) }),
  /** `permissions grant` (cli), the deploy's auto-fix, or the deploy's preflight before the apply. */
  source: z.enum(['cli', 'auto-fix', 'preflight']),
  granted_by_profile: z.string(),
  granted_by_arn: z.string(),
  // The planner's refusal classes may grow; a string keeps older and newer logs readable.
  refusal: z.strictObject({ reason: z.string(), message: z.string() }).optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type AuditEntry = Omit<z.output<typeof AuditEntrySchema>, 'reason' | 'refusal'> & {
  reason: { text?: string; denials: Omit<Denial, 'raw'>[] };
  refusal?: { reason: RefusalReason; message: string };
};

export const AuditLogSchema = z.strictObject({
  schema_version: z.literal(AUDIT_SCHEMA_VERSION),
  entries: z.array(AuditEntrySchema),
});

export interface AuditLog {
  schema_version: typeof AUDIT_SCHEMA_VERSION;
  entries: AuditEntry[];
}

export function newAuditId(now = new Date()): string {
  return `g-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The log in `file`; an empty log when the file does not exist; bad content is an ArtifactError. */
export async function readAuditLog(file: string, displayPath = file): Promise<AuditLog> {
  const data = await readJsonFile(file, displayPath);
  if (data === undefined) return { schema_version: AUDIT_SCHEMA_VERSION, entries: [] };
  return validateRecord(data, displayPath, { what: 'an IAM audit log', schema: AuditLogSchema, schemaVersion: AUDIT_SCHEMA_VERSION }) as AuditLog;
}

/** Where the audit log and its lock live (ProjectPaths fits). */
export type AuditPaths = Pick<ProjectPaths, 'root' | 'iamAuditFile' | 'iamAuditLockDir'>;

/**
 * Read, change and atomically write the log under its lock, held for one read-modify-write
 * (wait for it rather than fail). The lock has its own directory: proper-lockfile keys locks
 * by that directory within a process, so it must not share one with the grant or deploy lock.
 */
export async function updateAuditLog(paths: AuditPaths, displayPath: string, change: (log: AuditLog) => void): Promise<AuditLog> {
  // Before the read: a link there is refused as such, whatever it points to.
  await checkWritePath(paths, paths.iamAuditFile, 'file');
  return withWaitingLock(paths.iamAuditLockDir, 'iam audit', paths, async () => {
    const log = await readAuditLog(paths.iamAuditFile, displayPath);
    change(log);
    await writeJsonAtomic(paths.iamAuditFile, log, paths);
    return log;
  });
}

export async function appendAuditEntries(paths: AuditPaths, displayPath: string, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await updateAuditLog(paths, displayPath, (log) => {
    log.entries.push(...entries);
  });
}

/** Complete pending entries (status, policies, error) in one write. */
export async function completeAuditEntries(paths: AuditPaths, displayPath: string, ids: readonly string[], patch: Partial<AuditEntry>): Promise<void> {
  await updateAuditLog(paths, displayPath, (log) => {
    for (const id of ids) {
      const entry = log.entries.find((e) => e.id === id);
      if (!entry) throw new ArtifactError(`${displayPath} lost audit entry ${id} between the IAM call and its completion`);
      Object.assign(entry, patch, { updated_at: new Date().toISOString() });
    }
  });
}

export interface AuditQuery {
  env?: string;
  /** Entries at or after this instant. */
  since?: Date;
}

export function filterAudit(log: AuditLog, query: AuditQuery): AuditEntry[] {
  return log.entries.filter((e) => (query.env === undefined || e.environment === query.env) && (query.since === undefined || Date.parse(e.timestamp) >= query.since.getTime()));
}

/**
 * `permissions audit`: the project's audit log, narrowed to an environment (which must be
 * configured) and entries at or after `since` (an ISO 8601 date or time).
 */
export async function auditReport(cwd: string, query: { env?: string | undefined; since?: string | undefined }, processEnv: NodeJS.ProcessEnv): Promise<{ file: string; schema_version: number; entries: AuditEntry[]; since: Date | undefined }> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  const { env } = query;
  if (env !== undefined) environmentOf(config, env);
  let since: Date | undefined;
  if (query.since !== undefined) {
    since = new Date(query.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${query.since}: not a date (use ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
  }
  const file = path.relative(paths.root, paths.iamAuditFile);
  const log = await readAuditLog(paths.iamAuditFile, file);
  const entries = filterAudit(log, { ...(env !== undefined ? { env } : {}), ...(since ? { since } : {}) });
  return { file, schema_version: log.schema_version, entries, since };
}
