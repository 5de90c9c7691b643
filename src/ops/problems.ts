import { NeedsHumanError, OperationError } from '../core/errors.js';
import { MonitoringError, type MonitoringFailure } from '../handlers/hosting/monitoring.js';

/**
 * A provider call an ops command could not make: which action, why, what it left unchecked,
 * and (for a missing permission) the permission manager's command that grants it.
 */
export interface OpsProblem {
  action: string;
  failure: MonitoringFailure;
  message: string;
  /** What could not be checked or read because of it. */
  affects: string;
  /** `faber-cloud permissions grant ...` for a denial; null otherwise. */
  grant: string | null;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function grantCommand(env: string, action: string, reason: string): string {
  return `faber-cloud permissions grant --env ${env} --action ${action} --reason ${quote(reason)}`;
}

/** The problem behind a failed monitoring call; anything else is rethrown (it is a bug or an outage we cannot name). */
export function problemOf(error: unknown, env: string, affects: string): OpsProblem {
  if (!(error instanceof MonitoringError)) throw error;
  return {
    action: error.action,
    failure: error.failure,
    message: error.message,
    affects,
    grant: error.failure === 'denied' ? grantCommand(env, error.action, `faber-cloud ops reads ${affects}`) : null,
  };
}

/** A problem that stops the command: a denial needs a person (exit 4), an outage is a failure (exit 1). */
export function problemError(problem: OpsProblem): NeedsHumanError | OperationError {
  if (problem.failure === 'denied') {
    return new NeedsHumanError('E_OPS_PERMISSION_DENIED', `${problem.message}: cannot read ${problem.affects}`, {
      hint: `grant it with the permission manager: ${problem.grant} (or ask an administrator)`,
      details: { problem },
    });
  }
  if (problem.failure === 'credentials') {
    return new NeedsHumanError('E_AWS_CREDENTIALS', problem.message, { hint: 'refresh or fix the profile\'s credentials, then re-run', details: { problem } });
  }
  const code = problem.failure === 'unavailable' ? 'E_OPS_SERVICE_UNAVAILABLE' : 'E_OPS_READ_FAILED';
  return new OperationError(code, `${problem.message}: cannot read ${problem.affects}`, { hint: 'try again later; --verbose shows the provider\'s answer', details: { problem } });
}

/** One line for a person. */
export function describeProblem(problem: OpsProblem): string {
  const head = problem.failure === 'denied' ? `missing permission ${problem.action}` : problem.failure === 'unavailable' ? `${problem.action} unavailable` : `${problem.action} failed`;
  return `${head}: ${problem.affects} not checked${problem.grant ? ` — grant: ${problem.grant}` : ''}`;
}
