import type { Stats } from 'node:fs';
import { lstat, mkdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, UnsafePathError } from '../errors.js';

/**
 * The directory a write must stay inside: the project root (`ProjectPaths` fits), or a
 * terraform directory the config explicitly allows outside it.
 */
export interface WriteScope {
  root: string;
  /** How messages name the root (e.g. the terraform directory as configured); paths are shown relative to the root otherwise. */
  shownAs?: string;
}

/**
 * What is written at a path: a file replaced atomically, a file appended to (history.jsonl),
 * or a directory (created when missing; the caller writes new names inside it).
 */
export type WriteKind = 'file' | 'append' | 'directory';

export interface PlannedWrite {
  path: string;
  kind: WriteKind;
}

export type UnsafeReason = 'outside-project' | 'symlink' | 'symlinked-parent' | 'not-a-directory' | 'not-a-regular-file' | 'hard-link';

function display(root: string, target: string, shownAs?: string): string {
  const rel = path.relative(root, target);
  return shownAs === undefined ? rel || '.' : path.join(shownAs, rel);
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // A regular file where a directory is expected: reported by the caller, which knows which one.
    if (code === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function refuse(root: string, at: string, target: string, reason: UnsafeReason, shownAs?: string): Promise<never> {
  const shown = display(root, at, shownAs);
  const wanted = display(root, target, shownAs);
  const link = reason === 'symlink' || reason === 'symlinked-parent' ? await readlink(at).catch(() => undefined) : undefined;
  const linkText = link === undefined ? '' : ` (to ${link})`;
  const messages: Record<UnsafeReason, string> = {
    'outside-project': `${target} is outside the project root ${root}; faber-cloud writes only inside the project`,
    symlink: `${shown} is a symbolic link${linkText}; faber-cloud never writes through a link`,
    'symlinked-parent': `${shown} is a symbolic link${linkText} above ${wanted}; faber-cloud never writes through a link`,
    'not-a-directory': `${shown} is not a directory, so ${wanted} cannot be written`,
    'not-a-regular-file': `${shown} is not a regular file; faber-cloud will not replace it`,
    'hard-link': `${shown} has other hard links; appending to it would change another file too`,
  };
  const hints: Record<UnsafeReason, string> = {
    'outside-project': 'keep every path faber-cloud writes inside the project root (see handlers.iac.terraform.allow_outside_project for the terraform directory)',
    symlink: `remove the link (rm ${shown}) and let faber-cloud create a real file; a link in a cloned repository must not redirect writes`,
    'symlinked-parent': `replace the link ${shown} with a real directory (rm ${shown}, then re-run); a link in a cloned repository must not redirect writes`,
    'not-a-directory': `move ${shown} aside; faber-cloud keeps a directory there`,
    'not-a-regular-file': `move ${shown} aside; faber-cloud keeps a regular file there`,
    'hard-link': `replace ${shown} with a copy of itself (cp ${shown} x && mv x ${shown})`,
  };
  throw new UnsafePathError(messages[reason], {
    hint: hints[reason],
    details: { path: wanted, at: shown, reason, ...(link === undefined ? {} : { link }) },
  });
}

/** `target` relative to the root, or undefined when it is not strictly inside it (lexically). */
function inside(root: string, target: string): string[] | undefined {
  const rel = path.relative(root, target);
  if (rel === '') return [];
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep);
}

/**
 * Refuse (UnsafePathError, exit 2) a write to `target` unless it is inside `scope.root` and no
 * path component below the root, the target included, is a symbolic link (dangling or not).
 * With no link in the chain the resolved path is the lexical one, so it is inside the root too.
 * Missing components are fine: they are created by ensureDirectory, never through a link.
 * The root itself is trusted (it is where the user runs faber-cloud). Checks and writes are
 * separate system calls: a process racing to swap a directory for a link is out of scope.
 */
export async function checkWritePath(scope: WriteScope, target: string, kind: WriteKind): Promise<void> {
  const root = path.resolve(scope.root);
  const abs = path.resolve(root, target);
  const parts = inside(root, abs);
  if (parts === undefined || (parts.length === 0 && kind !== 'directory')) return refuse(root, abs, abs, 'outside-project', scope.shownAs);
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    current = path.join(current, parts[i] as string);
    const st = await lstatOrUndefined(current);
    if (!st) {
      // Missing (ensureDirectory creates the rest), or ENOTDIR: the component above is not a
      // directory (the only check for that, so there is one path to the message). The root
      // itself may not exist yet (a terraform directory the engineer is about to create).
      const parent = path.dirname(current);
      const above = await lstatOrUndefined(parent);
      if (above && !above.isDirectory()) return refuse(root, parent, abs, 'not-a-directory', scope.shownAs);
      return;
    }
    if (st.isSymbolicLink()) return refuse(root, current, abs, last ? 'symlink' : 'symlinked-parent', scope.shownAs);
    if (!last) continue; // a non-directory here makes the next component ENOTDIR (above)
    if (kind === 'directory') {
      if (!st.isDirectory()) return refuse(root, current, abs, 'not-a-directory', scope.shownAs);
    } else if (!st.isFile()) {
      return refuse(root, current, abs, 'not-a-regular-file', scope.shownAs);
    } else if (kind === 'append' && st.nlink > 1) {
      return refuse(root, current, abs, 'hard-link', scope.shownAs);
    }
  }
}

