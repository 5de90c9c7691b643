// The registry build's fast paths against the code they replaced (performance, see docs/PERFORMANCE.md):
// `fingerprint`'s hand-written serializer against the sorting JSON.stringify replacer it replaced, and
// `readRegistry`'s structural check against zod. The link2aws fast path is pinned in console-urls.test.ts.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32, syntheticState } from '../../bench/registry-build.mjs';
import { validateRecord } from '../../src/core/artifact-content.js';
import { ArtifactError } from '../../src/core/errors.js';
import { stateResources, type ShowStateJson } from '../../src/handlers/iac/terraform/state.js';
import { RegistryResourceSchema, RegistrySchema } from '../../src/registry/schema.js';
import {
  REGISTRY_FIELD_CHECKS,
  RESOURCE_FIELD_CHECKS,
  REGISTRY_SCHEMA_VERSION,
  buildRegistry,
  fingerprint,
  isRegistryShape,
  readRegistry,
  type Registry,
} from '../../src/registry/registry.js';
import { REPO_ROOT, tempDir } from '../support/cli.js';

/** The fingerprint as it was before the hand-written serializer: the reference. */
function referenceFingerprint(values: unknown): string {
  const text = JSON.stringify(values, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The result, or the class of what was thrown. */
const outcome = (f: () => string): string => {
  try {
    return f();
  } catch (error) {
    return `threw ${(error as Error).constructor.name}`;
  }
};


const fixture = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/terraform-json', name), 'utf8'));

describe('fingerprint: same as the sorting replacer it replaced', () => {
  // Keys JSON.stringify orders specially: array indices first in numeric order, then the rest as inserted (here sorted).
  const KEYS = ['b', 'a', 'B', 'A', '', ' ', '10', '2', '1', '0', '01', '-1', '1.5', '1e3', '+1', '4294967294', '4294967295', '4294967296', '9007199254740993', '１', 'é', 'e\u0301', '\ud83d\ude00', '\ud800', '__proto__', 'constructor', 'toJSON_', 'a"b', 'a\\b', '\n'];

  const corpus: [string, unknown][] = [
    ['null', null],
    ['true', true],
    ['false', false],
    ['numbers', [0, -0, 1, -1, 1.5, 1e21, 1e-7, -1e-7, 123456789012345680000, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, NaN, Infinity, -Infinity]],
    ['strings', ['', 'a', 'é', '\u2028\u2029', '\ud800', '\udc00x', '"\\\n\t\r\b\f\u0000\u001f\u007f', '\ud83d\ude00', '</script>']],
    ['empty object', {}],
    ['empty array', []],
    ['unsorted keys', { b: 1, a: 2, c: { z: 1, y: [{ k: 2, j: 1 }] } }],
    ['special keys', Object.fromEntries(KEYS.map((k, i) => [k, i]))],
    ['special keys, reversed', Object.fromEntries([...KEYS].reverse().map((k, i) => [k, i]))],
    ['only index keys', { 3: 'c', 1: 'a', 2: 'b' }],
    ['parsed __proto__ key', JSON.parse('{"z":1,"__proto__":{"x":1},"a":2}')],
    ['null prototype', Object.assign(Object.create(null), { b: 1, a: { d: 1, c: 2 } })],
    ['undefined members', { a: undefined, b: 1, c: [undefined, 1], d: { e: undefined } }],
    ['only undefined', { a: undefined }],
    ['functions and symbols in containers', { f() {}, s: Symbol('x'), a: [() => 1, Symbol('y')], b: 1 }],
    ['sparse array', [1, , 3]],
    ['nested arrays', [[[[]]], [[{ b: [{}], a: null }]]]],
    ['toJSON', { b: { toJSON: () => ({ z: 1, y: 2 }) }, a: 1 }],
    ['toJSON at the top', { toJSON: (key: string) => ({ key, b: 1, a: 2 }) }],
    ['Date', { when: new Date(0), b: 1 }],
    ['boxed primitives', { s: new String('ab'), n: new Number(3), b: new Boolean(false) }],
    ['class instance', { x: new (class Point { y = 2; x = 1 })() }],
    ['Map and Set', { m: new Map([[1, 2]]), s: new Set([1]) }],
    ['array with extra property', Object.assign([1, 2], { extra: true })],
    ['top-level string', 'just a string'],
    ['top-level number', 42],
  ];

  it.each(corpus)('%s', (_name, value) => {
    expect(outcome(() => fingerprint(value))).toBe(outcome(() => referenceFingerprint(value)));
  });

  it('throws where the replacer threw (undefined, functions, bigint, cycles)', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [undefined, () => 1, Symbol('s'), 1n, { a: 1n }, cyclic]) {
      expect(outcome(() => referenceFingerprint(value))).toMatch(/^threw /);
      expect(outcome(() => fingerprint(value))).toMatch(/^threw /);
    }
  });

  it('deep nesting: same fingerprint at 500 and 600 levels, throws where the replacer overflowed', () => {
    const nest = (levels: number) => {
      let deep: unknown = { b: 1, a: 'leaf' };
      for (let i = 0; i < levels; i++) deep = i % 2 ? { y: 0, x: deep } : [deep, 1];
      return deep;
    };
    for (const levels of [500, 600]) expect(fingerprint(nest(levels))).toBe(referenceFingerprint(nest(levels)));
    expect(outcome(() => referenceFingerprint(nest(100_000)))).toBe('threw RangeError');
    expect(outcome(() => fingerprint(nest(100_000)))).toBe('threw RangeError');
  });

  it('every resource of real and synthetic state', () => {
    const states: ShowStateJson[] = [fixture('state-1.json'), fixture('state-2.json'), syntheticState(300)];
    let n = 0;
    for (const state of states) {
      for (const r of stateResources(state)) {
        expect(fingerprint(r.values), r.address).toBe(referenceFingerprint(r.values));
        n++;
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it('2,000 random JSON values (keys from the special set, digits, mixed case)', () => {
    const rnd = mulberry32(0xf1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const key = () => (rnd() < 0.5 ? pick(KEYS) : String.fromCharCode(...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick([48, 49, 57, 65, 90, 97, 122, 95, 45, 233]))));
    const value = (depth: number): unknown => {
      const x = rnd();
      if (depth > 4 || x < 0.4) return pick([null, true, false, 0, -0, 7, 2.5, -1e30, '', 'x', 'é', '"', undefined]);
      if (x < 0.7) return Array.from({ length: Math.floor(rnd() * 5) }, () => value(depth + 1));
      const obj: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 8); i > 0; i--) obj[key()] = value(depth + 1);
      return obj;
    };
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      expect(outcome(() => fingerprint(v))).toBe(outcome(() => referenceFingerprint(v)));
    }
  });
});

describe('readRegistry: structural check and zod agree', () => {
  const ctx = {
    env: 'test',
    project: 'demo',
    account: '123456789012',
    region: 'us-east-1',
    deploymentId: 'd-1',
    now: '2026-01-01T00:00:00.000Z',
    link: () => ({ arn: 'arn:aws:s3:::b', consoleUrl: 'https://s3.console.aws.amazon.com/s3/buckets/b' }),
  };
  const valid = (): Registry => {
    const registry = buildRegistry(undefined, stateResources(fixture('state-1.json')), ctx);
    registry.resources[0]!.tags = { Name: 'x', '1': 'one' };
    registry.resources[1]!.id = null;
    registry.resources[1]!.deployment_id = null;
    registry.account = null;
    return JSON.parse(JSON.stringify(registry)) as Registry;
  };

  /** readRegistry's outcome for a value written as registry.json. */
  async function read(value: unknown): Promise<{ data?: unknown; error?: string }> {
    const file = path.join(await tempDir('faber-registry-'), 'registry.json');
    await writeFile(file, JSON.stringify(value));
    try {
      return { data: await readRegistry(file, 'registry.json') };
    } catch (error) {
      expect(error).toBeInstanceOf(ArtifactError);
      return { error: (error as Error).message };
    }
  }

  /** What readRegistry returned or said before the structural check: zod alone. */
  function viaZod(value: unknown): { data?: unknown; error?: string } {
    const parsed = RegistrySchema.safeParse(value);
    if (parsed.success) return { data: parsed.data };
    // zod decides; the shared artifact wording (core/artifact-content.ts) says why.
    try {
      validateRecord(value, 'registry.json', { what: 'a registry', schema: RegistrySchema, schemaVersion: REGISTRY_SCHEMA_VERSION });
    } catch (error) {
      return { error: (error as Error).message };
    }
    throw new Error('zod rejected what validateRecord accepted');
  }

  it('checks the fields in zod’s order', () => {
    expect(Object.keys(REGISTRY_FIELD_CHECKS)).toEqual(Object.keys(RegistrySchema.shape));
    expect(Object.keys(RESOURCE_FIELD_CHECKS)).toEqual(Object.keys(RegistryResourceSchema.shape));
  });

  it('takes a registry as buildRegistry writes it, and returns what zod returns', async () => {
    const registry = valid();
    expect(isRegistryShape(registry)).toBe(true);
    expect(await read(registry)).toEqual(viaZod(registry));
    expect(JSON.stringify((await read(registry)).data)).toBe(JSON.stringify(viaZod(registry).data));
    const empty = { ...registry, resources: [] };
    expect(isRegistryShape(empty)).toBe(true);
    expect(await read(empty)).toEqual(viaZod(empty));
  });

  it('leaves valid registries it does not take to zod (unknown keys stripped, key order, __proto__ tag)', async () => {
    const reordered = Object.fromEntries(Object.entries(valid()).reverse());
    const extra = { ...valid(), note: 'x' };
    const extraInResource = valid();
    (extraInResource.resources[0] as Record<string, unknown>).extra = 1;
    const protoTag = JSON.parse(JSON.stringify(valid()).replace('"tags":{"1":"one"', '"tags":{"1":"one","__proto__":"p"'));
    expect(JSON.stringify(protoTag)).toContain('"__proto__":"p"');
    for (const value of [reordered, extra, extraInResource, protoTag]) {
      expect(isRegistryShape(value)).toBe(false);
      const result = await read(value);
      expect(result.error).toBeUndefined();
      expect(JSON.stringify(result.data)).toBe(JSON.stringify(viaZod(value).data));
    }
  });

  const r0 = (change: (r: Record<string, unknown>) => void) => {
    const registry = valid();
    change(registry.resources[0] as unknown as Record<string, unknown>);
    return registry;
  };
  const top = (change: (r: Record<string, unknown>) => void) => {
    const registry = valid() as unknown as Record<string, unknown>;
    change(registry);
    return registry;
  };
  const INVALID: [string, unknown][] = [
    ['null', null],
    ['an array', [valid()]],
    ['a string', 'registry'],
    ['schema_version 2', top((r) => (r.schema_version = 2))],
    ['schema_version "1"', top((r) => (r.schema_version = '1'))],
    ['schema_version missing', top((r) => delete r.schema_version)],
    ['env a number', top((r) => (r.env = 1))],
    ['project null', top((r) => (r.project = null))],
    ['account missing', top((r) => delete r.account)],
    ['account a number', top((r) => (r.account = 123456789012))],
    ['region missing', top((r) => delete r.region)],
    ['updated_at an object', top((r) => (r.updated_at = {}))],
    ['resources an object', top((r) => (r.resources = {}))],
    ['resources null', top((r) => (r.resources = null))],
    ['a resource null', top((r) => (r.resources = [null]))],
    ['a resource an array', top((r) => (r.resources = [[]]))],
    ['address missing', r0((r) => delete r.address)],
    ['id a number', r0((r) => (r.id = 42))],
    ['arn missing', r0((r) => delete r.arn)],
    ['region a boolean', r0((r) => (r.region = false))],
    ['console_url an array', r0((r) => (r.console_url = []))],
    ['tags null', r0((r) => (r.tags = null))],
    ['tags an array', r0((r) => (r.tags = ['a']))],
    ['a tag a number', r0((r) => (r.tags = { a: 'x', b: 1 }))],
    ['a tag null', r0((r) => (r.tags = { a: null }))],
    ['created_at null', r0((r) => (r.created_at = null))],
    ['deployment_id missing', r0((r) => delete r.deployment_id)],
    ['fingerprint a number', r0((r) => (r.fingerprint = 0))],
    ['wrong type and an unknown key', r0((r) => Object.assign(r, { fingerprint: 0, extra: 1 }))],
  ];

  it.each(INVALID)('rejects %s with zod’s message', async (_name, value) => {
    expect(isRegistryShape(value)).toBe(false);
    const expected = viaZod(value);
    expect(expected.error).toBeDefined();
    expect(await read(value)).toEqual(expected);
  });

  it('agrees with zod on every field set to every kind of value', () => {
    const kinds: unknown[] = [undefined, null, 0, 1, 2, '', '1', 'x', true, [], ['x'], {}, { a: 'x' }, { a: 1 }];
    let n = 0;
    const agree = (value: unknown) => {
      const parsed = RegistrySchema.safeParse(value);
      if (isRegistryShape(value)) {
        expect(parsed.success).toBe(true);
        expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(value));
      } else if (parsed.success) {
        throw new Error(`structural check refused a registry zod takes: ${JSON.stringify(value)}`);
      }
      n++;
    };
    for (const key of Object.keys(REGISTRY_FIELD_CHECKS)) {
      for (const kind of kinds) {
        const registry = valid() as unknown as Record<string, unknown>;
        if (kind === undefined) delete registry[key];
        else registry[key] = kind;
        agree(registry);
      }
    }
    for (const key of Object.keys(RESOURCE_FIELD_CHECKS)) {
      for (const kind of kinds) {
        for (const index of [0, 4]) {
          const registry = valid();
          const r = registry.resources[index] as unknown as Record<string, unknown>;
          const order = Object.keys(r);
          if (kind === undefined) delete r[key];
          else r[key] = kind;
          // keep the schema's key order so only the value differs
          registry.resources[index] = Object.fromEntries(order.filter((k) => k in r).map((k) => [k, r[k]])) as never;
          agree(registry);
        }
      }
    }
    expect(n).toBeGreaterThan(400);
  });
});

