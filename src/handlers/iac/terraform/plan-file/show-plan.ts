import { collectConcrete, PROVIDER_REFERENCE, replaceAtSchemaPaths, showStateFromRaw } from '../raw-state.js';
import type { ProviderDigest, SchemaPath, TypeDigest } from '../schema-digest.js';
import type { ShowPlanJson } from '../plan.js';
import { decodeCtyMsgpack, numberFromDigits, setKey, UNKNOWN, type CtyValue } from './cty-msgpack.js';
import { readTfplan, type RawChange, type RawPath, type RawPlan, type RawResourceChange } from './tfplan.js';
import { readZipEntries } from './zip.js';

/**
 * A saved plan read as the part of `show -json` we read (resource and output changes, input
 * variables, prior state), without starting a provider: `show -json` loads every provider's
 * whole schema, seconds each time with hashicorp/aws (docs/PERFORMANCE.md, "Deploy overhead").
 * What needs the schema comes from the digest (numbers, sensitive attributes); the
 * `configuration` part comes from the last `show -json` of the same configuration
 * (configuration-digest.ts). Built after OpenTofu's jsonplan: the same values, the same
 * unknown and sensitive marks, the same order.
 *
 * Anything this cannot reproduce exactly throws, and the caller asks the tool: another plan
 * format, a field this reader does not know, an ephemeral resource, an import by identity, an
 * address with escapes, a type the digest does not know.
 */
export interface PlanFileEntries {
  tfplan: Buffer;
  tfstate: Buffer | undefined;
  /** `tfconfig/...`: the configuration the plan was made from, by name. */
  config: Map<string, Buffer>;
}

export function readPlanFile(zip: Buffer): PlanFileEntries {
  const entries = readZipEntries(zip, (name) => name === 'tfplan' || name === 'tfstate' || name.startsWith('tfconfig/'));
  const tfplan = entries.get('tfplan');
  if (!tfplan) throw new Error('plan file: no tfplan entry');
  const config = new Map([...entries].filter(([name]) => name.startsWith('tfconfig/')));
  return { tfplan, tfstate: entries.get('tfstate'), config };
}

export interface PlanJsonInputs {
  providers: Readonly<Record<string, ProviderDigest>>;
  /** `format_version` and the (reduced) `configuration` of this configuration's `show -json`. */
  formatVersion: string;
  configuration: unknown;
  /** Sensitive root variables with a default: `show -json` shows defaults the plan does not hold. */
  sensitiveDefaults: readonly string[];
}

const ACTIONS: Record<number, string[]> = {
  0: ['no-op'],
  1: ['create'],
  2: ['read'],
  3: ['update'],
  5: ['delete'],
  6: ['delete', 'create'],
  7: ['create', 'delete'],
  8: ['forget'],
  10: ['forget', 'create'],
};
/** Which of `values` is before and which after, per action (planfile's changeFromTfplan). */
const VALUE_INDEXES: Record<number, [number, number]> = { 0: [0, 0], 1: [-1, 0], 2: [0, 1], 3: [0, 1], 5: [0, -1], 6: [0, 1], 7: [0, 1], 8: [0, -1], 10: [0, 1] };
const ACTION_REASONS: Record<number, string | undefined> = {
  0: undefined,
  1: 'replace_because_tainted',
  2: 'replace_by_request',
  3: 'replace_because_cannot_update',
  4: 'delete_because_no_resource_config',
  5: 'delete_because_wrong_repetition',
  6: 'delete_because_count_index',
  7: 'delete_because_each_key',
  8: 'delete_because_no_module',
  9: 'replace_by_triggers',
  10: 'read_because_config_unknown',
  11: 'read_because_dependency_pending',
  12: 'delete_because_no_move_target',
  13: 'read_because_check_nested',
  14: 'delete_because_enabled_false',
  15: 'forgot_because_lifecycle_destroy_in_state',
  16: 'forgot_because_lifecycle_destroy_in_config',
};

export function showPlanFromFile(entries: PlanFileEntries, inputs: PlanJsonInputs): ShowPlanJson {
  const plan = readTfplan(entries.tfplan);
  const variables = variablesOf(plan);
  for (const name of inputs.sensitiveDefaults) if (!Object.hasOwn(variables, name)) throw new Error(`variable ${name}: a sensitive default the plan does not hold`);
  let priorState: unknown;
  if (entries.tfstate) {
    priorState = showStateFromRaw(JSON.parse(entries.tfstate.toString('utf8')), inputs.providers);
    if (!priorState) throw new Error('prior state: not one the digest reads exactly');
  }
  const json: ShowPlanJson = {
    format_version: inputs.formatVersion,
    ...(plan.terraformVersion ? { terraform_version: plan.terraformVersion } : {}),
    ...(Object.keys(variables).length ? { variables } : {}),
    resource_changes: resourceChanges(plan, inputs.providers),
    output_changes: outputChanges(plan),
    ...(priorState ? { prior_state: priorState } : {}),
    configuration: inputs.configuration,
    ...(plan.timestamp ? { timestamp: plan.timestamp } : {}),
    errored: plan.errored,
  };
  return json;
}

