import { NeedsHumanError, OperationError } from '../core/errors.js';
import { isProviderCallError, type ProviderFailure } from '../handlers/hosting/failures.js';

/**
 * Why a monitoring read failed, as ops reports it (`failure` in the JSON output): `denied`
 * (the identity lacks `action`), `credentials`, `not-found` (the log group or resource does
 * not exist), `unavailable` (outage, throttling, unsupported endpoint, 5xx), `failed` (anything else).
 */
export type OpsFailure = 'denied' | 'credentials' | 'not-found' | 'unavailable' | 'failed';

/**
 * A provider call an ops command could not make: which action, why, what it left unchecked,
 * and (for a missing permission) the permission manager's command that grants it.
 */
export interface OpsProblem {
  action: string;
  failure: OpsFailure;
  message: string;
  /** What could not be checked or read because of it. */
  affects: string;
  /** `faber-cloud permissions grant ...` for a denial; null otherwise. */
  grant: string | null;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The permission manager command that grants `action` to the environment's deploy identity. */
export function grantCommand(env: string, action: string, reason: string): string {
  return `faber-cloud permissions grant --env ${env} --action ${action} --reason ${quote(reason)}`;
}

/** The provider's failure as one line for the OpsProblem: what ops says about each reason. */
function problemText(f: ProviderFailure): { failure: OpsFailure; message: string } {
  const said = f.code ? `${f.code}: ${f.message}` : f.message;
  switch (f.reason) {
    case 'permission-denied':
      return { failure: 'denied', message: `${f.action} was denied${f.resource ? ` on ${f.resource}` : ''}` };
    case 'credentials':
      return { failure: 'credentials', message: `${f.action}: the credentials were rejected (${said})` };
    case 'not-found':
      return { failure: 'not-found', message: `${f.action}: ${f.resource ?? 'the resource'} does not exist (${said})` };
    case 'throttled':
      return { failure: 'unavailable', message: `${f.action} was throttled (${said})` };
    case 'unavailable': {
      // An HTML error page (an emulator's "not implemented", a proxy) says nothing worth repeating.
      const detail = /Deserialization error|Unexpected token|is not valid JSON/.test(f.message) ? '' : `: ${said}`;
      return { failure: 'unavailable', message: `${f.action} is unavailable here${f.status ? ` (HTTP ${f.status})` : ''}${detail}` };
    }
    default:
      return { failure: 'failed', message: `${f.action} failed: ${said}` };
  }
}

/** The problem behind a failed monitoring call; anything else is rethrown (it is a bug or an outage we cannot name). */
export function problemOf(error: unknown, env: string, affects: string): OpsProblem {
  if (!isProviderCallError(error)) throw error;
  const { failure, message } = problemText(error.failure);
  return {
    action: error.failure.action,
    failure,
    message,
    affects,
    grant: failure === 'denied' ? grantCommand(env, error.failure.action, `faber-cloud ops reads ${affects}`) : null,
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
