import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { showStateFromRaw } from '../../src/handlers/iac/terraform/raw-state.js';
import { digestProviderSchemas, readSchemaDigest, schemaDigestFile, schemaDigestKey, writeSchemaDigest, type ProviderDigest } from '../../src/handlers/iac/terraform/schema-digest.js';
import { stateResources } from '../../src/handlers/iac/terraform/state.js';

/** Raw state (`state pull`) as `show -json`: the exact cases, and each case left to the tool. */
const AWS = 'registry.opentofu.org/hashicorp/aws';
const providers: Record<string, ProviderDigest> = {
  [AWS]: {
    managed: { aws_db_instance: { sensitive: [['password']] }, aws_thing: { dynamic: [['spec'], ['rules', '*', 'extra']] } },
    data: { aws_secret: { sensitive: [['secret_string']] } },
  },
};
const provider = `provider["${AWS}"]`;

function rawState(resources: unknown[], outputs: unknown = {}) {
  return { version: 4, terraform_version: '1.12.6', serial: 3, lineage: 'l', outputs, resources };
}

/** The values `show -json` would give for one `aws_thing.t` instance of raw state. */
function thingValues(instance: { attributes: unknown; sensitive_attributes?: unknown }) {
  const doc = showStateFromRaw(rawState([{ mode: 'managed', type: 'aws_thing', name: 't', provider, instances: [instance] }]), providers);
  return stateResources(doc!)[0]?.values as Record<string, unknown>;
}

describe('showStateFromRaw', () => {
  it('addresses every instance as the tool does, with module, data, count and for_each keys', () => {
    const doc = showStateFromRaw(
      rawState([
        { module: 'module.app["blue"]', mode: 'managed', type: 'aws_db_instance', name: 'db', provider: `module.app["blue"].${provider}.west`, instances: [{ index_key: 0, attributes: { id: 'a', password: 'p4ssw0rd-x' } }] },
        { mode: 'data', type: 'aws_secret', name: 's', provider, instances: [{ attributes: { id: 'x', secret_string: 'shh-secret' } }] },
        { mode: 'managed', type: 'aws_thing', name: 't', provider, instances: [{ index_key: 'a b', attributes: { id: 't1' } }] },
      ]),
      providers,
    );
    expect(doc).toBeDefined();
    const resources = stateResources(doc!);
    expect(resources.map((r) => [r.address, r.module, r.provider, r.index])).toEqual([
      ['aws_thing.t["a b"]', '', AWS, 'a b'],
      ['module.app["blue"].aws_db_instance.db[0]', 'module.app["blue"]', AWS, 0],
    ]);
    // The schema's sensitive attributes go, even when state did not record them.
    expect(resources[1]?.values).toEqual({ id: 'a' });
    const data = doc!.values!.root_module!.resources!.find((r) => r.mode === 'data');
    expect(data?.address).toBe('data.aws_secret.s');
    expect((data as { sensitive_values?: unknown }).sensitive_values).toEqual({ secret_string: true });
  });

  it('unwraps dynamic attributes, also inside nested blocks, and leaves other {value, type} objects alone', () => {
    const values = thingValues({
      attributes: {
        id: 't1',
        spec: { value: { a: 1 }, type: ['object', { a: 'number' }] },
        rules: [{ extra: { value: 'x', type: 'string' } }, { extra: null }],
        other: { value: 'kept', type: 'string' },
      },
    });
    expect(values).toEqual({ id: 't1', spec: { a: 1 }, rules: [{ extra: 'x' }, { extra: null }], other: { value: 'kept', type: 'string' } });
  });

  it('removes what the state marks sensitive, by attribute and index steps; a path that stops short hides where it stopped', () => {
    const values = thingValues({
      attributes: { id: 't1', env: { vars: { TOKEN: 'tok-123456', PLAIN: 'p' } }, list: ['a', 'secret-b'], spec: { value: { s: 'deep-secret' }, type: 'dynamic' }, blob: { inner: 'x' } },
      sensitive_attributes: [
        [{ type: 'get_attr', value: 'env' }, { type: 'get_attr', value: 'vars' }, { type: 'index', value: { value: 'TOKEN', type: 'string' } }],
        [{ type: 'get_attr', value: 'list' }, { type: 'index', value: { value: 1, type: 'number' } }],
        [{ type: 'get_attr', value: 'blob' }, { type: 'get_attr', value: 'missing' }, { type: 'get_attr', value: 'deeper' }],
        [{ type: 'get_attr', value: 'spec' }, { type: 'unknown-step' }],
      ],
    });
    expect(values).toEqual({ id: 't1', env: { vars: { PLAIN: 'p' } }, list: ['a', null] });
  });

  it('keeps outputs with their sensitive flag', () => {
    const doc = showStateFromRaw(rawState([], { a: { value: 'v', type: 'string' }, b: { value: 's3cr3t-x', type: 'string', sensitive: true } }), providers);
    expect(doc?.values?.outputs).toEqual({ a: { sensitive: false, value: 'v', type: 'string' }, b: { sensitive: true, value: 's3cr3t-x', type: 'string' } });
  });

  it.each([
    ['another format version', { ...rawState([]), version: 3 }],
    ['an encrypted state', { serial: 1, lineage: 'l', meta: {}, encrypted_data: 'abc', encryption_version: 'v0' }],
    ['not an object', []],
    ['a provider the digest does not know', rawState([{ mode: 'managed', type: 'x_y', name: 'n', provider: 'provider["example.com/x/x"]', instances: [] }])],
    ['a type the digest does not know', rawState([{ mode: 'managed', type: 'aws_new', name: 'n', provider, instances: [] }])],
    ['a key with a quote', rawState([{ mode: 'managed', type: 'aws_thing', name: 'n', provider, instances: [{ index_key: 'a"b', attributes: {} }] }])],
    ['a key with a template opener', rawState([{ mode: 'managed', type: 'aws_thing', name: 'n', provider, instances: [{ index_key: 'a${b}', attributes: {} }] }])],
    ['a key with a newline', rawState([{ mode: 'managed', type: 'aws_thing', name: 'n', provider, instances: [{ index_key: 'a\nb', attributes: {} }] }])],
    ['flat attributes (an old state)', rawState([{ mode: 'managed', type: 'aws_thing', name: 'n', provider, instances: [{ attributes_flat: { id: 'x' } }] }])],
    ['a sensitive path of unreadable steps only', rawState([{ mode: 'managed', type: 'aws_thing', name: 'n', provider, instances: [{ attributes: { id: 'x' }, sensitive_attributes: [[{ type: 'odd' }]] }] }])],
  ])('leaves %s to show -json', (_case, raw) => {
    expect(showStateFromRaw(raw, providers)).toBeUndefined();
  });
});

