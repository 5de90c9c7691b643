import { createHash } from 'node:crypto';
import { localDigestFile, readLocalDigest, writeLocalDigest } from './local-digest.js';

/**
 * The little the raw state (`state pull`) cannot say without the provider schemas, kept in the
 * working directory so the state after a deploy is read without starting any provider: a
 * `show -json` loads every provider's whole schema (hashicorp/aws's is 19 MB, seconds each time;
 * docs/PERFORMANCE.md "Deploy overhead"). Per resource and data source type:
 *  - `dynamic`: attribute paths typed `dynamic`, which state stores wrapped as `{value, type}`;
 *  - `sensitive`: attribute paths the schema marks sensitive (state records these itself in
 *    `sensitive_attributes` in current versions; the schema makes it hold for every version);
 *  - `number`: attribute paths typed number, which a saved plan may hold as a string of digits
 *    (plan-file/cty-msgpack.ts).
 * A path is attribute names, with `*` for every element of a list, set or map and a number for
 * a tuple position. The digest is keyed by the tool's version and the dependency lock file, so
 * another provider (or binary) is a miss, read again from `providers schema -json`; and it is
 * read only in the `.terraform/` that wrote it (a committed one is never trusted).
 */
export type SchemaPath = (string | number)[];
export interface TypeDigest {
  dynamic?: SchemaPath[];
  sensitive?: SchemaPath[];
  number?: SchemaPath[];
}
export interface ProviderDigest {
  managed: Record<string, TypeDigest>;
  data: Record<string, TypeDigest>;
}
export interface SchemaDigest {
  key: string;
  /** Which `.terraform/` wrote it (local-digest.ts). */
  data_directory?: string;
  /** By provider address, as state names it (`<host>/hashicorp/aws`, the host being the tool's default provider registry). */
  providers: Record<string, ProviderDigest>;
}

const DIGEST_FORMAT = 2;

const FILE = 'faber-cloud-schema-digest.json';

export function schemaDigestFile(directory: string): string {
  return localDigestFile(directory, FILE);
}

/** The key: which tool (the built-in provider comes with it) and which providers the lock file pins. */
export function schemaDigestKey(tool: { kind: string; version: string }, lockFileText: string): string {
  return createHash('sha256').update(`${DIGEST_FORMAT}\n${tool.kind} ${tool.version}\n${lockFileText}`).digest('hex');
}

interface JsonBlock {
  attributes?: Record<string, JsonAttribute>;
  block_types?: Record<string, { nesting_mode?: string; block?: JsonBlock }>;
}
interface JsonAttribute {
  type?: unknown;
  nested_type?: JsonBlock & { nesting_mode?: string };
  sensitive?: boolean;
}

/** Where a primitive (`"dynamic"`, `"number"`) sits inside a type (`["list", T]`, `["object", {..}]`, `["tuple", [..]]`). */
function typedIn(primitive: 'dynamic' | 'number', type: unknown, at: SchemaPath, out: SchemaPath[]): void {
  if (type === primitive) {
    out.push(at);
    return;
  }
  if (!Array.isArray(type)) return;
  const [kind, inner] = type as [unknown, unknown];
  if (kind === 'list' || kind === 'set' || kind === 'map') typedIn(primitive, inner, [...at, '*'], out);
  else if (kind === 'object' && inner && typeof inner === 'object') for (const [k, t] of Object.entries(inner)) typedIn(primitive, t, [...at, k], out);
  else if (kind === 'tuple' && Array.isArray(inner)) inner.forEach((t, i) => typedIn(primitive, t, [...at, i], out));
}

/** Nested blocks and nested attribute types hold one object (single, group) or many (list, set, map). */
function nestedPath(at: SchemaPath, mode: string | undefined): SchemaPath {
  return mode === 'single' || mode === 'group' ? at : [...at, '*'];
}

interface Found {
  dynamic: SchemaPath[];
  sensitive: SchemaPath[];
  number: SchemaPath[];
}

function walkBlock(block: JsonBlock | undefined, at: SchemaPath, digest: Found, depth: number): void {
  if (!block || depth > 32) return;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const here = [...at, name];
    if (attribute.sensitive === true) digest.sensitive.push(here);
    if (attribute.type !== undefined) {
      typedIn('dynamic', attribute.type, here, digest.dynamic);
      typedIn('number', attribute.type, here, digest.number);
    }
    if (attribute.nested_type) walkBlock(attribute.nested_type, nestedPath(here, attribute.nested_type.nesting_mode), digest, depth + 1);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) walkBlock(nested.block, nestedPath([...at, name], nested.nesting_mode), digest, depth + 1);
}

function digestTypes(schemas: unknown): Record<string, TypeDigest> {
  const out: Record<string, TypeDigest> = {};
  for (const [type, schema] of Object.entries((schemas ?? {}) as Record<string, { block?: JsonBlock }>)) {
    const found: Found = { dynamic: [], sensitive: [], number: [] };
    walkBlock(schema.block, [], found, 0);
    const digest: TypeDigest = {};
    for (const kind of ['dynamic', 'sensitive', 'number'] as const) if (found[kind].length) digest[kind] = found[kind];
    out[type] = digest;
  }
  return out;
}

/** The digest of `providers schema -json`. */
export function digestProviderSchemas(key: string, schemaJson: unknown): SchemaDigest {
  const providers: Record<string, ProviderDigest> = {};
  const all = ((schemaJson as { provider_schemas?: unknown } | null)?.provider_schemas ?? {}) as Record<string, { resource_schemas?: unknown; data_source_schemas?: unknown }>;
  for (const [address, schema] of Object.entries(all)) {
    providers[address] = { managed: digestTypes(schema.resource_schemas), data: digestTypes(schema.data_source_schemas) };
  }
  return { key, providers };
}

function isPathList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((p) => Array.isArray(p) && p.every((s) => typeof s === 'string' || typeof s === 'number')));
}

function isTypeTable(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((t) => t !== null && typeof t === 'object' && isPathList((t as TypeDigest).dynamic) && isPathList((t as TypeDigest).sensitive) && isPathList((t as TypeDigest).number));
}

/** The digest on disk for `key`, or undefined: missing, another key, not a digest, or not written here (local-digest.ts). */
export async function readSchemaDigest(directory: string, key: string): Promise<SchemaDigest | undefined> {
  const d = (await readLocalDigest(directory, FILE, key)) as Partial<SchemaDigest> | undefined;
  if (!d || d.providers === null || typeof d.providers !== 'object') return undefined;
  for (const p of Object.values(d.providers)) {
    if (!p || !isTypeTable(p.managed) || !isTypeTable(p.data)) return undefined;
  }
  return d as SchemaDigest;
}

export async function writeSchemaDigest(directory: string, digest: SchemaDigest): Promise<void> {
  await writeLocalDigest(directory, FILE, digest);
}
