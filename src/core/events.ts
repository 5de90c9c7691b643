import type { GuardedOperation } from './guard.js';

/**
 * The one message type the domain tells the CLI as it works (issue 14), shaped like aws-cdk
 * toolkit-lib's IoHost messages: a level, a stable code, an optional message, and data typed
 * by the code. The domain never prints: it hands events to the `EventSink` it was given, and
 * src/cli renders every event in one place (stderr, so stdout stays one JSON object).
 */

export type EventLevel = 'info' | 'warn' | 'error' | 'debug' | 'result';

/** Who is acting, shown before anything else (DESIGN §5). Plain data: no provider types in core. */
export interface IdentityData {
  account: string;
  arn: string;
  region: string;
  profile: string;
  role: string;
  /** The guarded operation the profile was chosen for (`ops-read` is shown as read-only). */
  operation: GuardedOperation;
}

/** One resource step of an apply, as the IaC tool reported it. */
export interface ResourceStepData {
  phase: 'start' | 'progress' | 'complete' | 'errored';
  address: string;
  action: string;
  /** Absent on `start`. */
  elapsed_seconds?: number;
}

/** A diagnostic the IaC tool reported while applying. */
export interface ApplyDiagnosticData {
  severity: 'error' | 'warning';
  summary: string;
  address?: string;
}

/** Paging through a log query: how far it got. */
export interface LogsProgressData {
  events_read: number;
  log_group: string;
  log_group_events: number;
}

type NoData = Record<string, never>;

/** Codes whose whole content is their message: a step under way. */
export type StepCode = 'LIFECYCLE_STEP' | 'GRANT_STEP' | 'OPS_STEP' | 'AUDIT_STEP' | 'REMEDIATE_STEP' | 'VALIDATE_STEP';
/** Codes whose whole content is their message: something a person should know, the work goes on. */
export type WarningCode = 'LIFECYCLE_WARNING' | 'OPS_WARNING' | 'INIT_WARNING';

export type FaberEvent =
  | { level: 'info'; code: 'IDENTITY'; message?: string; data: IdentityData }
  | { level: 'info'; code: StepCode; message: string; data: NoData }
  | { level: 'warn'; code: WarningCode; message: string; data: NoData }
  | { level: 'info' | 'error' | 'debug'; code: 'APPLY_RESOURCE'; message?: string; data: ResourceStepData }
  | { level: 'error' | 'warn'; code: 'APPLY_DIAGNOSTIC'; message?: string; data: ApplyDiagnosticData }
  | { level: 'info'; code: 'LOGS_PROGRESS'; message?: string; data: LogsProgressData };

export type EventCode = FaberEvent['code'];

/** What a domain function is given to report progress; the CLI decides how (or whether) to show it. */
export type EventSink = (event: FaberEvent) => void;

/** A sink that drops everything (callers that show no progress). */
export const noEvents: EventSink = () => {};

/** Every code, with what it means: the list consumers (and the renderer's test) go by. */
export const EVENT_CODES: Readonly<Record<EventCode, string>> = {
  IDENTITY: 'who is acting: account, region, profile and its role, caller ARN; before any cloud call that matters',
  LIFECYCLE_STEP: 'a step of infra preview, test, deploy or destroy (init, plan, pre-deploy tests, apply, registry)',
  LIFECYCLE_WARNING: 'infra lifecycle: something a person should know while the run goes on (tests skipped, issue log unwritable)',
  APPLY_RESOURCE: 'one resource step of an apply: start, still running (debug), complete, errored',
  APPLY_DIAGNOSTIC: 'an error or warning the IaC tool reported while applying',
  GRANT_STEP: 'a step of a permission grant (deploy principal, the grant itself)',
  OPS_STEP: 'a step of an ops read (health, logs, investigation)',
  OPS_WARNING: 'ops: a part that could not be read and is left out of the result',
  LOGS_PROGRESS: 'a log query paging through many events',
  AUDIT_STEP: 'a step of ops audit',
  REMEDIATE_STEP: 'a step of ops remediate (reading the setting, the change it makes)',
  VALIDATE_STEP: 'a step of infra validate',
  INIT_WARNING: 'init: something about the project the written config could not settle',
};

export function step(code: StepCode, message: string): FaberEvent {
  return { level: 'info', code, message, data: {} };
}

export function warning(code: WarningCode, message: string): FaberEvent {
  return { level: 'warn', code, message, data: {} };
}

/** The IDENTITY event from a caller identity and the guard's authorization (structural: no provider types here). */
export function identityEvent(
  identity: { account: string; arn: string },
  authorization: { region: string; profile: string; role: string; operation: GuardedOperation },
): FaberEvent {
  const data: IdentityData = {
    account: identity.account,
    arn: identity.arn,
    region: authorization.region,
    profile: authorization.profile,
    role: authorization.role,
    operation: authorization.operation,
  };
  return { level: 'info', code: 'IDENTITY', message: `account ${data.account} · region ${data.region} · profile ${data.profile} (${data.role}) · caller ${data.arn}`, data };
}
