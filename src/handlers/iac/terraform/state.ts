import type { StateResource } from '../types.js';

/** The parts of `terraform show -json` (state or plan prior_state) that we read. */
interface JsonModule {
  address?: string;
  resources?: JsonResource[];
  child_modules?: JsonModule[];
}

interface JsonResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  values?: Record<string, unknown>;
  sensitive_values?: Record<string, unknown>;
}

export interface ShowStateJson {
  format_version?: string;
  terraform_version?: string;
  values?: { outputs?: Record<string, { value: unknown; sensitive?: boolean; type?: unknown }>; root_module?: JsonModule };
}

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
    return values.map((v, i) => redact(v, (sensitive as unknown[])[i]));
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

/** Managed resources of every module (root and nested child modules), sensitive values removed. */
export function stateResources(state: ShowStateJson): StateResource[] {
  const out: StateResource[] = [];
  const stack: JsonModule[] = state.values?.root_module ? [state.values.root_module] : [];
  while (stack.length > 0) {
    const mod = stack.pop() as JsonModule;
    for (const r of mod.resources ?? []) {
      if (r.mode !== 'managed') continue;
      const resource: StateResource = {
        address: r.address,
        type: r.type,
        name: r.name,
        module: mod.address ?? '',
        provider: r.provider_name ?? '',
        values: redactSensitive(r.values ?? {}, r.sensitive_values) as Record<string, unknown>,
      };
      if (r.index !== undefined) resource.index = r.index;
      out.push(resource);
    }
    for (const child of mod.child_modules ?? []) stack.push(child);
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
