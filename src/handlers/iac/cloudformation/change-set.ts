import { createHash } from 'node:crypto';
import { byReviewOrder, type ChangeAction, type Diagnostic, type PlanDigest, type PlannedChange } from '../types.js';

/**
 * CloudFormation change sets and stack events as the lifecycle reads plans and applies: pure
 * functions, no AWS call (the handler makes those).
 */

/** What a plan was made against and from: the plan id is the hash of exactly this. */
export interface PlanSeed {
  stack: string;
  destroy: boolean;
  template_sha256: string;
  /** A hash of the parameter values (they may be secret: the plan file holds none). */
  parameters_sha256: string;
  capabilities: string[];
  /** The stack as it was when previewed (`none` before its first deploy): a change means stale. */
  baseline: string;
  created_at: string;
}

/** The saved plan file (`{plan_id}.changeset.json`): the seed, the change set it names, and its changes. */
export interface ChangeSetPlan {
  format: 'faber-cloud/cloudformation-plan@1';
  plan_id: string;
  seed: PlanSeed;
  /** Absent for a destroy (a stack deletion) and for a preview without changes. */
  change_set?: { name: string; id: string; type: 'CREATE' | 'UPDATE' };
  changes: PlannedChange[];
}

export const CHANGE_SET_PREFIX = 'faber-cloud-';

/** JSON with sorted object keys: the same seed always hashes the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The plan id: 12 hex characters of the seed's hash. The change set is named after it. */
export function planIdOf(seed: PlanSeed): string {
  return sha256(canonical(seed)).slice(0, 12);
}

export function changeSetName(planId: string): string {
  return `${CHANGE_SET_PREFIX}${planId}`;
}

/** One `ResourceChange` of DescribeChangeSet (the fields read here). */
export interface ResourceChangeInput {
  Action?: string;
  LogicalResourceId?: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  Replacement?: string;
  Scope?: string[];
  Details?: { Target?: { Name?: string; RequiresRecreation?: string; Attribute?: string } }[];
}

/** CloudFormation's action (and replacement flag) as a ChangeAction. */
export function changeActionOf(change: ResourceChangeInput): ChangeAction {
  switch (change.Action) {
    case 'Add':
    case 'Import':
      return 'create';
    case 'Remove':
      return 'delete';
    case 'Modify':
    case 'Dynamic':
      return change.Replacement === 'True' ? 'replace' : 'update';
    default:
      return 'update';
  }
}

/**
 * The digest's changes: action, logical id, type, physical id (from the change, else from the
 * stack's current resources), changed properties, and why a replacement happens where
 * CloudFormation says (`Conditional` is kept as a reason: it may replace).
 */
export function changesOf(resourceChanges: readonly ResourceChangeInput[], physicalIds: ReadonlyMap<string, string>): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const rc of resourceChanges) {
    const address = rc.LogicalResourceId;
    if (!address) continue;
    const action = changeActionOf(rc);
    const entry: PlannedChange = { address, type: rc.ResourceType ?? 'unknown', action };
    const physicalId = rc.PhysicalResourceId || physicalIds.get(address);
    if (physicalId) entry.physicalId = physicalId;
    const attributes = [...new Set((rc.Details ?? []).map((d) => d.Target?.Name).filter((n): n is string => typeof n === 'string' && n !== ''))];
    if ((action === 'update' || action === 'replace') && attributes.length > 0) entry.changedAttributes = attributes.sort();
    if (rc.Replacement === 'Conditional') entry.replaceReason = ['conditional: CloudFormation may replace it'];
    if (action === 'replace') {
      const forcing = (rc.Details ?? []).filter((d) => d.Target?.RequiresRecreation === 'Always').map((d) => d.Target?.Name).filter((n): n is string => !!n);
      entry.replaceReason = forcing.length > 0 ? [...new Set(forcing)].sort() : ['replacement'];
    }
    changes.push(entry);
  }
  return changes.sort(byReviewOrder);
}

export function digestOf(planId: string, changes: PlannedChange[], executable: boolean): PlanDigest {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) if (c.action in counts) counts[c.action as keyof typeof counts]++;
  // A change set without resource changes (outputs only) still has something to execute.
  return { planId, counts, changes, outputs: [], hasChanges: changes.length > 0 || executable };
}