/** Check every planned write before the first one: a command refuses before it changes anything. */
export async function checkWritePaths(scope: WriteScope, writes: readonly PlannedWrite[]): Promise<void> {
  for (const write of writes) await checkWritePath(scope, write.path, write.kind);
}

/**
 * mkdir -p inside the scope, one level at a time, never through a link: an existing link is
 * refused, a missing directory is created (a directory created by someone else meanwhile is
 * re-checked).
 */
export async function ensureDirectory(scope: WriteScope, dir: string): Promise<void> {
  await checkWritePath(scope, dir, 'directory');
  const root = path.resolve(scope.root);
  const abs = path.resolve(root, dir);
  const parts = inside(root, abs) ?? [];
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const st = await lstatOrUndefined(current);
    // Stryker disable next-line ConditionalExpression: without it mkdir fails EEXIST and the same lstat below accepts the directory
    if (st) continue; // checked above
    try {
      await mkdir(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const made = await lstat(current);
    if (made.isSymbolicLink()) return refuse(root, current, abs, 'symlinked-parent', scope.shownAs);
    if (!made.isDirectory()) return refuse(root, current, abs, 'not-a-directory', scope.shownAs);
  }
}

/** A directory chosen by the config, as a scope for the files written inside it. */
export interface DirectoryScope extends WriteScope {
  /** Whether the real directory lies inside the project's real root. */
  insideProject: boolean;
  /** Create the directory when missing: inside the project never through a link. */
  create(): Promise<void>;
}

/**
 * Where files under a directory chosen by the config may be written: the directory's real
 * path, which must lie inside the project's real root unless `allowOutside` (an explicit
 * config opt-in). A link at the directory itself is resolved here, once, and only to a place
 * inside the project; the writes below it are checked against that real path, so no link
 * below it is followed. A missing directory is placed where its nearest existing ancestor
 * really is.
 */
export async function directoryScope(projectRoot: string, dir: string, allowOutside: boolean, describe: string): Promise<DirectoryScope> {
  const abs = path.resolve(projectRoot, dir);
  const realRoot = await realpath(path.resolve(projectRoot));
  let existing = abs;
  const missing: string[] = [];
  let real: string;
  for (;;) {
    try {
      real = await realpath(existing);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = path.dirname(existing);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Stryker disable next-line ConditionalExpression: true only at the filesystem root, which always exists (a guard against looping)
      if (parent === existing) throw error;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  const resolved = path.join(real, ...missing);
  const insideProject = inside(realRoot, resolved) !== undefined;
  if (!insideProject && !allowOutside) {
    throw new UnsafePathError(`${describe} ${dir} resolves to ${resolved}, outside the project root ${realRoot}`, {
      hint: 'use a directory inside the project; to keep it elsewhere on purpose, set handlers.iac.terraform.allow_outside_project: true (init: --allow-terraform-outside-project)',
      details: { path: dir, resolved, reason: 'outside-project' },
    });
  }
  return {
    root: resolved,
    shownAs: path.relative(projectRoot, abs) || '.',
    insideProject,
    create: async () => {
      if (insideProject) await ensureDirectory({ root: realRoot }, resolved);
      else await mkdir(resolved, { recursive: true });
    },
  };
}

/**
 * A file the config names for a tool to read (a backend config file), as its real path: links
 * are followed, but only to a regular file inside the project's real root, so a cloned
 * repository cannot point the tool at a file elsewhere on the machine. `base` is the directory
 * the name is relative to (the terraform directory).
 */
export async function resolveProjectFile(projectRoot: string, base: string, file: string, describe: string): Promise<string> {
  const realRoot = await realpath(path.resolve(projectRoot));
  const abs = path.resolve(base, file);
  let real: string;
  try {
    real = await realpath(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new ConfigError('E_CONFIG_FILE_MISSING', `${describe} ${file} does not exist (looked for ${path.relative(projectRoot, abs) || abs})`, {
      hint: 'create the file, or correct the path (it is relative to the terraform directory)',
      details: { path: file },
    });
  }
  const within = inside(realRoot, real);
  // The root itself is not a file of the project either.
  if (within === undefined || within.length === 0) {
    throw new UnsafePathError(`${describe} ${file} resolves to ${real}, outside the project root ${realRoot}`, {
      hint: 'keep the file inside the project (a link in a cloned repository must not point the tool at another file)',
      details: { path: file, resolved: real, reason: 'outside-project' },
    });
  }
  if (!(await lstat(real)).isFile()) {
    throw new ConfigError('E_CONFIG_FILE_MISSING', `${describe} ${file} is not a regular file`, { hint: 'point it at an HCL file of backend settings', details: { path: file } });
  }
  return real;
}
