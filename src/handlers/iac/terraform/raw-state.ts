import type { ProviderDigest, SchemaPath, TypeDigest } from './schema-digest.js';
import type { ShowStateJson } from './state.js';

/**
 * The raw state (`state pull`, format version 4) as the part of `show -json` we read: the same
 * addresses, values and sensitive marks, without starting a provider. Two things need the
 * provider schema, and come from its digest (schema-digest.ts): attributes typed `dynamic`,
 * which raw state wraps as `{value, type}`, and attributes the schema marks sensitive.
 *
 * Anything this cannot reproduce exactly returns undefined, and the caller asks the tool
 * (`show -json`): another state format (an older one, an encrypted one), a provider or type the
 * digest does not know, an instance key the address would have to escape.
 */
interface RawInstance {
  index_key?: unknown;
  deposed?: unknown;
  attributes?: unknown;
  sensitive_attributes?: unknown;
}
interface RawResource {
  module?: unknown;
  mode?: unknown;
  type?: unknown;
  name?: unknown;
  provider?: unknown;
  instances?: unknown;
}
interface ShowResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  values: Record<string, unknown>;
  sensitive_values: Record<string, unknown>;
  deposed_key?: string;
}

/** `provider["<host>/hashicorp/aws"]`, in a module, with an alias: the provider's address (`<host>/hashicorp/aws`). */
export const PROVIDER_REFERENCE = /^(?:module\.[^[\]]+(?:\[[^\]]*\])?\.)*provider\["([^"]+)"\](?:\.[A-Za-z_][A-Za-z0-9_-]*)?$/;

export function showStateFromRaw(raw: unknown, providers: Readonly<Record<string, ProviderDigest>>): ShowStateJson | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const state = raw as { version?: unknown; resources?: unknown; outputs?: unknown };
  if (state.version !== 4 || !Array.isArray(state.resources)) return undefined;
  const modules = new Map<string, ShowResource[]>([['', []]]);
  for (const r of state.resources as RawResource[]) {
    const resources = showResources(r, providers);
    if (!resources) return undefined;
    const module = typeof r.module === 'string' ? r.module : '';
    const list = modules.get(module) ?? [];
    list.push(...resources);
    modules.set(module, list);
  }
  const outputs = outputsOf(state.outputs);
  if (!outputs) return undefined;
  const root = { resources: modules.get('') ?? [], child_modules: [...modules].filter(([m]) => m !== '').map(([address, resources]) => ({ address, resources })) };
  return { values: { outputs, root_module: root } };
}

function outputsOf(outputs: unknown): NonNullable<ShowStateJson['values']>['outputs'] | undefined {
  if (outputs === undefined || outputs === null) return {};
  if (typeof outputs !== 'object' || Array.isArray(outputs)) return undefined;
  const out: NonNullable<NonNullable<ShowStateJson['values']>['outputs']> = {};
  for (const [name, o] of Object.entries(outputs as Record<string, { value?: unknown; type?: unknown; sensitive?: unknown }>)) {
    if (o === null || typeof o !== 'object') return undefined;
    out[name] = { sensitive: o.sensitive === true, value: o.value, ...(o.type !== undefined ? { type: o.type } : {}) };
  }
  return out;
}

function showResources(r: RawResource, providers: Readonly<Record<string, ProviderDigest>>): ShowResource[] | undefined {
  const { mode, type, name } = r;
  if ((mode !== 'managed' && mode !== 'data') || typeof type !== 'string' || typeof name !== 'string' || !Array.isArray(r.instances)) return undefined;
  if (r.module !== undefined && typeof r.module !== 'string') return undefined;
  const provider = typeof r.provider === 'string' ? PROVIDER_REFERENCE.exec(r.provider)?.[1] : undefined;
  const schema = provider ? providers[provider]?.[mode]?.[type] : undefined;
  if (!provider || !schema) return undefined;
  const base = `${r.module ? `${r.module}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  const out: ShowResource[] = [];
  for (const instance of r.instances as RawInstance[]) {
    if (instance === null || typeof instance !== 'object') return undefined;
    const key = instance.index_key;
    const suffix = keySuffix(key);
    if (suffix === undefined) return undefined;
    const values = instance.attributes;
    if (values === null || typeof values !== 'object' || Array.isArray(values)) return undefined;
    unwrapDynamic(values as Record<string, unknown>, schema);
    const marks = sensitiveMarks(values as Record<string, unknown>, instance.sensitive_attributes, schema);
    if (!marks) return undefined;
    const resource: ShowResource = { address: base + suffix, mode, type, name, provider_name: provider, values: values as Record<string, unknown>, sensitive_values: marks };
    if (typeof key === 'string' || typeof key === 'number') resource.index = key;
    if (typeof instance.deposed === 'string') resource.deposed_key = instance.deposed;
    out.push(resource);
  }
  return out;
}