/** CloudFormation's answers to a change set without differences (moto throws it, AWS fails the change set). */
export function isNoChangesReason(text: string | undefined): boolean {
  return /didn't contain changes|no updates are to be performed/i.test(text ?? '');
}

/** Stack statuses that end an operation. */
export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && !status.endsWith('_IN_PROGRESS');
}

/** The stack statuses an operation succeeded with. */
export function isSuccess(status: string | undefined, destroy: boolean): boolean {
  return destroy ? status === 'DELETE_COMPLETE' : status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}

/** A stack that has never been deployed (absent, deleted, or holding only change sets). */
export function isUndeployed(status: string | undefined): boolean {
  return status === undefined || status === 'DELETE_COMPLETE' || status === 'REVIEW_IN_PROGRESS';
}

/** One stack event (the fields read here). */
export interface StackEventInput {
  EventId?: string;
  LogicalResourceId?: string;
  ResourceType?: string;
  ResourceStatus?: string;
  ResourceStatusReason?: string;
  Timestamp?: Date;
}

export interface EventStep {
  phase: 'start' | 'complete' | 'errored';
  address: string;
  action: 'create' | 'update' | 'delete';
  reason?: string;
}

const STACK_TYPE = 'AWS::CloudFormation::Stack';

/** A resource event as an apply step; undefined for stack-level and skipped events. */
export function stepOf(event: StackEventInput): EventStep | undefined {
  const address = event.LogicalResourceId;
  const status = event.ResourceStatus ?? '';
  if (!address || event.ResourceType === STACK_TYPE) return undefined;
  const m = /^(CREATE|UPDATE|DELETE|IMPORT)_(IN_PROGRESS|COMPLETE|FAILED)$/.exec(status);
  if (!m) return undefined;
  const action = m[1] === 'DELETE' ? 'delete' : m[1] === 'UPDATE' ? 'update' : 'create';
  const phase = m[2] === 'IN_PROGRESS' ? 'start' : m[2] === 'COMPLETE' ? 'complete' : 'errored';
  return { phase, address, action, ...(event.ResourceStatusReason ? { reason: event.ResourceStatusReason } : {}) };
}

/**
 * The failures among stack events as diagnostics: each resource's failure reason (where
 * CloudFormation wraps an AccessDenied as "Resource handler returned message: ... is not
 * authorized to perform ..."), not the knock-on cancellations of the others.
 */
export function failureDiagnostics(events: readonly StackEventInput[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const event of events) {
    if (!event.ResourceStatus?.endsWith('_FAILED') || !event.ResourceStatusReason) continue;
    const reason = event.ResourceStatusReason;
    if (/^Resource (creation|update|deletion) cancelled$/i.test(reason)) continue;
    const stackLevel = event.ResourceType === STACK_TYPE;
    // The stack's own summary ("The following resource(s) failed to create: [Bucket]") repeats the resource failures.
    if (stackLevel && diagnostics.length > 0) continue;
    diagnostics.push({ severity: 'error', summary: reason, ...(!stackLevel && event.LogicalResourceId ? { address: event.LogicalResourceId } : {}) });
  }
  return diagnostics;
}

/** Parameters from a parameter file: `{"Key": "value"}` or CloudFormation's `[{"ParameterKey", "ParameterValue"}]`. */
export function parseParameters(raw: unknown): [string, string][] | string {
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  const pairs: [string, string][] = [];
  if (Array.isArray(raw)) {
    for (const [i, item] of raw.entries()) {
      const key = (item as { ParameterKey?: unknown })?.ParameterKey;
      const value = scalar((item as { ParameterValue?: unknown })?.ParameterValue);
      if (typeof key !== 'string' || key === '' || value === undefined) return `item ${i}: needs ParameterKey and ParameterValue`;
      pairs.push([key, value]);
    }
  } else if (raw && typeof raw === 'object') {
    for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v.map(scalar).join(',') : scalar(v);
      if (value === undefined) return `${key}: a parameter value is a string, number or boolean (or a list of them)`;
      pairs.push([key, value]);
    }
  } else {
    return 'a parameter file is a JSON object {"Key": "value"} or a list of {"ParameterKey", "ParameterValue"}';
  }
  return pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
