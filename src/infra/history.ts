import { readFile } from 'node:fs/promises';
import { ArtifactError } from '../core/errors.js';
import { appendTextNoFollow, type WriteScope } from '../core/files/atomic.js';
import { redactValue } from '../core/redaction/index.js';

/** What an `ops remediate` entry changed, and how to put it back. */
export interface RemediationRecord {
  action: string;
  /** Registry address of the changed resource. */
  target: string;
  /** The setting changed, e.g. desired_count. */
  setting: string;
  before: unknown;
  after: unknown;
  /** The command that restores `before`; null when the action cannot be undone (see undo_note). */
  undo_command: string | null;
  undo_note: string;
}

/** One line of deployments/{env}/history.jsonl. */
export interface HistoryEntry {
  id: string;
  /** remediate: one catalogue action of `ops remediate` (plan_id null; the change is in `remediation`). */
  operation: 'deploy' | 'destroy' | 'remediate';
  env: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** `interrupted`: the process ended (killed, crashed) before it could record the outcome. */
  outcome: 'success' | 'failed' | 'no-changes' | 'interrupted';
  profile: string;
  account: string;
  caller_arn: string;
  plan_id: string | null;
  add: number;
  change: number;
  destroy: number;
  auto_fix_rounds: number;
  error_codes: string[];
  error_message?: string;
  skipped_pre_tests?: boolean;
  /** Summaries of the infra test results saved since the previous entry, oldest first (the last is the latest). */
  tests?: TestResultSummary[];
  /** The debugger issue-log issues this failure was counted against. */
  issue_ids?: string[];
  remediation?: RemediationRecord;
}

/** What a history entry says about one saved infra test result. */
export interface TestResultSummary {
  /** The result file, relative to deployments/{env}/. */
  file: string;
  phase: 'pre' | 'post';
  ran_at: string;
  passed: boolean;
  plan_id?: string;
  /** pre: findings per severity; post: checks per status. */
  counts: Record<string, number>;
}

/**
 * Append one entry as a single write of one line, then fsync: a crash leaves the file
 * with or without the line, and readers skip a torn final line rather than fail.
 */
export async function appendHistory(file: string, entry: HistoryEntry, scope: WriteScope): Promise<void> {
  await appendTextNoFollow(file, `${JSON.stringify(redactValue(entry))}\n`, scope);
}

export async function readHistory(file: string, displayPath: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  const entries: HistoryEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // Only a torn last line (a crash mid-append) is tolerated; anything else is corruption.
      if (i === lines.length - 1) break;
      throw new ArtifactError(`${displayPath}:${i + 1}: not a JSON line`, { hint: `fix or remove line ${i + 1} of ${displayPath}` });
    }
  }
  return entries;
}

