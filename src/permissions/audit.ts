import { randomBytes } from 'node:crypto';
import { readJsonFile, writeJsonAtomic } from '../core/files/atomic.js';
import { withWaitingLock } from '../core/files/lock.js';
import { checkWritePath } from '../core/files/safe-path.js';
import { ArtifactError } from '../core/errors.js';
import type { ProjectPaths } from '../core/paths.js';
import type { Denial } from './denials.js';
import type { RefusalReason } from './grant-plan.js';

/**
 * `deployments/iam-audit.json` (DESIGN §4): every permission grant and refusal. An entry is
 * written `pending` BEFORE the IAM call and completed (`granted` or `failed`) after it, so a
 * crash in between leaves a visible pending entry. Refusals are entries of their own.
 * Writes are atomic, under a lock beside the file; a missing file is an empty log; a file
 * that cannot be read as written is an error naming it, and is never overwritten.
 */

export const AUDIT_SCHEMA_VERSION = 1;

export type AuditStatus = 'pending' | 'granted' | 'failed' | 'refused';

export interface AuditPolicy {
  name: string;
  arn: string;
  /** Default version after the grant (`v3`); null while pending. */
  version: string | null;
  change?: 'created' | 'updated' | 'unchanged';
  pruned_versions?: string[];
  attached?: boolean;
}

export interface AuditEntry {
  id: string;
  /** When the entry was first written (before the IAM call). */
  timestamp: string;
  /** When it was last changed (completion). */
  updated_at: string;
  status: AuditStatus;
  environment: string;
  account: string;
  region: string;
  actions: string[];
  /** The scoped resource patterns granted (or the resource named, for refusals). */
  resources: string[];
  target_principal: { arn: string; type?: 'user' | 'role'; name?: string };
  /** First policy name and its version (convenience copy of policies[0]). */
  policy_name: string;
  policy_version: string | null;
  policies: AuditPolicy[];
  /** Why: the parsed denial(s) the grant answers, and the person's reason text when given. */
  reason: { text?: string; denials: Omit<Denial, 'raw'>[] };
  /** `permissions grant` (cli) or the deploy's auto-fix. */
  source: 'cli' | 'auto-fix';
  granted_by_profile: string;
  granted_by_arn: string;
  refusal?: { reason: RefusalReason; message: string };
  error?: { code: string; message: string };
}

export interface AuditLog {
  schema_version: typeof AUDIT_SCHEMA_VERSION;
  entries: AuditEntry[];
}

export function newAuditId(now = new Date()): string {
  return `g-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The log in `file`; an empty log when the file does not exist. */
export async function readAuditLog(file: string, displayPath = file): Promise<AuditLog> {
  const data = await readJsonFile(file, displayPath);
  if (data === undefined) return { schema_version: AUDIT_SCHEMA_VERSION, entries: [] };
  const log = data as Partial<AuditLog> | null;
  const hint = `restore ${displayPath} from version control or a backup; faber-cloud never resets the audit log`;
  if (!log || typeof log !== 'object' || Array.isArray(log)) throw new ArtifactError(`${displayPath} is not an IAM audit log (expected an object)`, { hint });
  if (log.schema_version !== AUDIT_SCHEMA_VERSION) {
    throw new ArtifactError(`${displayPath} has schema_version ${JSON.stringify(log.schema_version)}; this faber-cloud reads ${AUDIT_SCHEMA_VERSION}`, {
      hint: typeof log.schema_version === 'number' && log.schema_version > AUDIT_SCHEMA_VERSION ? 'upgrade faber-cloud' : hint,
    });
  }
  if (!Array.isArray(log.entries) || log.entries.some((e) => !e || typeof e !== 'object' || typeof (e as AuditEntry).id !== 'string')) {
    throw new ArtifactError(`${displayPath} has no valid entries array`, { hint });
  }
  return log as AuditLog;
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
