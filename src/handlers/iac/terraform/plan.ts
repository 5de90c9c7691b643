import { createHash } from 'node:crypto';
import type { ChangeAction, PlanDigest, PlannedChange } from '../types.js';

/** The parts of `terraform show -json <planfile>` that we read. */
export interface ShowPlanJson {
  format_version?: string;
  terraform_version?: string;
  variables?: Record<string, { value?: unknown }>;
  resource_changes?: JsonResourceChange[];
  output_changes?: Record<string, { actions: string[]; before_sensitive?: unknown; after_sensitive?: unknown; before?: unknown; after?: unknown }>;
  prior_state?: unknown;
  planned_values?: unknown;
  configuration?: unknown;
  [key: string]: unknown;
}

interface JsonResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  action_reason?: string;
  change: {
    actions: string[];
    before?: unknown;
    after?: unknown;
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    replace_paths?: unknown[][];
  };
}

export function changeAction(actions: readonly string[]): ChangeAction {
  const key = actions.join(',');
  if (key === 'create') return 'create';
  if (key === 'update') return 'update';
  if (key === 'delete') return 'delete';
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  if (key === 'read') return 'read';
  return 'no-op';
}

/** Top-level attribute names whose value differs (or becomes unknown) between before and after. */
function changedAttributes(change: JsonResourceChange['change']): string[] {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys].filter((k) => unknown[k] === true || JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

const ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, create: 2, update: 3, read: 4, 'no-op': 5 };

/**
 * Plan id: a hash of the resource changes only (address, actions, before, after), so the
 * same changes against the same state always get the same id and anything else does not.
 */
export function planIdOf(plan: ShowPlanJson): string {
  const changes = (plan.resource_changes ?? [])
    .map((rc) => [rc.address, rc.change.actions, rc.change.before ?? null, rc.change.after ?? null, rc.change.after_unknown ?? null])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(changes)).digest('hex').slice(0, 12);
}

export function digestPlan(plan: ShowPlanJson): PlanDigest {
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  const changes: PlannedChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = changeAction(rc.change.actions);
    if (action === 'no-op' || action === 'read') continue;
    counts[action]++;
    const entry: PlannedChange = { address: rc.address, type: rc.type, action };
    if (action === 'update' || action === 'replace') entry.changedAttributes = changedAttributes(rc.change);
    if (action === 'replace' && rc.change.replace_paths?.length) entry.replaceReason = rc.change.replace_paths.map((p) => p.join('.'));
    changes.push(entry);
  }
  changes.sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.address < b.address ? -1 : 1));
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, oc]) => ({ name, action: changeAction(oc.actions), sensitive: oc.after_sensitive === true || oc.before_sensitive === true }))
    .filter((o) => o.action !== 'no-op');
  const hasChanges = changes.length > 0 || outputs.length > 0;
  return { planId: planIdOf(plan), counts, changes, outputs, hasChanges };
}

/**
 * The plan as it may be stored beside the .tfplan: which resources change, how, and which
 * attributes, but no attribute values at all. Tools do not always mark derived values as
 * sensitive (a sensitive input copied into another attribute loses its mark), so only
 * leaving values out guarantees no secret is written. `tofu show <planfile>` shows values.
 */
export function redactPlanJson(plan: ShowPlanJson): Record<string, unknown> {
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    timestamp: plan.timestamp,
    resource_changes: (plan.resource_changes ?? []).map((rc) => ({
      address: rc.address,
      mode: rc.mode,
      type: rc.type,
      name: rc.name,
      actions: rc.change.actions,
      changed_attributes: changedAttributes(rc.change),
      ...(rc.change.replace_paths ? { replace_paths: rc.change.replace_paths } : {}),
      ...(rc.action_reason ? { action_reason: rc.action_reason } : {}),
    })),
    output_changes: Object.fromEntries(
      Object.entries(plan.output_changes ?? {}).map(([k, oc]) => [k, { actions: oc.actions, sensitive: oc.after_sensitive === true || oc.before_sensitive === true }]),
    ),
  };
}
