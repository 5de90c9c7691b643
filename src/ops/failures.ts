import { NeedsHumanError, OperationError } from '../core/errors.js';
import { isProviderCallError, type ProviderFailure } from '../handlers/hosting/failures.js';
import { grantCommand } from './problems.js';

/** One line saying what a failed provider call means, for reports that go on after it. */
export function describeFailure(failure: ProviderFailure): string {
  switch (failure.reason) {
    case 'permission-denied':
      return `permission missing: ${failure.action}`;
    case 'credentials':
      return `credentials rejected (${failure.code ?? failure.message})`;
    case 'unavailable':
      return `service unavailable for ${failure.action}: ${failure.message}`;
    case 'throttled':
      return `throttled on ${failure.action}: ${failure.message}`;
    case 'not-found':
      return `not found (${failure.action}): ${failure.message}`;
    default:
      return `${failure.action} failed: ${failure.message}`;
  }
}

/**
 * A provider failure as the error a person can act on: a missing permission names the
 * action and the grant command (exit 4), an unavailable service says so (exit 1), a
 * resource gone from the cloud points at the registry (exit 1). Anything else passes through.
 */
export function toOpsError(error: unknown, env: string, doing: string): unknown {
  if (!isProviderCallError(error)) return error;
  const f = error.failure;
  const details = { failure: f };
  switch (f.reason) {
    case 'permission-denied':
      return new NeedsHumanError('E_PERMISSION_DENIED', `${doing}: the profile may not call ${f.action} (${f.message})`, {
        hint: `ask the permission manager for it: ${grantCommand(env, f.action, doing)}`,
        details: { ...details, missing_action: f.action, grant_command: grantCommand(env, f.action, doing) },
      });
    case 'credentials':
      return new NeedsHumanError('E_AWS_CREDENTIALS', `${doing}: the credentials were rejected (${f.code ?? 'credentials'}): ${f.message}`, {
        hint: 'refresh or configure the profile\'s credentials, then re-run',
        details,
      });
    case 'unavailable':
    case 'throttled':
      return new OperationError('E_PROVIDER_UNAVAILABLE', `${doing}: the service did not answer ${f.action}: ${f.message}`, {
        hint: 'nothing was changed by this call; check the service health (or AWS_ENDPOINT_URL) and re-run',
        details,
      });
    case 'not-found':
      return new OperationError('E_RESOURCE_NOT_FOUND', `${doing}: ${f.message}`, {
        hint: `the registry lists a resource that no longer exists: faber-cloud infra deploy --env ${env} brings them back in step`,
        details,
      });
    case 'rejected':
      return new OperationError('E_PROVIDER_REJECTED', `${doing}: ${f.action} was refused: ${f.message}`, { details });
    default:
      return new OperationError('E_PROVIDER_CALL', `${doing}: ${f.action} failed: ${f.message}`, { details });
  }
}

/** For `.catch(...)`: rethrow a provider failure as the ops error for it. */
export function rethrowAsOpsError(env: string, doing: string): (error: unknown) => never {
  return (error) => {
    throw toOpsError(error, env, doing);
  };
}
