/**
 * Which failure `infra debug` reads. In order: --error-file (`-` for stdin); stdin, when
 * something is piped in and neither an environment nor an issue is named; the environment's
 * last failure — from the issue log, or from its history when the history's is newer and was
 * never logged (an interrupted run, or one from before the debugger). Nothing to read is a
 * usage error, except when a solution is added to a named issue, which needs no error.
 *
 * Reading is the caller's (files and stdin are the CLI's): this module decides what to read.
 */
import { UsageError } from '../core/errors.js';
import { diagnoseFailure, lastFailure, type DebugContext, type Diagnosis } from './debugger.js';
import type { IssueLog } from './issue-log.js';

/** Where the error came from; shown to the person and returned in --json data. */
export interface ErrorSource {
  kind: 'file' | 'stdin' | 'last-failure' | 'history';
  file?: string;
  env?: string;
  deployment_id?: string | null;
  at?: string;
  error_code?: string;
}

/** A run of the environment's history, as much of it as the debugger needs. */
export interface HistoryRun {
  id: string;
  outcome: string;
  finished_at: string;
  error_message?: string | undefined;
  error_codes: readonly string[];
  issue_ids?: readonly string[] | undefined;
}

export interface ErrorReaders {
  /** --error-file's text (`-`: stdin). */
  file(file: string): Promise<string>;
  /** stdin's text when something is piped in; undefined otherwise. */
  pipedStdin(): Promise<string | undefined>;
  /** The environment's history, oldest first. */
  history(env: string): Promise<readonly HistoryRun[]>;
}

export interface ErrorQuery {
  errorFile?: string | undefined;
  env?: string | undefined;
  /** --issue: the issue a solution is added to. */
  issueId?: string | undefined;
  addingSolution: boolean;
}

/** The error to debug: its text, or (a failure the log recorded) its diagnoses already. */
export type FoundError = { source: ErrorSource; text: string; diagnoses?: undefined } | { source: ErrorSource; text?: undefined; diagnoses: Diagnosis[] };

/** The error `infra debug` works on; undefined only when a solution goes to a named issue and no error was given. */
export async function findError(debug: DebugContext, log: IssueLog, query: ErrorQuery & { addingSolution: false }, read: ErrorReaders): Promise<FoundError>;
export async function findError(debug: DebugContext, log: IssueLog, query: ErrorQuery, read: ErrorReaders): Promise<FoundError | undefined>;
export async function findError(debug: DebugContext, log: IssueLog, query: ErrorQuery, read: ErrorReaders): Promise<FoundError | undefined> {
  const { errorFile, env, issueId } = query;
  const toNamedIssue = query.addingSolution && issueId !== undefined;
  if (errorFile !== undefined) {
    return { text: await read.file(errorFile), source: errorFile === '-' ? { kind: 'stdin' } : { kind: 'file', file: errorFile } };
  }
  if (env === undefined && issueId === undefined) {
    const piped = await read.pipedStdin();
    if (piped?.trim()) return { text: piped, source: { kind: 'stdin' } };
  } else if (env !== undefined && !toNamedIssue) {
    return lastFailureOf(debug, log, env, await read.history(env));
  }
  if (toNamedIssue) return undefined;
  throw new UsageError('no error to debug', {
    hint: 'pass --env <env> for its last failed deploy, --error-file FILE, or pipe the output in: tofu apply 2>&1 | faber-cloud infra debug',
  });
}

function lastFailureOf(debug: DebugContext, log: IssueLog, env: string, history: readonly HistoryRun[]): FoundError {
  const failure = lastFailure(log, env);
  const lastHistoryFailure = [...history].reverse().find((h) => h.outcome === 'failed' || h.outcome === 'interrupted');
  // A failure the log never saw (an interrupted run, or one from before the debugger) is read from the history.
  const unlogged = lastHistoryFailure && !lastHistoryFailure.issue_ids?.length && lastHistoryFailure.id !== failure?.deployment_id;
  if (lastHistoryFailure && unlogged && (!failure || Date.parse(lastHistoryFailure.finished_at) > Date.parse(failure.at))) {
    return {
      text: lastHistoryFailure.error_message ?? lastHistoryFailure.error_codes.join('\n'),
      source: { kind: 'history', env, deployment_id: lastHistoryFailure.id, at: lastHistoryFailure.finished_at, error_code: lastHistoryFailure.error_codes[0] ?? 'unknown' },
    };
  }
  if (failure) {
    return {
      source: { kind: 'last-failure', env, deployment_id: failure.deployment_id, at: failure.at, error_code: failure.error_code },
      diagnoses: diagnoseFailure(debug, log, failure, { env }),
    };
  }
  throw new UsageError(`no failed deploy or destroy of '${env}' is recorded`, {
    code: 'E_USAGE_NO_FAILURE',
    hint: 'pass the error itself: faber-cloud infra debug --error-file apply.log (or --error-file - to read stdin)',
  });
}

/**
 * The issue a new solution belongs to: the named one; else the one issue of the recorded
 * failure (several: the person must say which); else the issue of the error's text (created if new).
 */
export function solutionTarget(found: FoundError | undefined, issueId: string | undefined, env: string | undefined): { issueId: string } | { text: string; env?: string | undefined } {
  if (issueId !== undefined) return { issueId };
  if (found?.diagnoses !== undefined) {
    const ids = [...new Set(found.diagnoses.map((d) => d.known_issue?.id).filter((id): id is string => id !== undefined))];
    const [only] = ids;
    if (ids.length !== 1 || only === undefined) {
      throw new UsageError(`the last failure of '${env}' has ${ids.length} issues; say which one the solution is for`, { code: 'E_USAGE_ISSUE_AMBIGUOUS', hint: `pass --issue <id>: ${ids.join(', ')}` });
    }
    return { issueId: only };
  }
  return { text: found?.text ?? '', env };
}
