import type { StateResource } from '../types.js';
import { redactSensitive, registerSensitiveFromShowJson } from './sensitive.js';

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

/**
 * What `showState()` does with the state it read: register what it marks sensitive (nothing
 * written or printed from now on shows it), then its managed resources. One function so
 * bench/registry-build.mjs times exactly this.
 */
export function shownStateResources(state: ShowStateJson): StateResource[] {
  registerSensitiveFromShowJson(state);
  return stateResources(state);
}
