/**
 * An asset's bytes as they are uploaded: a file as it is, a directory as a deterministic zip,
 * so the same directory always gives the same object (the key is its source hash, so a
 * re-upload of the same key must not change the object either).
 */

import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { zipSync, type Zippable, type ZipOptions } from 'fflate';

/** One zip entry: a file (with its bytes) or a directory (name ending in `/`). */
export interface ZipEntry {
  name: string;
  data?: Uint8Array;
  executable?: boolean;
}

/**
 * A zip of `entries` sorted by name, each with fixed attributes (1980-01-01 00:00, the earliest
 * zip time, made on Unix, -rw-r--r-- or -rwxr-xr-x so a Lambda `bootstrap` stays executable)
 * and deflated at one level: the same entries always give the same bytes. fflate reads the
 * Date's local fields, so the date is made per call, as the placeholder zip does.
 */
export function deterministicZip(entries: readonly ZipEntry[]): Buffer {
  const zippable: Zippable = {};
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of sorted) {
    const directory = e.name.endsWith('/');
    const mode = directory ? 0o40755 : e.executable ? 0o100755 : 0o100644;
    const options: ZipOptions = { level: directory ? 0 : 6, mtime: new Date(1980, 0, 1, 0, 0, 0), os: 3, attrs: ((mode << 16) >>> 0) | (directory ? 0x10 : 0) };
    zippable[e.name] = [directory ? new Uint8Array(0) : (e.data ?? new Uint8Array(0)), options];
  }
  return Buffer.from(zipSync(zippable));
}

/**
 * Every file and directory under `dir`, names relative with `/`. Links are followed, as the
 * CDK CLI does (the app staged the directory); a link back to a directory already walked is
 * refused rather than followed forever.
 */
export async function directoryEntries(dir: string): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  const walking = new Set<string>();
  const walk = async (full: string, rel: string): Promise<void> => {
    const real = await realpath(full);
    if (walking.has(real)) throw new Error(`${rel || '.'} links back to a directory it is inside of`);
    walking.add(real);
    for (const name of (await readdir(full)).sort()) {
      const child = path.join(full, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const info = await stat(child);
      if (info.isDirectory()) {
        entries.push({ name: `${childRel}/` });
        await walk(child, childRel);
      } else if (info.isFile()) {
        entries.push({ name: childRel, data: await readFile(child), executable: (info.mode & 0o111) !== 0 });
      }
    }
    walking.delete(real);
  };
  await walk(dir, '');
  return entries;
}

/** The bytes to upload for an asset and their content type. */
export async function assetBody(source: string, packaging: 'file' | 'zip'): Promise<{ body: Buffer; contentType: string }> {
  const info = await stat(source);
  if (packaging === 'zip') {
    if (!info.isDirectory()) throw new Error(`${path.basename(source)} is not a directory (zip packaging zips a directory)`);
    return { body: deterministicZip(await directoryEntries(source)), contentType: 'application/zip' };
  }
  if (!info.isFile()) throw new Error(`${path.basename(source)} is not a file (file packaging uploads a file)`);
  return { body: await readFile(source), contentType: CONTENT_TYPES[path.extname(source).toLowerCase()] ?? 'application/octet-stream' };
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.jar': 'application/java-archive',
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.txt': 'text/plain',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
};
