/**
 * `debugger/issue-log.json`: every failure seen, by normalised signature, with the solutions
 * that were tried and how often they worked. Read strictly: a hand-edited or corrupt log is
 * an error naming the problem, never silently reset (it holds what the team learnt).
 */
import { z } from 'zod';
import { validateRecord } from '../core/artifact-content.js';
import { readJsonFile, writeJsonAtomic } from '../core/files/atomic.js';
import { withWaitingLock } from '../core/files/lock.js';
import { checkWritePath } from '../core/files/safe-path.js';
import type { ProjectPaths } from '../core/paths.js';
import { CATEGORIES } from './categories.js';

export const ISSUE_LOG_SCHEMA_VERSION = 1;
/** Failures kept for "the last failed deploy"; older ones live on in the issues' counts. */
export const MAX_RECENT_FAILURES = 200;

const isoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'ids are lowercase letters, digits and -');
const regexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

export const SolutionSchema = z
  .strictObject({
    id,
    title: z.string().min(1).max(300),
    steps: z.array(z.string().min(1)).max(20),
    commands: z.array(z.string().min(1)).max(10),
    source: z.enum(['builtin', 'user']),
    attempts: z.number().int().min(0),
    successes: z.number().int().min(0),
    last_used: isoTime.nullable(),
    added_at: isoTime.nullable(),
  })
  .refine((s) => s.successes <= s.attempts, { message: 'successes cannot exceed attempts', path: ['successes'] });
export type Solution = z.output<typeof SolutionSchema>;

export const IssueSchema = z.strictObject({
  id,
  source: z.enum(['builtin', 'observed']),
  signature: z.string().regex(/^[0-9a-f]{16}$/, 'a signature is 16 hex characters'),
  title: z.string().min(1).max(300),
  category: z.enum(CATEGORIES),
  error_code: z.string().nullable(),
  service: z.string().nullable(),
  operation: z.string().nullable(),
  resource_type: z.string().nullable(),
  normalized_message: z.string(),
  /** Regular expressions (case-insensitive) that recognise this issue in raw error text. */
  patterns: z.array(regexSource),
  explanation: z.string().nullable(),
  /** The latest occurrence as it was printed, with the resource address the tool named. */
  example: z.strictObject({ message: z.string(), address: z.string().nullable(), env: z.string().nullable(), at: isoTime.nullable() }).nullable(),
  first_seen: isoTime.nullable(),
  last_seen: isoTime.nullable(),
  /** How often it happened, per environment. */
  occurrences: z.record(z.string(), z.number().int().min(0)),
  solutions: z.array(SolutionSchema),
});
export type Issue = z.output<typeof IssueSchema>;

/** A solution someone applied; the next deploy of `env` tells whether it worked. */
export const PendingSchema = z.strictObject({ solution_id: id, issue_id: id, env: z.string().min(1), applied_at: isoTime });
export type PendingAttempt = z.output<typeof PendingSchema>;

export const FailureSchema = z.strictObject({
  at: isoTime,
  env: z.string().min(1),
  operation: z.enum(['deploy', 'destroy']),
  deployment_id: z.string().nullable(),
  error_code: z.string(),
  issue_ids: z.array(id),
});
export type RecordedFailure = z.output<typeof FailureSchema>;

export const IssueLogSchema = z
  .strictObject({
    $comment: z.string().optional(),
    schema_version: z.literal(ISSUE_LOG_SCHEMA_VERSION),
    updated_at: isoTime,
    knowledge_base_version: z.string().nullable(),
    issues: z.array(IssueSchema),
    pending: z.array(PendingSchema),
    recent_failures: z.array(FailureSchema),
  })
  .superRefine((log, ctx) => {
    const issueIds = new Map<string, number>();
    const signatures = new Map<string, number>();
    const solutionIds = new Map<string, number>();
    log.issues.forEach((issue, i) => {
      const twice = (seen: Map<string, number>, key: string, field: (string | number)[], what: string) => {
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['issues', i, ...field], message: `${what} ${key} is also used by issues[${first}]` });
        else seen.set(key, i);
      };
      twice(issueIds, issue.id, ['id'], 'id');
      twice(signatures, issue.signature, ['signature'], 'signature');
      issue.solutions.forEach((s, j) => twice(solutionIds, s.id, ['solutions', j, 'id'], 'solution id'));
    });
    log.pending.forEach((p, i) => {
      if (!issueIds.has(p.issue_id)) ctx.addIssue({ code: 'custom', path: ['pending', i, 'issue_id'], message: `names issue ${p.issue_id}, which is not in issues` });
      if (!solutionIds.has(p.solution_id)) ctx.addIssue({ code: 'custom', path: ['pending', i, 'solution_id'], message: `names solution ${p.solution_id}, which is not in any issue` });
    });
  });
export type IssueLog = z.output<typeof IssueLogSchema>;

export function emptyIssueLog(now = new Date()): IssueLog {
  return { schema_version: ISSUE_LOG_SCHEMA_VERSION, updated_at: now.toISOString(), knowledge_base_version: null, issues: [], pending: [], recent_failures: [] };
}

/** The log in `file`, or undefined when there is none yet. */
export async function readIssueLog(file: string, displayPath: string): Promise<IssueLog | undefined> {
  const data = await readJsonFile(file, displayPath);
  if (data === undefined) return undefined;
  return validateRecord(data, displayPath, { what: 'an issue log', schema: IssueLogSchema, schemaVersion: ISSUE_LOG_SCHEMA_VERSION });
}

/** Read, change and atomically write the log under its own lock. */
export async function updateIssueLog<T>(
  paths: Pick<ProjectPaths, 'root' | 'issueLogFile' | 'issueLogLockDir'>,
  displayPath: string,
  seed: (log: IssueLog | undefined) => IssueLog,
  change: (log: IssueLog) => T,
): Promise<T> {
  const file = paths.issueLogFile;
  // Before the read: a link there is refused as such, whatever it points to.
  await checkWritePath(paths, file, 'file');
  return withWaitingLock(paths.issueLogLockDir, 'debugger issue log', paths, async () => {
    const log = seed(await readIssueLog(file, displayPath));
    const result = change(log);
    log.updated_at = new Date().toISOString();
    if (log.recent_failures.length > MAX_RECENT_FAILURES) log.recent_failures.splice(0, log.recent_failures.length - MAX_RECENT_FAILURES);
    await writeJsonAtomic(file, { $comment: 'faber-cloud debugger issue log: written by faber-cloud; hand edits are validated on read', ...log }, paths);
    return result;
  });
}
