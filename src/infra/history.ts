import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonLines, restoreHint, validateRecord } from '../core/artifact-content.js';
import { ArtifactError } from '../core/errors.js';
import { appendTextNoFollow, readJsonFile, type WriteScope } from '../core/files/atomic.js';
import { redactValue } from '../core/redaction/index.js';
import { TestResultSummarySchema } from './testing/results.js';

/** What an `ops remediate` entry changed, and how to put it back. */
export const RemediationRecordSchema = z.strictObject({
  action: z.string(),
  /** Registry address of the changed resource. */
  target: z.string(),
  /** The setting changed, e.g. desired_count. */
  setting: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  /** The command that restores `before`; null when the action cannot be undone (see undo_note). */
  undo_command: z.string().nullable(),
  undo_note: z.string(),
});
export type RemediationRecord = z.output<typeof RemediationRecordSchema>;

const count = z.number().int().min(0);

/** What an `infra drift` run found (attribute paths only: values may be secret) and whether it was accepted. */
export const DriftRecordSchema = z.strictObject({
  drift_id: z.string(),
  accepted: z.boolean(),
  resources: z.array(z.strictObject({ address: z.string(), action: z.enum(['update', 'delete']), attributes: z.array(z.string()) })),
  /** Code changes pending beside the drift (not drift). */
  pending_changes: count,
});
export type DriftRecord = z.output<typeof DriftRecordSchema>;

/** One line of deployments/{env}/history.jsonl (strict: a line is exactly what this CLI writes). */
export const HistoryEntrySchema = z.strictObject({
  id: z.string().min(1),
  /** remediate: one catalogue action of `ops remediate` (plan_id null; the change is in `remediation`). drift: `infra drift` (the drift in `drift`). */
  operation: z.enum(['deploy', 'destroy', 'remediate', 'drift']),
  env: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
  /** `interrupted`: the process ended (killed, crashed) before it could record the outcome. */
  outcome: z.enum(['success', 'failed', 'no-changes', 'interrupted']),
  profile: z.string(),
  account: z.string(),
  caller_arn: z.string(),
  plan_id: z.string().nullable(),
  add: count,
  change: count,
  destroy: count,
  auto_fix_rounds: count,
  error_codes: z.array(z.string()),
  error_message: z.string().optional(),
  skipped_pre_tests: z.boolean().optional(),
  /** Summaries of the infra test results saved since the previous entry, oldest first (the last is the latest). */
  tests: z.array(TestResultSummarySchema).optional(),
  /** The debugger issue-log issues this failure was counted against. */
  issue_ids: z.array(z.string()).optional(),
  remediation: RemediationRecordSchema.optional(),
  drift: DriftRecordSchema.optional(),
});
export type HistoryEntry = z.output<typeof HistoryEntrySchema>;

/** The fields of `.running.json`: the deploy or destroy under way, and the pid running it. */
export const RunningRecordSchema = HistoryEntrySchema.pick({ id: true, operation: true, env: true, started_at: true, profile: true, account: true, caller_arn: true, plan_id: true }).extend({
  pid: z.number().int().positive(),
  /** Where the run is (absent in records written before hosts were recorded: taken as this host). */
  host: z.string().optional(),
  /** Its process start time (Linux), so a reused pid is not taken for the run. */
  proc_start: z.string().optional(),
});
export type RunningRecord = z.output<typeof RunningRecordSchema>;

/**
 * Append one entry as a single write of one line, then fsync: a crash leaves the file
 * with or without the line (a torn line is reported by readers, never skipped).
 */
export async function appendHistory(file: string, entry: HistoryEntry, scope: WriteScope): Promise<void> {
  await appendTextNoFollow(file, `${JSON.stringify(redactValue(entry))}\n`, scope);
}

/** Every entry, each line validated: a bad line is an ArtifactError naming file and line. */
export async function readHistory(file: string, displayPath: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ArtifactError(`${displayPath} cannot be read: ${(error as Error).message}`, { hint: restoreHint(displayPath) });
  }
  return parseJsonLines(text, displayPath, { what: 'a history entry', schema: HistoryEntrySchema });
}

/** The running record, if any; bad content is an ArtifactError (it may describe an apply that changed the cloud). */
export async function readRunningRecord(file: string, displayPath: string): Promise<RunningRecord | undefined> {
  const data = await readJsonFile(file, displayPath);
  if (data === undefined) return undefined;
  return validateRecord(data, displayPath, { what: 'a running-deploy record', schema: RunningRecordSchema });
}