function variablesOf(plan: RawPlan): Record<string, { value: unknown }> {
  const out: Record<string, { value: unknown }> = {};
  const names = [...plan.variables.keys()].sort(byteCompare);
  for (const [name, msgpack] of names.map((n) => [n, plan.variables.get(n) as Buffer] as const)) setKey(out, name, { value: known(decodeCtyMsgpack(msgpack)) });
  return out;
}

/** A value with no unknown in it (variables, known values): as JSON would have it. */
function known(value: CtyValue): unknown {
  if (!whollyKnown(value)) throw new Error('an unknown value where a known one is expected');
  return value;
}

function whollyKnown(value: CtyValue): boolean {
  if (value === UNKNOWN) return false;
  if (value === null || typeof value !== 'object') return true;
  return Array.isArray(value) ? value.every(whollyKnown) : Object.values(value).every(whollyKnown);
}

// --- addresses -------------------------------------------------------------------------------

type InstanceKey = string | number | undefined;
interface ParsedAddress {
  module: { name: string; key: InstanceKey }[];
  moduleAddress: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key: InstanceKey;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** `module.a["x"].data.aws_b.c[0]`; a key the tool would have escaped is not read here. */
export function parseAddress(address: string): ParsedAddress {
  let at = 0;
  const name = (): string => {
    const m = NAME.exec(address.slice(at));
    if (!m) throw new Error(`address ${address}: a name expected at ${at}`);
    at += m[0].length;
    return m[0];
  };
  const dot = (): void => {
    if (address[at] !== '.') throw new Error(`address ${address}: '.' expected at ${at}`);
    at++;
  };
  const key = (): InstanceKey => {
    if (address[at] !== '[') return undefined;
    const close = address.indexOf(']', at);
    const inner = close === -1 ? '' : address.slice(at + 1, close);
    at = close + 1;
    if (/^(?:0|[1-9]\d*)$/.test(inner)) return Number(inner);
    // A plain string key: no escapes, no quote inside (a `]` inside would end it early).
    const m = /^"([^"\\]*)"$/.exec(inner);
    if (!m || close === -1 || /\$\{|%\{/.test(m[1] as string)) throw new Error(`address ${address}: a key this reader does not read`);
    return m[1] as string;
  };
  const module: ParsedAddress['module'] = [];
  while (address.startsWith('module.', at)) {
    at += 'module.'.length;
    const n = name();
    module.push({ name: n, key: key() });
    dot();
  }
  const moduleAddress = address.slice(0, Math.max(0, at - 1));
  let mode: ParsedAddress['mode'] = 'managed';
  if (address.startsWith('data.', at)) {
    mode = 'data';
    at += 'data.'.length;
  } else if (address.startsWith('ephemeral.', at)) {
    throw new Error(`address ${address}: ephemeral resources are not read here`);
  }
  const type = name();
  dot();
  const resourceName = name();
  const k = key();
  if (at !== address.length) throw new Error(`address ${address}: trailing text`);
  return { module, moduleAddress, mode, type, name: resourceName, key: k };
}

/** Go compares strings by UTF-8 bytes. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function byteLess(a: string, b: string): boolean {
  return byteCompare(a, b) < 0;
}

/** addrs.InstanceKeyLess: no key, then integers, then strings. */
function keyLess(a: InstanceKey, b: InstanceKey): boolean {
  if (a === b) return false;
  if (a === undefined) return true;
  if (b === undefined) return false;
  if (typeof a !== typeof b) return typeof a === 'number';
  return typeof a === 'number' ? a < (b as number) : byteLess(a, b as string);
}

const MODE_ORDER = { data: 1, managed: 2 } as const;

/** addrs.AbsResourceInstance.Less, then the deposed key: the order `show -json` lists changes in. */
function changeLess(a: { parsed: ParsedAddress; deposed: string }, b: { parsed: ParsedAddress; deposed: string }): boolean {
  const x = a.parsed;
  const y = b.parsed;
  if (x.module.length !== y.module.length) return x.module.length < y.module.length;
  for (let i = 0; i < x.module.length; i++) {
    const m = x.module[i] as ParsedAddress['module'][number];
    const n = y.module[i] as ParsedAddress['module'][number];
    if (m.name !== n.name) return byteLess(m.name, n.name);
    if (m.key !== n.key) return keyLess(m.key, n.key);
  }
  if (x.mode !== y.mode) return MODE_ORDER[x.mode] < MODE_ORDER[y.mode];
  if (x.type !== y.type) return byteLess(x.type, y.type);
  if (x.name !== y.name) return byteLess(x.name, y.name);
  if (x.key !== y.key) return keyLess(x.key, y.key);
  return byteLess(a.deposed, b.deposed);
}

// --- values ----------------------------------------------------------------------------------

function decodeOptional(values: Buffer[], index: number): CtyValue {
  if (index === -1) return null;
  const msgpack = values[index];
  if (msgpack === undefined) throw new Error('a change without the value its action needs');
  if (msgpack.length === 0) throw new Error('a change with an empty value');
  return decodeCtyMsgpack(msgpack);
}

/** Strings at the schema's number paths back to numbers (see cty-msgpack.ts). */
function withSchemaNumbers(value: CtyValue, schema: TypeDigest): CtyValue {
  replaceAtSchemaPaths(value, schema.number, (v) => numberFromDigits(v as CtyValue));
  return value;
}

/** jsonplan's omitUnknowns: unknowns dropped from objects, null in sequences. */
function omitUnknowns(value: CtyValue): CtyValue | undefined {
  if (value === UNKNOWN) return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => omitUnknowns(v) ?? null);
  const out: Record<string, CtyValue> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = omitUnknowns(v);
    if (kept !== undefined) setKey(out, k, kept);
  }
  return out;
}