describe('provider schema digest', () => {
  const schema = {
    format_version: '1.0',
    provider_schemas: {
      [AWS]: {
        resource_schemas: {
          aws_thing: {
            block: {
              attributes: { id: { type: 'string' }, spec: { type: 'dynamic' }, pairs: { type: ['map', ['tuple', ['string', 'dynamic']]] }, token: { type: 'string', sensitive: true } },
              block_types: { rules: { nesting_mode: 'list', block: { attributes: { extra: { type: ['object', { d: 'dynamic' }] }, key: { type: 'string', sensitive: true } } } } },
            },
          },
          aws_framework: { block: { attributes: { settings: { nested_type: { nesting_mode: 'single', attributes: { pw: { type: 'string', sensitive: true } } } } } } },
        },
        data_source_schemas: { aws_thing: { block: { attributes: { id: { type: 'string' } } } } },
      },
    },
  };

  it('finds dynamic and sensitive attribute paths through types, nested blocks and nested attributes', () => {
    const digest = digestProviderSchemas('k', schema);
    expect(digest.providers[AWS]?.managed.aws_thing).toEqual({
      dynamic: [['spec'], ['pairs', '*', 1], ['rules', '*', 'extra', 'd']],
      sensitive: [['token'], ['rules', '*', 'key']],
    });
    expect(digest.providers[AWS]?.managed.aws_framework).toEqual({ sensitive: [['settings', 'pw']] });
    expect(digest.providers[AWS]?.data.aws_thing).toEqual({});
  });

  it('is read back only for its own key, and never when the file is not a digest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faber-digest-'));
    const key = schemaDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock text');
    expect(key).not.toBe(schemaDigestKey({ kind: 'tofu', version: '1.12.7' }, 'lock text'));
    expect(key).not.toBe(schemaDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock text 2'));
    // No `.terraform/` (no init yet): nothing is written.
    await writeSchemaDigest(dir, digestProviderSchemas(key, schema));
    expect(await readSchemaDigest(dir, key)).toBeUndefined();
    await mkdir(path.join(dir, '.terraform'));
    await writeSchemaDigest(dir, digestProviderSchemas(key, schema));
    expect((await readSchemaDigest(dir, key))?.providers[AWS]?.managed.aws_thing?.dynamic).toHaveLength(3);
    expect(await readSchemaDigest(dir, 'another-key')).toBeUndefined();
    for (const bad of ['{', JSON.stringify({ key, providers: { [AWS]: { managed: { t: { dynamic: 'x' } }, data: {} } } }), JSON.stringify({ key, providers: null })]) {
      await mkdir(path.dirname(schemaDigestFile(dir)), { recursive: true });
      await writeFile(schemaDigestFile(dir), bad);
      expect(await readSchemaDigest(dir, key)).toBeUndefined();
    }
  });

  it('is never read from a `.terraform/` other than the one it was written in (a committed one)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faber-digest-'));
    const key = schemaDigestKey({ kind: 'tofu', version: '1.12.6' }, 'lock text');
    await mkdir(path.join(dir, '.terraform'));
    await writeSchemaDigest(dir, digestProviderSchemas(key, schema));
    const text = await readFile(schemaDigestFile(dir), 'utf8');
    expect(await readSchemaDigest(dir, key)).toBeDefined();
    // The same file in a new `.terraform/`, as a checkout of a repository that committed it makes
    // (the old one kept aside, so the new one cannot reuse its inode).
    await rename(path.join(dir, '.terraform'), path.join(dir, 'old-terraform'));
    await mkdir(path.join(dir, '.terraform'));
    await writeFile(schemaDigestFile(dir), text);
    expect(await readSchemaDigest(dir, key)).toBeUndefined();
  });
});

describe('showStateFromRaw on hostile state', () => {
  it('treats a __proto__ key as a key: its secret is removed and no prototype changes', () => {
    const attributes = JSON.parse('{"id":"x","__proto__":{"token":"proto-secret-1","plain":"p"},"other":"o"}') as Record<string, unknown>;
    const values = thingValues({ attributes, sensitive_attributes: [[{ type: 'get_attr', value: '__proto__' }, { type: 'get_attr', value: 'token' }]] });
    expect(JSON.stringify(values)).not.toContain('proto-secret-1');
    expect(values.other).toBe('o');
    expect(({} as Record<string, unknown>).token).toBeUndefined();
  });
});
