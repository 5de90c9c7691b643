import { createHash } from 'node:crypto';
import { byReviewOrder, type AttributeDrift, type ChangeAction, type DriftedResource, type PlanDigest, type PlannedChange, type PlannedResource } from '../types.js';
import { redactSensitive } from './sensitive.js';

/** The parts of `terraform show -json <planfile>` that we read. */
export interface ShowPlanJson {
  format_version?: string;
  terraform_version?: string;
  variables?: Record<string, { value?: unknown }>;
  resource_changes?: JsonResourceChange[];
  /** Changes made outside the tool, found by the refresh (plan and refresh-only plan). */
  resource_drift?: JsonResourceChange[];
  output_changes?: Record<string, { actions: string[]; before_sensitive?: unknown; after_sensitive?: unknown; before?: unknown; after?: unknown; after_unknown?: unknown }>;
  prior_state?: unknown;
  planned_values?: unknown;
  configuration?: unknown;
  [key: string]: unknown;
}

interface JsonResourceChange {
  address: string;
  previous_address?: string;
  module_address?: string;
  index?: string | number;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider_name?: string;
  deposed?: string;
  action_reason?: string;
  change: {
    actions: string[];
    before?: unknown;
    after?: unknown;
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    replace_paths?: unknown[][];
    /** Present when the plan imports the resource (an import block). */
    importing?: { id?: string };
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


/**
 * Plan id: a hash of the resource changes only (address, actions, before, after), so the
 * same changes against the same state always get the same id and anything else does not.
 */
export function planIdOf(plan: ShowPlanJson): string {
  const changes = (plan.resource_changes ?? [])
    // An import joins the hash only when there is one: the ids of plans without imports stay as they were.
    .map((rc) => [rc.address, rc.change.actions, rc.change.before ?? null, rc.change.after ?? null, rc.change.after_unknown ?? null, ...(rc.change.importing ? [rc.change.importing] : [])])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(changes)).digest('hex').slice(0, 12);
}

export function digestPlan(plan: ShowPlanJson): PlanDigest {
  const counts: PlanDigest['counts'] = { create: 0, update: 0, replace: 0, delete: 0 };
  let imports = 0;
  const changes: PlannedChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = changeAction(rc.change.actions);
    const importing = rc.change.importing !== undefined;
    if (importing) imports++;
    if ((action === 'no-op' && !importing) || action === 'read') continue;
    if (action !== 'no-op') counts[action]++;
    const entry: PlannedChange = { address: rc.address, type: rc.type, action, ...(importing ? { importing: true as const } : {}) };
    if (action === 'update' || action === 'replace') entry.changedAttributes = changedAttributes(rc.change);
    if (action === 'replace' && rc.change.replace_paths?.length) entry.replaceReason = rc.change.replace_paths.map((p) => p.join('.'));
    changes.push(entry);
  }
  changes.sort(byReviewOrder);
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, oc]) => ({ name, action: changeAction(oc.actions), sensitive: oc.after_sensitive === true || oc.before_sensitive === true }))
    .filter((o) => o.action !== 'no-op');
  if (imports > 0) counts.import = imports;
  const hasChanges = changes.length > 0 || outputs.length > 0;
  return { planId: planIdOf(plan), counts, changes, outputs, hasChanges };
}

/**
 * The plan as it may be stored beside the .tfplan: which resources change, how, and which
 * attributes, but no attribute values at all. Tools do not always mark derived values as
 * sensitive (a sensitive input copied into another attribute loses its mark), so only
 * leaving values out guarantees no secret is written. `tofu show <planfile>` shows values.
 */
/**
 * The top-level attributes a create sets (names only, like changed_attributes): a known value
 * that is not null, false or empty, or a value known only after apply that the configuration
 * gives. What the permission preflight reads to know which settings a create writes.
 */
