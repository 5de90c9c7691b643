import { OperationError } from '../../core/errors.js';

/**
 * Why a provider call failed, in provider-neutral terms: the ops modules turn these into
 * the right exit code and hint (permission manager, credentials, drift), or into a gap in
 * an audit, without knowing which SDK raised them.
 */
export type ProviderFailureReason =
  /** The identity may not make this call (names `action`). */
  | 'permission-denied'
  /** The credentials are missing, expired or rejected. */
  | 'credentials'
  /** The service did not answer, answered 5xx, or does not implement the call. */
  | 'unavailable'
  /** The resource does not exist (any more). */
  | 'not-found'
  /** The provider refused the values (quota, bounds, state). */
  | 'rejected'
  | 'error';

export interface ProviderFailure {
  reason: ProviderFailureReason;
  /** The call as a permission name, e.g. `ecs:UpdateService`. */
  action: string;
  message: string;
  /** The provider's error code, when it gave one. */
  code?: string;
}

export class ProviderCallError extends OperationError {
  constructor(readonly failure: ProviderFailure) {
    super('E_PROVIDER_CALL', `${failure.action}: ${failure.message}`, { details: failure });
  }
}

export function isProviderCallError(error: unknown): error is ProviderCallError {
  return error instanceof ProviderCallError;
}
