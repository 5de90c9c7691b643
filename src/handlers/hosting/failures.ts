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
  /** The provider asked the caller to slow down (rate limits); nothing was done. */
  | 'throttled'
  /** The service did not answer, answered 5xx, or does not implement the call. */
  | 'unavailable'
  /** The resource does not exist (any more). */
  | 'not-found'
  /** The resource's current state stands in the way (exists already, in use, being changed). */
  | 'conflict'
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
  /** The HTTP status of the provider's answer, when there was one. */
  status?: number;
  /** What the call was about (a log group, a queue), when the caller said. */
  resource?: string;
}

/**
 * The one error a hosting handler throws for a failed provider call. Its own code is
 * E_PROVIDER_CALL; the layer that knows what the call was for (ops, permissions) turns the
 * failure's reason into its stable E_ code and exit code.
 */
export class ProviderCallError extends OperationError {
  constructor(
    readonly failure: ProviderFailure,
    cause?: unknown,
  ) {
    super('E_PROVIDER_CALL', `${failure.action}: ${failure.message}`, { details: failure, ...(cause !== undefined ? { cause } : {}) });
  }
}

export function isProviderCallError(error: unknown): error is ProviderCallError {
  return error instanceof ProviderCallError;
}