function setAttributes(change: JsonResourceChange['change'], configured: Record<string, string[]> | undefined): string[] {
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const empty = (v: unknown) => v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  const out = new Set(Object.keys(after).filter((k) => !empty(after[k])));
  for (const [k, v] of Object.entries(unknown)) if (v !== false && (configured?.[k] ?? []).length > 0) out.add(k);
  return [...out].sort();
}

export function redactPlanJson(plan: ShowPlanJson): Record<string, unknown> {
  const references = new Map<string, Record<string, string[]>>();
  configurationReferences((plan.configuration as { root_module?: JsonConfigModule } | undefined)?.root_module, '', references);
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
      ...(rc.change.actions.includes('create') ? { set_attributes: setAttributes(rc.change, references.get(configAddress(rc.address))) } : {}),
      ...(rc.change.replace_paths ? { replace_paths: rc.change.replace_paths } : {}),
      ...(rc.action_reason ? { action_reason: rc.action_reason } : {}),
      ...(rc.change.importing ? { importing: true } : {}),
    })),
    output_changes: Object.fromEntries(
      Object.entries(plan.output_changes ?? {}).map(([k, oc]) => [k, { actions: oc.actions, sensitive: oc.after_sensitive === true || oc.before_sensitive === true }]),
    ),
  };
}

/** One module of `configuration`: its resources' expressions and its module calls. */
interface JsonConfigModule {
  resources?: { address: string; mode?: string; expressions?: Record<string, unknown> }[];
  module_calls?: Record<string, { module?: JsonConfigModule }>;
}

/** An address without instance keys: module.a["x"].aws_s3_bucket.b[0] -> module.a.aws_s3_bucket.b. */
export function configAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

/** Symbols a reference can start with that are not managed resources. */
const NOT_RESOURCES = new Set(['var', 'local', 'module', 'data', 'each', 'count', 'path', 'terraform', 'self']);

/** `aws_s3_bucket.b.id` / `aws_s3_bucket.b[0]` -> `aws_s3_bucket.b`; undefined for var.x, local.y, ... */
function referencedResource(reference: string): string | undefined {
  const parts = configAddress(reference).split('.');
  if (parts.length < 2 || NOT_RESOURCES.has(parts[0] as string)) return undefined;
  return `${parts[0]}.${parts[1]}`;
}

/** Every `references` list under an expression (nested blocks included). */
function referencesIn(expression: unknown, into: Set<string>): void {
  if (Array.isArray(expression)) {
    for (const item of expression) referencesIn(item, into);
    return;
  }
  if (!expression || typeof expression !== 'object') return;
  for (const [key, value] of Object.entries(expression as Record<string, unknown>)) {
    if (key === 'references' && Array.isArray(value)) {
      for (const ref of value) {
        const target = typeof ref === 'string' ? referencedResource(ref) : undefined;
        if (target) into.add(target);
      }
    } else if (typeof value === 'object') referencesIn(value, into);
  }
}

/** Config address (module path without keys) -> attribute -> referenced resources (relative to that module). */
function configurationReferences(module: JsonConfigModule | undefined, prefix: string, into: Map<string, Record<string, string[]>>): void {
  for (const resource of module?.resources ?? []) {
    if (resource.mode === 'data') continue;
    const byAttribute: Record<string, string[]> = {};
    for (const [attribute, expression] of Object.entries(resource.expressions ?? {})) {
      const found = new Set<string>();
      referencesIn(expression, found);
      if (found.size > 0) byAttribute[attribute] = [...found].sort();
    }
    into.set(`${prefix}${resource.address}`, byAttribute);
  }
  for (const [name, call] of Object.entries(module?.module_calls ?? {})) configurationReferences(call.module, `${prefix}module.${name}.`, into);
}

/** Dotted paths whose value is `true` in an after_unknown / after_sensitive tree. */
function truePaths(tree: unknown, prefix: string, into: string[]): void {
  if (tree === true) {
    into.push(prefix);
    return;
  }
  if (Array.isArray(tree)) tree.forEach((item, i) => truePaths(item, prefix ? `${prefix}.${i}` : String(i), into));
  else if (tree && typeof tree === 'object') for (const [k, v] of Object.entries(tree)) truePaths(v, prefix ? `${prefix}.${k}` : k, into);
}

