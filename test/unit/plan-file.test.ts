import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { configurationDigestFile, configurationDigestKey, digestConfiguration, readConfigurationDigest, writeConfigurationDigest } from '../../src/handlers/iac/terraform/configuration-digest.js';
import { decodeCtyMsgpack, UNKNOWN } from '../../src/handlers/iac/terraform/plan-file/cty-msgpack.js';
import { readFields } from '../../src/handlers/iac/terraform/plan-file/protobuf.js';
import { parseAddress, readPlanFile, showPlanFromFile } from '../../src/handlers/iac/terraform/plan-file/show-plan.js';
import { readTfplan } from '../../src/handlers/iac/terraform/plan-file/tfplan.js';
import { readZipEntries } from '../../src/handlers/iac/terraform/plan-file/zip.js';

/**
 * The saved-plan reader's parts on hand-made input (the real tool's plans are compared with
 * `show -json` in test/integration/plan-file.test.ts): what it must refuse, so the caller asks
 * the tool instead, and the encodings a real plan rarely shows.
 */

// --- a minimal zip writer (local headers, central directory, end record) ---------------------
function zip(entries: { name: string; data: Buffer; method?: 0 | 8; flags?: number; size?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.size ?? e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.size ?? e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// --- a minimal protobuf writer -----------------------------------------------------------------
function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const field = (n: number, value: number | bigint) => Buffer.concat([varint(n << 3), varint(value)]);
const bytes = (n: number, value: Buffer | string) => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([varint((n << 3) | 2), varint(b.length), b]);
};
const dynamic = (msgpack: Buffer) => bytes(1, msgpack);

/** msgpack of `{"id":"x"}`, as cty writes an object. */
const OBJECT_ID_X = Buffer.from([0x81, 0xa2, 0x69, 0x64, 0xa1, 0x78]);

function tfplan(parts: Buffer[]): Buffer {
  return Buffer.concat([field(1, 3), ...parts]);
}

describe('zip entries', () => {
  it('reads stored and deflated entries by name, only those asked for', () => {
    const archive = zip([
      { name: 'tfplan', data: Buffer.from('plan bytes'), method: 0 },
      { name: 'tfconfig/main.tf', data: Buffer.from('resource "x" "y" {}\n'.repeat(50)) },
      { name: 'tfstate-prev', data: Buffer.from('{}') },
    ]);
    const entries = readZipEntries(archive, (n) => n !== 'tfstate-prev');
    expect([...entries.keys()]).toEqual(['tfplan', 'tfconfig/main.tf']);
    expect(entries.get('tfconfig/main.tf')?.toString()).toBe('resource "x" "y" {}\n'.repeat(50));
  });

  it('refuses what the tool never writes: no archive, encryption, another method, a lying size, duplicates', () => {
    const plain = { name: 'tfplan', data: Buffer.from('abc') };
    expect(() => readZipEntries(Buffer.from('{"not":"a zip"}'), () => true)).toThrow(/not a zip/);
    expect(() => readZipEntries(zip([{ ...plain, flags: 1 }]), () => true)).toThrow(/encrypted/);
    const other = zip([plain]);
    other.writeUInt16LE(12, other.length - 22 - (46 + 6) + 10); // bzip2 in the central directory
    expect(() => readZipEntries(other, () => true)).toThrow(/method 12/);
    // Says 3 bytes, inflates to 3,000: stopped at what it says, never inflated whole.
    expect(() => readZipEntries(zip([{ name: 'tfplan', data: Buffer.alloc(3000, 'a'), size: 3 }]), () => true)).toThrow();
    expect(() => readZipEntries(zip([plain, plain]), () => true)).toThrow(/duplicate/);
    expect(() => readZipEntries(zip([plain]).subarray(0, 20), () => true)).toThrow();
  });
});

describe('protobuf fields', () => {
  it('reads varints (past 32 bits) and length-delimited fields, and refuses truncation', () => {
    const fields = readFields(Buffer.concat([field(1, 2n ** 40n), bytes(14, 'v1.12.6')]));
    expect(fields.map((f) => f.field)).toEqual([1, 14]);
    expect(fields[0]?.value).toEqual({ wire: 0, value: 2n ** 40n });
    expect(() => readFields(bytes(2, 'abcdef').subarray(0, 4))).toThrow(/truncated/);
    expect(() => readFields(Buffer.from([0x0b]))).toThrow(/wire type 3/);
    expect(() => readFields(Buffer.from([0x08, 0xff]))).toThrow(/truncated varint/);
  });
});

describe('tfplan', () => {
  it('refuses another format version and any field it does not know, at every level', () => {
    expect(() => readTfplan(field(1, 4))).toThrow(/format version 4/);
    expect(() => readTfplan(tfplan([field(99, 1)]))).toThrow(/Plan has an unknown field 99/);
    const change = (extra: Buffer) => bytes(3, Buffer.concat([bytes(13, 'terraform_data.x'), bytes(9, Buffer.concat([field(1, 1), bytes(2, dynamic(OBJECT_ID_X)), extra]))]));
    expect(readTfplan(tfplan([change(Buffer.alloc(0))])).resourceChanges[0]?.addr).toBe('terraform_data.x');
    expect(() => readTfplan(tfplan([change(field(42, 1))]))).toThrow(/Change has an unknown field 42/);
    expect(() => readTfplan(tfplan([bytes(3, Buffer.concat([bytes(13, 'terraform_data.x'), field(77, 1)]))]))).toThrow(/ResourceInstanceChange has an unknown field 77/);
  });
});

describe('cty msgpack', () => {
  const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
  it('reads every encoding cty writes', () => {
    // {"a": -1, "b": 2^40, "c": 1.5, "d": nil, "e": [true, false], "f": unknown, "g": refined unknown}
    const value = decodeCtyMsgpack(
      hex('87 a161 ff  a162 cf 0000010000000000  a163 cb 3ff8000000000000  a164 c0  a165 92 c3 c2  a166 d4 0000  a167 c7 03 0c 81 01 c2'),
    );
    expect(value).toEqual({ a: -1, b: 2 ** 40, c: 1.5, d: null, e: [true, false], f: UNKNOWN, g: UNKNOWN });
  });

  it('reads a dynamic value by its type, numbers kept as digits included', () => {
    const type = Buffer.from('["object",{"n":"number","s":"string","l":["list","number"]}]');
    const inner = Buffer.concat([hex('83'), hex('a16e a3 302e31'), hex('a173 a3 302e31'), hex('a16c 92 01 a3 302e33')]);
    const wrapped = Buffer.concat([hex('92 c4'), Buffer.from([type.length]), type, inner]);
    // "0.1" is a number where the type says so, and stays a string where it says string.
    expect(decodeCtyMsgpack(wrapped)).toEqual({ n: 0.1, s: '0.1', l: [1, 0.3] });
  });

  it('makes __proto__ an own key, as JSON.parse does, and changes no prototype', () => {
    const value = decodeCtyMsgpack(hex('81 a9 5f5f70726f746f5f5f 81 a1 78 a1 79')) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses what cty never writes: trailing bytes, a bin outside a dynamic value, another extension, a non-string key, nesting without end', () => {
    expect(() => decodeCtyMsgpack(hex('c0 c0'))).toThrow(/trailing/);
    expect(() => decodeCtyMsgpack(hex('c4 01 00'))).toThrow(/0xc4/);
    expect(() => decodeCtyMsgpack(hex('d4 05 00'))).toThrow(/extension type 5/);
    expect(() => decodeCtyMsgpack(hex('81 01 01'))).toThrow(/not a string/);
    expect(() => decodeCtyMsgpack(Buffer.alloc(100_000, 0x91))).toThrow(/too deep|truncated/);
    expect(() => decodeCtyMsgpack(hex('dd ffffffff'))).toThrow(/truncated/);
    const notDigits = Buffer.concat([hex('92 c4 08'), Buffer.from('"number"'), hex('a3 616263')]);
    expect(() => decodeCtyMsgpack(notDigits)).toThrow(/number written as/);
  });
});

describe('addresses', () => {
  it('splits module instances, mode, type, name and key', () => {
    expect(parseAddress('module.a["x y"].module.b[0].data.aws_s3_bucket.c["ünï"]')).toEqual({
      module: [{ name: 'a', key: 'x y' }, { name: 'b', key: 0 }],
      moduleAddress: 'module.a["x y"].module.b[0]',
      mode: 'data',
      type: 'aws_s3_bucket',
      name: 'c',
      key: 'ünï',
    });
    expect(parseAddress('terraform_data.x').key).toBeUndefined();
  });

  it('refuses what it would have to unescape, and ephemeral resources', () => {
    for (const bad of ['terraform_data.x["a\\"b"]', 'terraform_data.x["a\\\\b"]', 'terraform_data.x["$${x}"]', 'ephemeral.random_password.p', 'terraform_data.x[01]', 'terraform_data', 'terraform_data.x.y']) {
      expect(() => parseAddress(bad), bad).toThrow();
    }
  });
});

describe('a saved plan with hand-made parts', () => {
  const providers = { 'registry.opentofu.org/hashicorp/aws': { managed: { aws_thing: { sensitive: [['token']], number: [['ratio']] } }, data: {} } };
  const inputs = { providers, formatVersion: '1.2', configuration: { root_module: {} }, sensitiveDefaults: [] as string[] };
  const provider = 'provider["registry.opentofu.org/hashicorp/aws"]';
  const create = (addr: string, msgpack: Buffer) => bytes(3, Buffer.concat([bytes(13, addr), bytes(8, provider), bytes(9, Buffer.concat([field(1, 1), bytes(2, dynamic(msgpack))]))]));
  const planFile = (parts: Buffer[]) => readPlanFile(zip([{ name: 'tfplan', data: tfplan(parts) }]));
  // {"ratio": "0.1", "token": "t0p", "name": unknown}
  const THING = Buffer.from('83 a46e616d65 d40000 a5726174696f a3302e31 a5746f6b656e a3743070'.replace(/\s/g, ''), 'hex');

  it('reads numbers by the schema digest, marks its sensitive attributes, and lists changes in the tool order', () => {
    const json = showPlanFromFile(planFile([create('module.m["b"].aws_thing.x', THING), create('aws_thing.z', THING), create('module.m["a"].aws_thing.x', THING)]), inputs);
    expect(json.resource_changes?.map((rc) => rc.address)).toEqual(['aws_thing.z', 'module.m["a"].aws_thing.x', 'module.m["b"].aws_thing.x']);
    const change = json.resource_changes?.[0]?.change;
    expect(change?.after).toEqual({ ratio: 0.1, token: 't0p' });
    expect(change?.after_unknown).toEqual({ name: true });
    expect(change?.after_sensitive).toEqual({ token: true });
    expect(change?.before).toBeNull();
  });

  it('marks by the plan\'s own paths; a number that could be a set element marks the whole sequence', () => {
    // {"nums": [5, 1, 7], "strs": ["a", "b"]}; marked: nums[1] and strs[1].
    const value = Buffer.from('82 a46e756d73 93 05 01 07 a47374727 3 92 a161 a162'.replace(/\s/g, ''), 'hex');
    const step = (name: string) => bytes(1, bytes(1, name));
    const index = (n: number) => bytes(1, bytes(2, dynamic(Buffer.from([n]))));
    const marked = (name: string) => bytes(4, Buffer.concat([step(name), index(1)]));
    const rc = bytes(3, Buffer.concat([bytes(13, 'aws_thing.x'), bytes(8, provider), bytes(9, Buffer.concat([field(1, 1), bytes(2, dynamic(value)), marked('nums'), marked('strs')]))]));
    const change = showPlanFromFile(planFile([rc]), inputs).resource_changes?.[0]?.change;
    expect(change?.after_sensitive).toEqual({ nums: true, strs: [false, true] });
  });

  it('leaves to the tool a type the digest does not know, an import by identity, a sensitive default the plan lacks', () => {
    expect(() => showPlanFromFile(planFile([create('aws_other.x', THING)]), inputs)).toThrow(/no schema digest/);
    const byIdentity = bytes(3, Buffer.concat([bytes(13, 'aws_thing.x'), bytes(8, provider), bytes(9, Buffer.concat([field(1, 0), bytes(2, dynamic(THING)), bytes(5, bytes(2, dynamic(OBJECT_ID_X)))]))]));
    expect(() => showPlanFromFile(planFile([byIdentity]), inputs)).toThrow(/identity/);
    expect(() => showPlanFromFile(planFile([]), { ...inputs, sensitiveDefaults: ['db_password'] })).toThrow(/db_password/);
  });
});

describe('configuration digest', () => {
  const shown = {
    format_version: '1.2',
    configuration: {
      root_module: {
        resources: [{ address: 'aws_s3_bucket.b', mode: 'managed', expressions: { bucket: { constant_value: 'secret-looking-constant' }, policy: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] }, rule: [{ filter: [{ prefix: { references: ['var.p'] } }] }] } }],
        module_calls: { m: { module: { resources: [{ address: 'terraform_data.t', expressions: {} }] } } },
        variables: { pw: { sensitive: true, default: 'hunter2' }, plain: { default: 'x' }, token: { sensitive: true } },
      },
    },
  };

  it('keeps references, module calls and sensitivity, and no value', () => {
    const digest = digestConfiguration('k', shown);
    expect(digest?.sensitive_defaults).toEqual(['pw']);
    expect(digest?.configuration.root_module?.resources?.[0]?.expressions).toEqual({ policy: { references: ['aws_iam_role.r.arn', 'aws_iam_role.r'] }, rule: { references: ['var.p'] } });
    expect(digest?.configuration.root_module?.variables).toEqual({ pw: { sensitive: true }, plain: {}, token: { sensitive: true } });
    expect(JSON.stringify(digest)).not.toMatch(/hunter2|secret-looking-constant/);
  });

  it('is keyed by every file of the snapshot, and read only for its key, its shape and its own .terraform/', async () => {
    const snapshot = new Map([['tfconfig/main.tf', Buffer.from('a')]]);
    const key = configurationDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock', snapshot);
    expect(configurationDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock', new Map([['tfconfig/main.tf', Buffer.from('b')]]))).not.toBe(key);
    expect(configurationDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock', new Map([...snapshot, ['tfconfig/x.tf', Buffer.alloc(0)]]))).not.toBe(key);
    const dir = await mkdtemp(path.join(tmpdir(), 'faber-config-digest-'));
    await mkdir(path.join(dir, '.terraform'));
    await writeConfigurationDigest(dir, digestConfiguration(key, shown)!);
    expect((await readConfigurationDigest(dir, key))?.sensitive_defaults).toEqual(['pw']);
    expect(await readConfigurationDigest(dir, 'other')).toBeUndefined();
    const text = await readFile(configurationDigestFile(dir), 'utf8');
    // A variable said to be sensitive some other way than `true`: not a digest we wrote.
    await writeFile(configurationDigestFile(dir), text.replace(/"sensitive": ?true/, '"sensitive": "no"'));
    expect(await readConfigurationDigest(dir, key)).toBeUndefined();
    // The same file in another `.terraform/` (a committed one): never read.
    await rename(path.join(dir, '.terraform'), path.join(dir, 'old-terraform'));
    await mkdir(path.join(dir, '.terraform'));
    await writeFile(configurationDigestFile(dir), text);
    expect(await readConfigurationDigest(dir, key)).toBeUndefined();
  });
});