describe('buildRegistry tags: same as the fromEntries/filter it replaced', () => {
  const ctx = {
    env: 'test', project: 'demo', account: null, region: 'us-east-1', deploymentId: 'd-1', now: '2026-01-01T00:00:00.000Z',
    link: () => ({}),
  };
  const tagsOf = (values: Record<string, unknown>) =>
    buildRegistry(undefined, [{ address: 'aws_s3_bucket.b', type: 'aws_s3_bucket', name: 'b', module: '', provider: 'hashicorp/aws', values }], ctx).resources[0]!.tags;
  const reference = (tags: Record<string, unknown>) => Object.fromEntries(Object.entries(tags).filter(([, v]) => typeof v === 'string'));

  it('keeps string tags only, tags_all first, and a parsed __proto__ key as a key (not the prototype)', () => {
    const parsed = JSON.parse('{"tags_all":{"b":"2","__proto__":"p","a":1,"1":"one","c":null},"tags":{"x":"y"}}') as Record<string, unknown>;
    const tags = tagsOf(parsed);
    expect(JSON.stringify(tags)).toBe(JSON.stringify(reference(parsed.tags_all as Record<string, unknown>)));
    expect(JSON.stringify(tags)).toBe('{"1":"one","b":"2","__proto__":"p"}');
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(tagsOf({ tags: { x: 'y' } })).toEqual({ x: 'y' });
    expect(tagsOf({ tags: null })).toEqual({});
  });

  it('tags inherited from a prototype are not tags; an array of tags keeps its string items by index, as entries() did', () => {
    const inherited = Object.create({ Owner: 'proto' }) as Record<string, unknown>;
    inherited.Name = 'own';
    expect(tagsOf({ tags: inherited })).toEqual(reference(inherited));
    expect(tagsOf({ tags: inherited })).toEqual({ Name: 'own' });
    expect(JSON.stringify(tagsOf({ tags: ['a', 1, 'b'] }))).toBe(JSON.stringify(reference(['a', 1, 'b'] as unknown as Record<string, unknown>)));
  });
});

