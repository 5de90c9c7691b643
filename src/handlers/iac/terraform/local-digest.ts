import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../../../core/files/atomic.js';

/**
 * Digests this tool keeps in the IaC tool's data directory (`.terraform/`): the providers' schema
 * digest and the configuration digest. Each is keyed by what it was made from, and records the
 * directory's device and inode: it is trusted only in the `.terraform/` that wrote it, so a
 * digest committed to a repository (it could say "nothing here is sensitive") is never read, as
 * a checkout makes a new directory. None is written before the tool made the directory (init).
 */
async function dataDirectoryIdentity(directory: string): Promise<string | undefined> {
  const s = await lstat(path.join(directory, '.terraform'), { bigint: true }).catch(() => undefined);
  return s?.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
}

export function localDigestFile(directory: string, name: string): string {
  return path.join(directory, '.terraform', name);
}

/** The digest `name` for `key`, as parsed JSON (the caller checks its shape), or undefined. */
export async function readLocalDigest(directory: string, name: string, key: string): Promise<Record<string, unknown> | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(localDigestFile(directory, name), 'utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const d = parsed as Record<string, unknown>;
  if (d.key !== key) return undefined;
  const identity = await dataDirectoryIdentity(directory);
  return identity !== undefined && d.data_directory === identity ? d : undefined;
}

export async function writeLocalDigest(directory: string, name: string, digest: { key: string }): Promise<void> {
  const identity = await dataDirectoryIdentity(directory);
  if (identity === undefined) return;
  await writeJsonAtomic(localDigestFile(directory, name), { ...digest, data_directory: identity }, { root: directory });
}