/**
 * The managed resources of a plan as they will be after apply: planned values without
 * sensitive ones, the paths known only after apply, and what each attribute refers to.
 */
export function plannedResources(plan: ShowPlanJson): PlannedResource[] {
  const references = new Map<string, Record<string, string[]>>();
  configurationReferences((plan.configuration as { root_module?: JsonConfigModule } | undefined)?.root_module, '', references);
  const resources: PlannedResource[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = changeAction(rc.change.actions);
    const deleted = action === 'delete';
    const values = deleted ? {} : ((redactSensitive(rc.change.after ?? {}, rc.change.after_sensitive) ?? {}) as Record<string, unknown>);
    const unknown: string[] = [];
    if (!deleted) truePaths(rc.change.after_unknown, '', unknown);
    const module = rc.module_address ?? '';
    // Config references are relative to the module: qualify them with this instance's module.
    const relative = references.get(configAddress(rc.address)) ?? {};
    const qualified = Object.fromEntries(Object.entries(relative).map(([attribute, targets]) => [attribute, targets.map((t) => (module ? `${module}.${t}` : t))]));
    resources.push({
      address: rc.address,
      type: rc.type,
      name: rc.name,
      module,
      ...(rc.index !== undefined ? { index: rc.index } : {}),
      action,
      values,
      unknown,
      references: qualified,
    });
  }
  return resources;
}

/** A hash of the drift a plan found (address, actions, before, after): the same drift, the same id. */
export function driftIdOf(plan: ShowPlanJson): string {
  const drift = (plan.resource_drift ?? [])
    .map((rc) => [rc.address, rc.change.actions, rc.change.before ?? null, rc.change.after ?? null])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(drift)).digest('hex').slice(0, 12);
}

const MAX_DRIFT_DEPTH = 32;

/** Marked sensitive at this path: Terraform's *_sensitive mirrors the value with `true` at secrets. */
function sensitiveAt(marks: unknown): boolean {
  return marks === true;
}

function child(value: unknown, key: string | number): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key as string] : undefined;
}

/** Leaf paths whose values differ, with both values; sensitive ones without values. */
function attributeDiff(before: unknown, after: unknown, marks: { before: unknown; after: unknown }, prefix: string, out: AttributeDrift[], depth = 0): void {
  if (sensitiveAt(marks.before) || sensitiveAt(marks.after)) {
    if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: prefix, sensitive: true });
    return;
  }
  const bothObjects = before !== null && after !== null && typeof before === 'object' && typeof after === 'object' && Array.isArray(before) === Array.isArray(after);
  const sameLength = !Array.isArray(before) || (before as unknown[]).length === (after as unknown[]).length;
  if (bothObjects && sameLength && depth < MAX_DRIFT_DEPTH) {
    const keys = Array.isArray(before) ? [...(before as unknown[]).keys()] : [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
    for (const key of keys) {
      attributeDiff(child(before, key), child(after, key), { before: child(marks.before, key), after: child(marks.after, key) }, prefix ? `${prefix}.${key}` : String(key), out, depth + 1);
    }
    return;
  }
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return;
  out.push({ path: prefix, before: before ?? null, after: after ?? null });
}

/** The resources changed or deleted outside the tool, with the attributes that changed (secrets without values). */
export function driftOf(plan: ShowPlanJson): DriftedResource[] {
  const out: DriftedResource[] = [];
  for (const rc of plan.resource_drift ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = changeAction(rc.change.actions);
    if (action !== 'update' && action !== 'delete') continue;
    const attributes: AttributeDrift[] = [];
    if (action === 'update') attributeDiff(rc.change.before, rc.change.after, { before: rc.change.before_sensitive, after: rc.change.after_sensitive }, '', attributes);
    out.push({ address: rc.address, type: rc.type, action, attributes });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
