/**
 * What a Terraform/OpenTofu `show -json` document (plan or state) marks sensitive: the one
 * reader of its sensitivity marks. Two uses: drop the marked values from what we record
 * (`redactSensitive`) and register them with the redaction module so no later output or
 * artifact prints them (`registerSensitiveFromShowJson`).
 */
import { registerSensitive } from '../../../core/redaction/index.js';

/**
 * Drop every attribute marked sensitive. `sensitive_values` mirrors `values` with `true`
 * where a value is sensitive, so walk both together. Most resources have nothing sensitive
 * (`sensitive_values` is all `{}`, `[]` and `false`): their values are returned as they are,
 * not copied (performance: a 5,000-resource state).
 */
export function redactSensitive(values: unknown, sensitive: unknown): unknown {
  return marksSensitive(sensitive) ? redact(values, sensitive) : values;
}

/** A `true` anywhere in `sensitive_values`. */
function marksSensitive(sensitive: unknown): boolean {
  if (sensitive === true) return true;
  if (sensitive === null || typeof sensitive !== 'object') return false;
  if (Array.isArray(sensitive)) {
    for (const s of sensitive) if (marksSensitive(s)) return true;
    return false;
  }
  for (const key in sensitive) {
    if (Object.hasOwn(sensitive, key) && marksSensitive((sensitive as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function redact(values: unknown, sensitive: unknown): unknown {
  if (sensitive === true) return undefined;
  if (sensitive === null || typeof sensitive !== 'object') return values;
  if (Array.isArray(values)) {
    // A dropped item keeps its place as null, as it is written to JSON.
    return values.map((v, i) => redact(v, (sensitive as unknown[])[i]) ?? null);
  }
  if (values !== null && typeof values === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const redacted = redact(value, (sensitive as Record<string, unknown>)[key]);
      if (redacted !== undefined) out[key] = redacted;
    }
    return out;
  }
  return values;
}

/**
 * The values under `sensitive` marks: `marks` mirrors `values` with `true` where a value is
 * sensitive (Terraform's `sensitive_values`, `after_sensitive`, `before_sensitive`).
 */
export function registerMarkedSensitive(values: unknown, marks: unknown, depth = 0): void {
  if (depth > 64) return;
  if (marks === true) {
    registerSensitive(values);
    return;
  }
  if (marks === null || typeof marks !== 'object' || values === null || typeof values !== 'object') return;
  if (Array.isArray(marks)) {
    if (!Array.isArray(values)) return;
    marks.forEach((m, i) => registerMarkedSensitive(values[i], m, depth + 1));
    return;
  }
  for (const key of Object.keys(marks)) {
    // Stryker disable next-line ConditionalExpression: an inherited property is a function or Object.prototype, neither holds a string to register (kept against a `__proto__` key)
    if (Object.hasOwn(values, key)) registerMarkedSensitive((values as Record<string, unknown>)[key], (marks as Record<string, unknown>)[key], depth + 1);
  }
}

/** Terraform `sensitive_attributes` (state): lists of paths, each a list of {type, value} steps. */
function registerAttributePaths(values: unknown, paths: unknown): void {
  if (!Array.isArray(paths)) return;
  for (const p of paths) {
    const steps = Array.isArray(p) ? p : (p as { path?: unknown })?.path;
    if (!Array.isArray(steps)) continue;
    let at: unknown = values;
    for (const step of steps) {
      const key = (step as { value?: unknown })?.value;
      if (at === null || typeof at !== 'object' || (typeof key !== 'string' && typeof key !== 'number')) {
        at = undefined;
        break;
      }
      at = Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key as string] : undefined;
    }
    if (at !== undefined) registerSensitive(at);
  }
}

interface Module {
  resources?: { values?: unknown; sensitive_values?: unknown; sensitive_attributes?: unknown }[];
  child_modules?: Module[];
}

function registerModule(mod: unknown, depth = 0): void {
  if (depth > 64 || mod === null || typeof mod !== 'object') return;
  const m = mod as Module;
  for (const r of Array.isArray(m.resources) ? m.resources : []) {
    registerMarkedSensitive(r?.values, r?.sensitive_values);
    registerAttributePaths(r?.values, r?.sensitive_attributes);
  }
  for (const child of Array.isArray(m.child_modules) ? m.child_modules : []) registerModule(child, depth + 1);
}

function registerOutputs(outputs: unknown): void {
  if (outputs === null || typeof outputs !== 'object') return;
  for (const o of Object.values(outputs as Record<string, { sensitive?: unknown; value?: unknown }>)) {
    if (o?.sensitive === true) registerSensitive(o.value);
  }
}

/**
 * Everything a `show -json` document (a plan or a state) marks sensitive: sensitive input
 * variables, sensitive outputs, resource attributes under sensitive_values / after_sensitive /
 * before_sensitive / sensitive_attributes, in every module.
 */
export function registerSensitiveFromShowJson(doc: unknown): void {
  if (doc === null || typeof doc !== 'object') return;
  const d = doc as Record<string, unknown>;
  // Plan: variables are declared in configuration, valued in `variables`.
  const declared = ((d.configuration as { root_module?: { variables?: unknown } } | undefined)?.root_module?.variables ?? {}) as Record<string, { sensitive?: unknown }>;
  const valued = (d.variables ?? {}) as Record<string, { value?: unknown }>;
  for (const [name, decl] of Object.entries(declared)) {
    if (decl?.sensitive === true && Object.hasOwn(valued, name)) registerSensitive(valued[name]?.value);
  }
  // State (`values`) and plan (`planned_values`, `prior_state.values`).
  for (const values of [d.values, d.planned_values, (d.prior_state as { values?: unknown } | undefined)?.values]) {
    if (values === null || typeof values !== 'object') continue;
    registerOutputs((values as { outputs?: unknown }).outputs);
    registerModule((values as { root_module?: unknown }).root_module);
  }
  for (const rc of Array.isArray(d.resource_changes) ? d.resource_changes : []) {
    const change = (rc as { change?: Record<string, unknown> })?.change;
    if (!change) continue;
    registerMarkedSensitive(change.before, change.before_sensitive);
    registerMarkedSensitive(change.after, change.after_sensitive);
  }
  for (const oc of Object.values((d.output_changes ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!oc) continue;
    registerMarkedSensitive(oc.before, oc.before_sensitive);
    registerMarkedSensitive(oc.after, oc.after_sensitive);
  }
}
