import { readJsonFile, writeJsonAtomic, type WriteScope } from '../core/files/atomic.js';
import type { StateResource } from '../handlers/iac/types.js';
import type { Registry, RegistryResource } from './schema.js';

import { REGISTRY_SCHEMA_VERSION } from './version.js';

export type { Registry, RegistryResource } from './schema.js';
export { REGISTRY_SCHEMA_VERSION };

/** Provider-specific facts about a resource: supplied by the hosting handler. */
export type ResourceLinker = (resource: StateResource) => { arn?: string | undefined; consoleUrl?: string | undefined; region?: string | undefined };

export interface RegistryContext {
  env: string;
  project: string;
  account: string | null;
  region: string;
  deploymentId: string | null;
  now: string;
  link: ResourceLinker;
  /** Addresses the apply behind this rebuild imported (adopted resources): they get `adopted_at`. */
  imported?: ReadonlySet<string>;
}

function stringTags(values: Record<string, unknown>): Record<string, string> {
  const tags = (values.tags_all ?? values.tags) as Record<string, unknown> | null | undefined;
  if (!tags || typeof tags !== 'object') return {};
  // A loop rather than fromEntries(entries().filter()): one object, no pair arrays (5,000 resources).
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string') continue;
    // An own `__proto__` key (JSON.parse makes one) stays a key, as fromEntries kept it, not the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/**
 * The canonical JSON the fingerprint hashes: `JSON.stringify` with every plain object's keys
 * sorted. This replacer was the whole implementation and stays the reference (and the fallback
 * for anything but plain JSON data); `fnvCanonical` below hashes the same text without building
 * it or a sorted copy of every object (performance, see docs/PERFORMANCE.md).
 * test/unit/registry-perf-equivalence.test.ts pins the two to the same fingerprints.
 *
 * One quirk to keep: the replacer rebuilt objects with `Object.fromEntries`, and an object's
 * array-index keys ("0", "7", "42", not "01" or "-1") always enumerate first in numeric order,
 * so the replacer's text has those first, then the other keys sorted. `Object.keys` already
 * lists the index keys first in numeric order, so only the other keys are sorted here.
 */
function sortedKeysJsonViaReplacer(values: unknown): string {
  return JSON.stringify(values, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** Thrown by `fnvCanonical` for anything but JSON data (toJSON, class instances, functions, bigint, ...) or deep nesting. */
const NOT_PLAIN_JSON = Symbol('not plain JSON');

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/** An array index as property order knows it: a canonical decimal integer below 2^32 - 1. */
function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/**
 * Nesting beyond which the reference decides: it throws a RangeError (stack overflow) somewhere
 * past ~1,000 levels, depending on the stack, where this would not.
 */
const MAX_DEPTH = 512;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`, from `hash`. */
function fnvText(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

/**
 * FNV-1a over `JSON.stringify(text)` without building it when nothing needs escaping: quotes,
 * backslash, control characters and surrogates (lone ones are escaped) go to JSON.stringify.
 */
function fnvJsonString(hash: number, text: string): number {
  let h = Math.imul(hash ^ 34, FNV_PRIME);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return fnvText(hash, JSON.stringify(text));
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return Math.imul(h ^ 34, FNV_PRIME);
}

/** The hash carried through `fnvCanonical` (one walk at a time, no re-entrance). */
let walkHash = 0;

/**
 * Feeds `sortedKeysJsonViaReplacer`'s text for plain JSON data into `walkHash` without building
 * it (performance: building the ~6 MB of text of a 5,000-resource state, and collecting it, was
 * most of the registry build). Returns false where JSON.stringify gives undefined (nothing fed).
 */
function fnvCanonical(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      walkHash = fnvJsonString(walkHash, value);
      return true;
    case 'number':
      walkHash = fnvText(walkHash, Number.isFinite(value) ? String(value) : 'null');
      return true;
    case 'boolean':
      walkHash = fnvText(walkHash, value ? 'true' : 'false');
      return true;
    case 'undefined':
      return false;
    case 'object': {
      if (value === null) {
        walkHash = fnvText(walkHash, 'null');
        return true;
      }
      if (depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN_JSON;
      if (Array.isArray(value)) {
        walkHash = Math.imul(walkHash ^ 91, FNV_PRIME); // [
        for (let i = 0; i < value.length; i++) {
          if (i > 0) walkHash = Math.imul(walkHash ^ 44, FNV_PRIME); // ,
          if (!fnvCanonical(value[i], depth + 1)) walkHash = fnvText(walkHash, 'null');
        }
        walkHash = Math.imul(walkHash ^ 93, FNV_PRIME); // ]
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN_JSON;
      const obj = value as Record<string, unknown>;
      const keys = sortedKeys(obj);
      walkHash = Math.imul(walkHash ^ 123, FNV_PRIME); // {
      let first = true;
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        const member = obj[key];
        // JSON.stringify drops undefined, functions and symbols; functions and symbols are not plain JSON.
        if (member === undefined) continue;
        if (typeof member === 'function' || typeof member === 'symbol') throw NOT_PLAIN_JSON;
        if (!first) walkHash = Math.imul(walkHash ^ 44, FNV_PRIME); // ,
        first = false;
        walkHash = fnvJsonString(walkHash, key);
        walkHash = Math.imul(walkHash ^ 58, FNV_PRIME); // :
        fnvCanonical(member, depth + 1);
      }
      walkHash = Math.imul(walkHash ^ 125, FNV_PRIME); // }
      return true;
    }
    default:
      throw NOT_PLAIN_JSON;
  }
}

/** The object's keys in the replacer's order: index keys first (as Object.keys lists them), the rest sorted. */
function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys++;
  // Terraform writes attributes and maps sorted: check before sorting.
  let sorted = true;
  for (let i = indexKeys + 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return keys;
  return indexKeys === 0 ? keys.sort() : [...keys.slice(0, indexKeys), ...keys.slice(indexKeys).sort()];
}

/** FNV-1a over the canonical JSON of the values: cheap, stable, enough to notice change. */
export function fingerprint(values: unknown): string {
  let hash: number | undefined;
  walkHash = FNV_OFFSET;
  try {
    if (fnvCanonical(values, 0)) hash = walkHash;
  } catch (error) {
    // Not plain JSON, or nested deeper than MAX_DEPTH or the stack: the reference handles (or rejects) it.
    if (error !== NOT_PLAIN_JSON && !(error instanceof RangeError)) throw error;
  }
  if (hash === undefined) hash = fnvText(FNV_OFFSET, sortedKeysJsonViaReplacer(values) as string);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The registry for the current state, merged with the previous one: a resource keeps its
 * created_at; updated_at and deployment_id move only when its values changed; resources
 * no longer in state are dropped.
 */
export function buildRegistry(previous: Registry | undefined, resources: readonly StateResource[], ctx: RegistryContext): Registry {
  const before = new Map((previous?.resources ?? []).map((r) => [r.address, r]));
  const entries: RegistryResource[] = resources.map((resource) => {
    const link = ctx.link(resource);
    const print = fingerprint(resource.values);
    const old = before.get(resource.address);
    const unchanged = old !== undefined && old.fingerprint === print;
    const id = resource.values.id;
    return {
      address: resource.address,
      type: resource.type,
      name: resource.name,
      id: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
      arn: link.arn ?? null,
      region: link.region ?? ctx.region,
      console_url: link.consoleUrl ?? null,
      tags: stringTags(resource.values),
      created_at: old?.created_at ?? ctx.now,
      updated_at: unchanged ? old.updated_at : ctx.now,
      deployment_id: unchanged ? old.deployment_id : ctx.deploymentId,
      fingerprint: print,
      ...(old?.adopted_at ? { adopted_at: old.adopted_at } : ctx.imported?.has(resource.address) ? { adopted_at: ctx.now } : {}),
    };
  });
  return {
    schema_version: REGISTRY_SCHEMA_VERSION,
    env: ctx.env,
    project: ctx.project,
    account: ctx.account,
    region: ctx.region,
    updated_at: ctx.now,
    resources: entries,
  };
}

type FieldCheck = 'string' | 'string|null' | 'tags' | 'schema_version' | 'resources' | 'optional-zod';

/**
 * The type of every field, in schema order (zod returns keys in that order); hand-written for
 * `isRegistryShape`. The types make both tables name every field; test/unit/registry-perf-equivalence.test.ts
 * pins the order to the zod shapes.
 */
export const REGISTRY_FIELD_CHECKS: Record<keyof Registry, FieldCheck> = {
  schema_version: 'schema_version',
  env: 'string',
  project: 'string',
  account: 'string|null',
  region: 'string',
  updated_at: 'string',
  resources: 'resources',
};

export const RESOURCE_FIELD_CHECKS: Record<keyof RegistryResource, FieldCheck> = {
  address: 'string',
  type: 'string',
  name: 'string',
  id: 'string|null',
  arn: 'string|null',
  region: 'string|null',
  console_url: 'string|null',
  tags: 'tags',
  created_at: 'string',
  updated_at: 'string',
  deployment_id: 'string|null',
  fingerprint: 'string',
  // Optional and rare (a drift mark): absent passes the fast check, present is left to zod.
  drift: 'optional-zod',
  adopted_at: 'optional-zod',
};

const REGISTRY_KEYS = Object.keys(REGISTRY_FIELD_CHECKS) as (keyof Registry)[];
const RESOURCE_KEYS = Object.keys(RESOURCE_FIELD_CHECKS) as (keyof RegistryResource)[];

/** A JSON object (what JSON.parse makes), not an array or a class instance. */
const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;

/** The object's own keys are exactly `keys`, in that order. */
function hasKeysInOrder(obj: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(obj);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

function isStringTags(tags: unknown): boolean {
  if (!isPlainObject(tags)) return false;
  for (const key in tags) {
    // zod drops a `__proto__` key from a record: leave that case to zod.
    if (key === '__proto__' || !Object.hasOwn(tags, key) || typeof tags[key] !== 'string') return false;
  }
  return true;
}

/** The keys a value must have, in order (optional ones left out), per table: computed once, not per resource. */
const requiredKeys = new Map<object, readonly string[]>();

function fieldsOk<K extends string>(obj: Record<string, unknown>, keys: readonly K[], checks: Record<K, FieldCheck>): boolean {
  let required = requiredKeys.get(checks);
  if (required === undefined) requiredKeys.set(checks, (required = keys.filter((k) => checks[k] !== 'optional-zod')));
  if (!hasKeysInOrder(obj, required)) return false;
  for (const key of keys) {
    const v = obj[key];
    switch (checks[key]) {
      case 'string':
        if (typeof v !== 'string') return false;
        break;
      case 'string|null':
        if (v !== null && typeof v !== 'string') return false;
        break;
      case 'tags':
        if (!isStringTags(v)) return false;
        break;
      case 'optional-zod':
        break;
      case 'schema_version':
        if (v !== REGISTRY_SCHEMA_VERSION) return false;
        break;
      case 'resources':
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) {
          const r: unknown = v[i];
          if (!isPlainObject(r) || !fieldsOk(r, RESOURCE_KEYS, RESOURCE_FIELD_CHECKS)) return false;
        }
        break;
    }
  }
  return true;
}

/**
 * A cheap structural check that `raw` is a registry exactly as `RegistrySchema.safeParse` would
 * return it: every field of the right type, no other keys, keys in schema order. Performance:
 * zod took ~80 ms on a 5,000-resource registry.json, this a few ms. True only where zod accepts
 * the value and returns an equal one; false for everything zod rejects and for some values it
 * accepts (unknown keys, which zod strips, another key order), where the caller then asks zod,
 * which stays the reference and words the error. test/unit/registry-perf-equivalence.test.ts
 * checks that both paths agree.
 */
export function isRegistryShape(raw: unknown): raw is Registry {
  return isPlainObject(raw) && fieldsOk(raw, REGISTRY_KEYS, REGISTRY_FIELD_CHECKS);
}

/**
 * A registry read from disk (untrusted): as it is when `isRegistryShape` takes it, else what
 * `RegistrySchema` makes of it, or the ArtifactError it words. The schema (zod, ~750 KB of
 * bundle) is loaded only then: a registry faber-cloud wrote never needs it (performance).
 */
export async function validateRegistry(raw: unknown, displayPath: string): Promise<Registry> {
  if (isRegistryShape(raw)) return raw;
  const [{ validateRecord }, { RegistrySchema }] = await Promise.all([import('../core/artifact-content.js'), import('./schema.js')]);
  return validateRecord(raw, displayPath, { what: 'a registry', schema: RegistrySchema, schemaVersion: REGISTRY_SCHEMA_VERSION });
}

export async function readRegistry(file: string, displayPath: string): Promise<Registry | undefined> {
  const raw = await readJsonFile(file, displayPath);
  if (raw === undefined) return undefined;
  return validateRegistry(raw, displayPath);
}

export async function writeRegistry(file: string, registry: Registry, scope: WriteScope): Promise<void> {
  await writeJsonAtomic(file, registry, scope);
}
