import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Files the tool reads as configuration in a module directory (top level only, as it does). */
const CONFIGURATION = /\.(tf|tofu)(\.json)?$/;

/**
 * What an `init` of a working directory depends on and produces: the backend it configured
 * (`.terraform/terraform.tfstate`), the dependency lock file, the installed modules and
 * providers, and the configuration of the root and every module it installed (a new module
 * call or provider needs another init). Equal to the fingerprint recorded right after the last
 * init for the same environment and backend arguments means that init still holds, so it is not
 * run again: an `init` costs seconds (it verifies every provider package). Anything else runs it.
 */
export async function workingDirectoryFingerprint(directory: string): Promise<string> {
  const hash = createHash('sha256');
  const add = (label: string, data: string | Uint8Array) => hash.update(label).update('\0').update(data).update('\0');
  const read = (file: string) => readFile(file).catch(() => '(none)');
  // The tool's own files also by modification time: a checkout sets it, so a record committed
  // beside a committed `.terraform/` can never match (the tool leaves these alone between inits).
  const written = async (file: string) => {
    const s = await lstat(file).catch(() => undefined);
    return `${await read(file)}\0${s ? `${s.mtimeMs} ${s.isSymbolicLink()}` : ''}`;
  };
  add('backend', await written(path.join(directory, '.terraform', 'terraform.tfstate')));
  add('lock', await written(path.join(directory, '.terraform.lock.hcl')));
  const modulesFile = path.join(directory, '.terraform', 'modules', 'modules.json');
  const modules = await read(modulesFile);
  add('modules', await written(modulesFile));
  const dirs = new Set(['.']);
  try {
    for (const m of (JSON.parse(modules.toString()) as { Modules?: { Dir?: unknown }[] }).Modules ?? []) if (typeof m?.Dir === 'string') dirs.add(m.Dir);
  } catch {
    // No modules installed (or not the tool's file): the root's configuration only.
  }
  for (const dir of [...dirs].sort()) {
    const names = await readdir(path.resolve(directory, dir)).catch(() => [] as string[]);
    for (const name of names.filter((n) => CONFIGURATION.test(n)).sort()) add(`config ${dir}/${name}`, await read(path.resolve(directory, dir, name)));
  }
  for (const entry of await tree(path.join(directory, '.terraform', 'providers'), '')) add('provider', entry);
  return hash.digest('hex').slice(0, 32);
}

/** Every entry under `dir` as path, size and modification time (a link as its target): no file is read. */
async function tree(dir: string, prefix: string, depth = 0): Promise<string[]> {
  if (depth > 12) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    const rel = `${prefix}/${e.name}`;
    if (e.isSymbolicLink()) out.push(`${rel} -> ${await readlink(full).catch(() => '?')}`);
    else if (e.isDirectory()) out.push(rel, ...(await tree(full, rel, depth + 1)));
    else {
      const s = await lstat(full).catch(() => undefined);
      out.push(`${rel} ${s?.size ?? '?'} ${s?.mtimeMs ?? '?'}`);
    }
  }
  return out;
}
