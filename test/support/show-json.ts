import { clearSensitive, redactText } from '../../src/core/redaction/index.js';
import type { ShowPlanJson } from '../../src/handlers/iac/terraform/plan.js';
import { registerSensitiveFromShowJson } from '../../src/handlers/iac/terraform/sensitive.js';

/** Dotted paths marked `true` in a *_sensitive tree: what redaction and registration act on. */
export function truePaths(tree: unknown, prefix = ''): string[] {
  if (tree === true) return [prefix];
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => truePaths(v, prefix ? `${prefix}.${k}` : k)).sort();
}

type Change = NonNullable<ShowPlanJson['resource_changes']>[number];

/** Every field of a resource change preview and deploy read, sensitive marks as their paths. */
export function comparableChange(rc: Change): unknown {
  const c = rc.change;
  return {
    address: rc.address,
    previous_address: rc.previous_address,
    module_address: rc.module_address,
    mode: rc.mode,
    type: rc.type,
    name: rc.name,
    index: rc.index,
    provider_name: rc.provider_name,
    deposed: rc.deposed,
    action_reason: rc.action_reason,
    actions: c.actions,
    before: c.before,
    after: c.after,
    after_unknown: c.after_unknown,
    before_sensitive: truePaths(c.before_sensitive),
    after_sensitive: truePaths(c.after_sensitive),
    // The tool lists replace paths from a hash set: their order is not defined.
    replace_paths: c.replace_paths?.map((p) => JSON.stringify(p)).sort(),
    importing: c.importing,
  };
}

/** `text` redacted with exactly the secrets a `show -json` document (plan or state) registers. */
export function redactedUnder(doc: unknown, text: string): string {
  clearSensitive();
  registerSensitiveFromShowJson(doc);
  const out = redactText(text);
  clearSensitive();
  return out;
}