/** jsonplan's unknownAsBool: `true` at unknowns, falses left out of objects. */
function unknownAsBool(value: CtyValue): unknown {
  if (value === UNKNOWN) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.map(unknownAsBool);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const b = unknownAsBool(v);
    if (b !== false) setKey(out, k, b);
  }
  return out;
}

type Trie = Map<string, Trie> & { end?: boolean };

function addPath(trie: Trie, keys: readonly (string | number)[]): void {
  let node = trie;
  for (const k of keys) {
    let next = node.get(String(k));
    if (!next) node.set(String(k), (next = new Map() as Trie));
    node = next;
  }
  node.end = true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A proto path resolved against the value: attribute names and map keys as keys, list indexes
 * and set elements (keyed by the element itself) as positions. Stopping at an unknown value
 * marks nothing (it has no value to hide, as `show -json`); stopping anywhere else marks where
 * it stopped: more hidden, never less.
 */
function resolvePath(value: CtyValue, path: RawPath): (string | number)[] | undefined {
  const keys: (string | number)[] = [];
  let node: CtyValue = value;
  for (const step of path) {
    if (node === UNKNOWN) return undefined;
    let next: string | number | undefined;
    if ('attribute' in step) next = step.attribute;
    else {
      const key = decodeCtyMsgpack(step.key);
      if (Array.isArray(node)) {
        // A number is a list index, or an element of a set of numbers: when it could be either,
        // the whole sequence is marked.
        const ambiguous = typeof key === 'number' && node.some((element) => element === key);
        next = ambiguous ? undefined : typeof key === 'number' ? key : node.findIndex((element) => deepEqual(element, key));
        if (next === -1 || (next !== undefined && next >= node.length)) next = undefined;
      } else if (typeof key === 'string') next = key;
    }
    if (next === undefined || node === null || typeof node !== 'object' || !Object.hasOwn(node, next)) return keys;
    keys.push(next);
    node = (node as Record<string, CtyValue>)[next as string] as CtyValue;
  }
  return keys;
}

/** jsonstate's SensitiveAsBool over the marked paths: `true` at each, the value's shape around them. */
function sensitiveAsBool(value: CtyValue, trie: Trie | undefined): unknown {
  if (trie?.end) return true;
  if (value === null || value === UNKNOWN || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.map((v, i) => sensitiveAsBool(v, trie?.get(String(i))));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const b = sensitiveAsBool(v, trie?.get(k));
    if (b !== false) setKey(out, k, b);
  }
  return out;
}

function sensitiveTree(value: CtyValue, paths: RawPath[], schema: TypeDigest): unknown {
  const trie = new Map() as Trie;
  for (const p of paths) {
    const keys = resolvePath(value, p);
    if (keys) addPath(trie, keys);
  }
  for (const p of schema.sensitive ?? []) {
    const found: (string | number)[][] = [];
    collectConcrete(value, p as SchemaPath, 0, [], found);
    for (const keys of found) addPath(trie, keys);
  }
  return sensitiveAsBool(value, trie);
}

function replacePaths(change: RawResourceChange): unknown[][] | undefined {
  if (change.requiredReplace.length === 0) return undefined;
  return change.requiredReplace.map((p) => p.map((step) => ('attribute' in step ? step.attribute : known(decodeCtyMsgpack(step.key)))));
}

function schemaOf(providers: PlanJsonInputs['providers'], rc: RawResourceChange, parsed: ParsedAddress): { provider: string; schema: TypeDigest } {
  const provider = PROVIDER_REFERENCE.exec(rc.provider)?.[1];
  const schema = provider ? providers[provider]?.[parsed.mode]?.[parsed.type] : undefined;
  if (!provider || !schema) throw new Error(`${rc.addr}: no schema digest for its type`);
  return { provider, schema };
}

/** `after` without its unknowns and `after_unknown` (`whollyKnown` when nothing is unknown), as jsonplan has them. */
function afterFields(after: CtyValue, whollyKnownMark: unknown): { after?: unknown; after_unknown: unknown } {
  if (after === null || whollyKnown(after)) return { after, after_unknown: whollyKnownMark };
  const kept = omitUnknowns(after);
  return { ...(kept !== undefined && kept !== null ? { after: kept } : {}), after_unknown: unknownAsBool(after) };
}

function changeJson(change: RawChange, schema: TypeDigest): Record<string, unknown> {
  const indexes = VALUE_INDEXES[change.action];
  const actions = ACTIONS[change.action];
  if (!indexes || !actions) throw new Error(`an action this reader does not know (${change.action})`);
  const before = withSchemaNumbers(decodeOptional(change.values, indexes[0]), schema);
  const after = withSchemaNumbers(decodeOptional(change.values, indexes[1]), schema);
  const out: Record<string, unknown> = { actions, before: known(before), ...afterFields(after, {}) };
  out.before_sensitive = sensitiveTree(before, change.beforeSensitive, schema);
  out.after_sensitive = sensitiveTree(after, change.afterSensitive, schema);
  return out;
}

function resourceChanges(plan: RawPlan, providers: PlanJsonInputs['providers']): NonNullable<ShowPlanJson['resource_changes']> {
  const parsed = plan.resourceChanges.map((rc) => ({ rc, parsed: parseAddress(rc.addr), deposed: rc.deposedKey }));
  parsed.sort((a, b) => (changeLess(a, b) ? -1 : changeLess(b, a) ? 1 : 0));
  const out: NonNullable<ShowPlanJson['resource_changes']> = [];
  for (const { rc, parsed: address } of parsed) {
    // A data source's delete only tidies state: `show -json` leaves it out.
    if (address.mode === 'data' && rc.change.action === 5) continue;
    const { provider, schema } = schemaOf(providers, rc, address);
    if (rc.change.importing?.identity) throw new Error(`${rc.addr}: imported by identity`);
    if (!Object.hasOwn(ACTION_REASONS, rc.actionReason)) throw new Error(`${rc.addr}: an action reason this reader does not know`);
    const change = changeJson(rc.change, schema);
    const replace = replacePaths(rc);
    if (replace) change.replace_paths = replace;
    if (rc.change.importing) change.importing = rc.change.importing.id ? { id: rc.change.importing.id } : {};
    const reason = ACTION_REASONS[rc.actionReason];
    out.push({
      address: rc.addr,
      ...(rc.prevRunAddr && rc.prevRunAddr !== rc.addr ? { previous_address: rc.prevRunAddr } : {}),
      ...(address.moduleAddress ? { module_address: address.moduleAddress } : {}),
      mode: address.mode,
      type: address.type,
      name: address.name,
      ...(address.key !== undefined ? { index: address.key } : {}),
      provider_name: provider,
      change: change as NonNullable<ShowPlanJson['resource_changes']>[number]['change'],
      ...(rc.deposedKey ? { deposed: rc.deposedKey } : {}),
      ...(reason ? { action_reason: reason } : {}),
    });
  }
  return out;
}

function outputChanges(plan: RawPlan): NonNullable<ShowPlanJson['output_changes']> {
  const out: NonNullable<ShowPlanJson['output_changes']> = {};
  // A Go map marshalled to JSON: keys in byte order.
  const sorted = [...plan.outputChanges].sort((a, b) => byteCompare(a.name, b.name));
  for (const oc of sorted) {
    const indexes = VALUE_INDEXES[oc.change.action];
    const actions = ACTIONS[oc.change.action];
    if (!indexes || !actions) throw new Error(`output ${oc.name}: an action this reader does not know`);
    const before = decodeOptional(oc.change.values, indexes[0]);
    const after = decodeOptional(oc.change.values, indexes[1]);
    // jsonplan marks a known output's after_unknown `false`, a known resource's `{}`.
    const change: Record<string, unknown> = { actions, before: known(before), ...afterFields(after, false) };
    change.before_sensitive = oc.sensitive;
    change.after_sensitive = oc.sensitive;
    setKey(out, oc.name, change as NonNullable<ShowPlanJson['output_changes']>[string]);
  }
  return out;
}