describe('buildRegistry entries: keys in schema order, adopted_at last and only when set', () => {
  const resource = (address: string) => ({ address, type: 'aws_s3_bucket', name: 'b', module: '', provider: 'hashicorp/aws', values: { id: address } });
  const ctx = { env: 'test', project: 'demo', account: null, region: 'us-east-1', deploymentId: 'd-1', now: '2026-02-01T00:00:00.000Z', link: () => ({}) };
  const KEYS = ['address', 'type', 'name', 'id', 'arn', 'region', 'console_url', 'tags', 'created_at', 'updated_at', 'deployment_id', 'fingerprint'];

  it('a new resource, an imported one, one adopted before, and one with an empty adopted_at', () => {
    const first = buildRegistry(undefined, [resource('a'), resource('b'), resource('c')], { ...ctx, now: '2026-01-01T00:00:00.000Z', imported: new Set(['b']) });
    const previous = { ...first, resources: first.resources.map((r) => (r.address === 'c' ? { ...r, adopted_at: '' } : r)) };
    const next = buildRegistry(previous, [resource('a'), resource('b'), resource('c'), resource('d')], { ...ctx, imported: new Set(['d']) });
    expect(next.resources.map((r) => Object.keys(r))).toEqual([KEYS, [...KEYS, 'adopted_at'], KEYS, [...KEYS, 'adopted_at']]);
    expect(next.resources.map((r) => r.adopted_at)).toEqual([undefined, '2026-01-01T00:00:00.000Z', undefined, '2026-02-01T00:00:00.000Z']);
  });
});