/**
 * `[0]`, `["key"]`, or nothing. A key with a character the tool would escape in an address
 * (quotes, backslashes, template openers, control and separator characters) is left to the tool.
 */
function keySuffix(key: unknown): string | undefined {
  if (key === undefined || key === null) return '';
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 ? `[${key}]` : undefined;
  if (typeof key !== 'string') return undefined;
  if (/["\\]|\$\{|%\{|[\p{C}\p{Z}]/u.test(key.replaceAll(' ', ''))) return undefined;
  return `["${key}"]`;
}

/** Raw state stores a `dynamic` attribute as `{value, type}`; `show -json` shows the value. */
function unwrapDynamic(values: Record<string, unknown>, schema: TypeDigest): void {
  replaceAtSchemaPaths(values, schema.dynamic, (wrapped) =>
    wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped) && Object.hasOwn(wrapped, 'value') && Object.hasOwn(wrapped, 'type') ? (wrapped as { value: unknown }).value : wrapped,
  );
}

/** Each value a schema path reaches in `values` (not the whole of it) replaced by `replace(value)`, in place. */
export function replaceAtSchemaPaths(values: unknown, paths: readonly SchemaPath[] | undefined, replace: (value: unknown) => unknown): void {
  for (const p of paths ?? []) {
    const found: (string | number)[][] = [];
    collectConcrete(values, p, 0, [], found);
    for (const keys of found) {
      if (keys.length === 0) continue;
      const parent = keys.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string, unknown>)[k as string], values) as Record<string, unknown>;
      const key = keys[keys.length - 1] as string;
      parent[key] = replace(parent[key]);
    }
  }
}

/** One step of a `sensitive_attributes` path: `{type: get_attr, value: name}` or `{type: index, value: {value, type}}`. */
function stepKey(step: unknown): string | number | undefined {
  const s = step as { type?: unknown; value?: unknown } | null;
  if (!s || typeof s !== 'object') return undefined;
  if (s.type === 'get_attr' && typeof s.value === 'string') return s.value;
  if (s.type === 'index') {
    const v = (s.value as { value?: unknown } | null)?.value;
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return undefined;
}

/**
 * `sensitive_values` as `show -json` has it: the values' shape with `true` where a value is
 * sensitive, from the state's own paths and the schema's. A path that stops short (a step
 * that does not resolve) marks where it stopped: more is hidden, never less.
 */
function sensitiveMarks(values: Record<string, unknown>, statePaths: unknown, schema: TypeDigest): Record<string, unknown> | undefined {
  // Prototype-less: a key named `__proto__` in state is a key like any other here.
  const marks: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const mark = (keys: readonly (string | number)[]): boolean => {
    if (keys.length === 0) return false;
    let value: unknown = values;
    let node: Record<string, unknown> | unknown[] = marks;
    let parent: { node: Record<string, unknown> | unknown[]; key: string | number } | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string | number;
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
        // Stops short: hide the value it stopped at (an absent attribute has nothing to hide).
        if (parent) (parent.node as Record<string, unknown>)[parent.key] = true;
        return true;
      }
      const next = (value as Record<string, unknown>)[key];
      if (i === keys.length - 1 || next === null || typeof next !== 'object') {
        (node as Record<string, unknown>)[key] = true;
        return true;
      }
      const existing = (node as Record<string, unknown>)[key];
      if (existing === true) return true;
      const child = existing !== undefined ? existing : Array.isArray(next) ? [] : (Object.create(null) as Record<string, unknown>);
      (node as Record<string, unknown>)[key] = child;
      parent = { node, key };
      node = child as Record<string, unknown> | unknown[];
      value = next;
    }
    return true;
  };
  if (statePaths !== undefined && statePaths !== null) {
    if (!Array.isArray(statePaths)) return undefined;
    for (const p of statePaths) {
      const steps = Array.isArray(p) ? p : undefined;
      if (!steps) return undefined;
      const keys = steps.map(stepKey);
      // A step we cannot read (an unknown kind): hide from the last step we can.
      const readable = keys.findIndex((k) => k === undefined);
      if (!mark((readable === -1 ? keys : keys.slice(0, readable)) as (string | number)[])) return undefined;
    }
  }
  for (const p of schema.sensitive ?? []) {
    const concrete: (string | number)[][] = [];
    collectConcrete(values, p, 0, [], concrete);
    for (const keys of concrete) mark(keys);
  }
  return marks;
}

/** Every concrete key path a schema path reaches in `values` (`*` is each element of an array or object). */
export function collectConcrete(node: unknown, p: SchemaPath, at: number, prefix: (string | number)[], out: (string | number)[][]): void {
  if (at === p.length) {
    out.push(prefix);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const step = p[at] as string | number;
  const keys: (string | number)[] = step === '*' ? (Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node)) : Object.hasOwn(node, step) ? [step] : [];
  for (const k of keys) collectConcrete((node as Record<string, unknown>)[k], p, at + 1, [...prefix, k], out);
}
