/**
 * The short form of a diagnosis that a failed deploy carries in its error details
 * (`error.details.debugger`): the best known match and the solution to try first.
 */
import type { RecordedFailureResult } from './debugger.js';

export interface KnownIssueSummary {
  issue_ids: string[];
  /** The first error's best match at medium confidence or better; null when nothing is known. */
  top: {
    issue_id: string;
    title: string;
    category: string;
    confidence: string;
    /** How often this error (its exact issue) happened, per environment. */
    occurrences: Record<string, number>;
    solution: { id: string; title: string; commands: string[]; success_rate: number | null; attempts: number } | null;
  } | null;
  /** Solutions applied for this environment that did not fix it (settled as failures). */
  failed_attempts: string[];
  /** The command that shows every error with all its ranked solutions. */
  command: string;
}

export function knownIssueSummary(result: RecordedFailureResult, env: string): KnownIssueSummary {
  const first = result.diagnoses.find((d) => d.matches.some((m) => m.confidence !== 'low'));
  const solution = first?.solutions[0];
  // The issue that explains it best: the one the top solution comes from, else the closest.
  const best = first?.matches.find((m) => m.issue_id === solution?.issue_id) ?? first?.matches.find((m) => m.confidence !== 'low');
  return {
    issue_ids: result.issueIds,
    top:
      first && best
        ? {
            issue_id: best.issue_id,
            title: best.title,
            category: first.category,
            confidence: best.confidence,
            occurrences: first.known_issue?.occurrences ?? {},
            solution: solution ? { id: solution.id, title: solution.title, commands: solution.commands, success_rate: solution.success_rate, attempts: solution.attempts } : null,
          }
        : null,
    failed_attempts: result.failedAttempts,
    command: `faber-cloud infra debug --env ${env}`,
  };
}
