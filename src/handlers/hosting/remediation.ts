/**
 * The few changes `ops remediate` may make to deployed resources, as typed calls. Which
 * action exists, its bounds and how to undo it are catalogue data
 * (templates/ops/remediation-catalogue.json) and domain logic (src/ops/remediate.ts); a
 * provider only reads current values and makes the one change asked for. Every method
 * throws ProviderCallError (./failures.ts) on failure.
 */

/** A deployed resource as the registry knows it (id and ARN as the IaC state has them). */
export interface ResourceRef {
  address: string;
  type: string;
  id: string | null;
  arn: string | null;
}

export interface ServiceState {
  desiredCount: number;
  runningCount: number;
  /** The primary deployment: a restart replaces it. */
  deploymentId: string | null;
  taskDefinition: string | null;
}

export interface QueueState {
  name: string;
  /** Messages waiting (approximate, as the provider counts them). */
  messages: number;
  /** Messages received by someone and not yet deleted. */
  inFlight: number;
}

export interface MoveResult {
  moved: number;
  /** Messages received but not sent (left in the source queue, visible again later). */
  failed: number;
  /** Messages sent but not deleted from the source: now in both queues (never lost). */
  duplicated: number;
  /** Why the move stopped before the limit, if it did for a reason other than an empty queue. */
  stoppedBecause?: string;
}

export interface RemediationCapability {
  serviceState(service: ResourceRef): Promise<ServiceState>;
  /** Replace the service's tasks with fresh ones of the same definition. */
  restartService(service: ResourceRef): Promise<ServiceState>;
  scaleService(service: ResourceRef, desiredCount: number): Promise<ServiceState>;
  /** Reserved concurrency of a function; null when none is reserved. */
  functionConcurrency(fn: ResourceRef): Promise<number | null>;
  /** Reserve `value` (0 throttles every invocation) or remove the reservation (null). */
  setFunctionConcurrency(fn: ResourceRef, value: number | null): Promise<number | null>;
  queueState(queue: ResourceRef): Promise<QueueState>;
  /** Names of the queues whose dead-letter queue is `dlq`. */
  deadLetterSources(dlq: ResourceRef): Promise<string[]>;
  /**
   * Move up to `max` messages from `from` to `to`, each sent before it is deleted, so a
   * failure can duplicate a message but never lose one.
   */
  moveMessages(from: ResourceRef, to: ResourceRef, max: number): Promise<MoveResult>;
}
