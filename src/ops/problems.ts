import { NeedsHumanError, OperationError } from '../core/errors.js';
import { isProviderCallError, type ProviderFailure, type ProviderFailureReason } from '../handlers/hosting/failures.js';

/**
 * The one place a classified provider failure (src/handlers/hosting/aws/errors.ts) becomes what
 * ops says about it: a one-line description, the JSON problem record, and the error it throws.
 */

/**
 * Why a provider call failed, as ops reports it (`failure` in the JSON output): `denied`
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
  /** What could not be checked, read or done because of it. */
  affects: string;
  /** `faber-cloud permissions grant ...` for a denial; null otherwise. */
  grant: string | null;
}

/**
 * Whose documented error codes a thrown failure takes: docs/OPS.md documents E_OPS_* for the
 * monitoring reads, docs/OPS-RESPONSE.md the provider codes for remediate and audit. They differ
 * only for a denial and an outage; every other reason has one code.
 */
export type OpsCommands = 'ops-monitor' | 'ops-respond';

/** Each classified reason: its JSON word and its error code. */
const MEANING: Record<ProviderFailureReason, { failure: OpsFailure; code: string | Record<OpsCommands, string> }> = {
  'permission-denied': { failure: 'denied', code: { 'ops-monitor': 'E_OPS_PERMISSION_DENIED', 'ops-respond': 'E_PERMISSION_DENIED' } },
  credentials: { failure: 'credentials', code: 'E_AWS_CREDENTIALS' },
  throttled: { failure: 'unavailable', code: { 'ops-monitor': 'E_OPS_SERVICE_UNAVAILABLE', 'ops-respond': 'E_PROVIDER_UNAVAILABLE' } },
  unavailable: { failure: 'unavailable', code: { 'ops-monitor': 'E_OPS_SERVICE_UNAVAILABLE', 'ops-respond': 'E_PROVIDER_UNAVAILABLE' } },
  'not-found': { failure: 'not-found', code: 'E_RESOURCE_NOT_FOUND' },
  conflict: { failure: 'failed', code: 'E_PROVIDER_CALL' },
  rejected: { failure: 'failed', code: 'E_PROVIDER_REJECTED' },
  error: { failure: 'failed', code: 'E_PROVIDER_CALL' },
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The permission manager command that grants `action` to the environment's deploy identity. */
export function grantCommand(env: string, action: string, reason: string): string {
  return `faber-cloud permissions grant --env ${env} --action ${action} --reason ${quote(reason)}`;
}

/** What a failed provider call means, in one line naming the action. */
export function describeFailure(f: ProviderFailure): string {
  const said = f.code ? `${f.code}: ${f.message}` : f.message;
  switch (f.reason) {
    case 'permission-denied':
      return `${f.action} was denied${f.resource ? ` on ${f.resource}` : ''}`;
    case 'credentials':
      return `${f.action}: the credentials were rejected (${said})`;
    case 'not-found':
      return `${f.action}: ${f.resource ?? 'the resource'} does not exist (${said})`;
    case 'throttled':
      return `${f.action} was throttled (${said})`;
    case 'unavailable': {
      // An HTML error page (an emulator's "not implemented", a proxy) says nothing worth repeating.
      const detail = /Deserialization error|Unexpected token|is not valid JSON/.test(f.message) ? '' : `: ${said}`;
      return `${f.action} is unavailable here${f.status ? ` (HTTP ${f.status})` : ''}${detail}`;
    }
    default:
      return `${f.action} failed: ${said}`;
  }
}

/** The JSON record of a failure; `grantReason` is the grant's --reason (default: the read it feeds). */
export function problemFor(f: ProviderFailure, env: string, affects: string, grantReason = `faber-cloud ops reads ${affects}`): OpsProblem {
  const failure = MEANING[f.reason].failure;
  return { action: f.action, failure, message: describeFailure(f), affects, grant: failure === 'denied' ? grantCommand(env, f.action, grantReason) : null };
}

/** The problem behind a failed provider call; anything else is rethrown (a bug or an outage we cannot name). */
export function problemOf(error: unknown, env: string, affects: string, grantReason?: string): OpsProblem {
  if (!isProviderCallError(error)) throw error;
  return problemFor(error.failure, env, affects, grantReason);
}

/** One line for a person. */
export function describeProblem(problem: OpsProblem): string {
  const head = problem.failure === 'denied' ? `missing permission ${problem.action}` : problem.failure === 'unavailable' ? `${problem.action} unavailable` : `${problem.action} failed`;
  return `${head}: ${problem.affects} not checked${problem.grant ? ` — grant: ${problem.grant}` : ''}`;
}

/**
 * A provider failure as the error that stops an ops command: a denial names the action and the
 * grant (exit 4), rejected credentials need a person (exit 4), the rest exit 1. `affects` is
 * what the call was for (a read for the monitoring commands, the action and target for
 * remediate). Anything but a provider failure passes through unchanged.
 */
export function opsError(error: unknown, env: string, affects: string, commands: OpsCommands): unknown {
  if (!isProviderCallError(error)) return error;
  const f = error.failure;
  const meaning = MEANING[f.reason];
  const code = typeof meaning.code === 'string' ? meaning.code : meaning.code[commands];
  const problem = problemFor(f, env, affects, commands === 'ops-monitor' ? undefined : affects);
  const message = `${problem.message}: ${commands === 'ops-monitor' ? 'cannot read' : 'stopped'} ${affects}`;
  const details = { problem, failure: f };
  switch (meaning.failure) {
    case 'denied':
      return new NeedsHumanError(code, message, { hint: `grant it with the permission manager: ${problem.grant} (or ask an administrator)`, details });
    case 'credentials':
      return new NeedsHumanError(code, message, { hint: 'refresh or fix the profile\'s credentials, then re-run', details });
    case 'unavailable':
      return new OperationError(code, message, { hint: 'nothing was changed by this call; check the service health (or AWS_ENDPOINT_URL) and re-run', details });
    case 'not-found':
      return new OperationError(code, message, { hint: `the registry lists a resource that no longer exists: faber-cloud infra deploy --env ${env} brings them back in step`, details });
    default:
      return new OperationError(code, message, { hint: '--verbose shows the provider\'s answer', details });
  }
}

/** For `.catch(...)` in the respond commands: rethrow a provider failure as the ops error for it. */
export function rethrowAsOpsError(env: string, doing: string): (error: unknown) => never {
  return (error) => {
    throw opsError(error, env, doing, 'ops-respond');
  };
}
