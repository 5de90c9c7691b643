import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactError, UnsafePathError } from '../errors.js';
import { redactText, redactValue } from '../redaction/index.js';
import { checkWritePath, ensureDirectory, type WriteScope } from './safe-path.js';

export type { WriteScope } from './safe-path.js';

/** O_NOFOLLOW where the platform has it: open fails (ELOOP) instead of following a final link. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function linkRaced(file: string, scope: WriteScope, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ELOOP' && code !== 'EEXIST' && code !== 'ENXIO') return error;
  const shown = path.relative(scope.root, file) || file;
  return new UnsafePathError(`${shown} turned into a link or special file while being written; nothing was written through it`, {
    hint: `look at ${shown}: something else is changing the project while faber-cloud runs`,
    details: { path: shown, reason: 'symlink' },
  });
}

/**
 * Every artifact is written here: checked (inside `scope.root`, no link at the path or above
 * it), then a temp file created beside it with O_EXCL|O_NOFOLLOW, fsync, rename. A crash at any
 * moment leaves either the old file or the new one, never half of either; rename replaces a
 * link rather than following it. An existing file keeps its mode unless `mode` is given.
 */
export async function writeTextAtomic(file: string, text: string | Uint8Array, scope: WriteScope & { mode?: number }): Promise<void> {
  // Stryker disable next-line ConditionalExpression: redactText returns a non-string as it is
  if (typeof text === 'string') text = redactText(text); // no secret is written to an artifact (core/redaction)
  // Stryker disable next-line StringLiteral: a kind other than 'directory' and 'append' is checked as 'file'
  await checkWritePath(scope, file, 'file');
  await ensureDirectory(scope, path.dirname(file));
  const previous = await lstat(file).catch(() => undefined);
  const mode = scope.mode ?? (previous ? previous.mode & 0o7777 : undefined);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle;
  try {
    // Stryker disable next-line LogicalOperator: `undefined && 0o666` is undefined, which open takes as 0o666
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode ?? 0o666);
  } catch (error) {
    throw linkRaced(temp, scope, error);
  }
  try {
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The text `writeJsonAtomic` writes (exported for bench/registry-build.mjs, which times it). */
export function jsonArtifactText(data: unknown): string {
  data = redactValue(data); // strings redacted before serialisation: the JSON stays valid
  return `${JSON.stringify(data, null, 2)}\n`;
}

export async function writeJsonAtomic(file: string, data: unknown, scope: WriteScope): Promise<void> {
  await writeTextAtomic(file, jsonArtifactText(data), scope);
}

/**
 * Append `text` as one write, then fsync (history.jsonl): checked like writeTextAtomic, and
 * opened with O_NOFOLLOW so even a link placed after the check (dangling or not) is refused,
 * and O_NONBLOCK so a FIFO put there fails instead of hanging.
 */
export async function appendTextNoFollow(file: string, text: string, scope: WriteScope): Promise<void> {
  await checkWritePath(scope, file, 'append');
  await ensureDirectory(scope, path.dirname(file));
  let handle;
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | (constants.O_NONBLOCK ?? 0), 0o666);
  } catch (error) {
    throw linkRaced(file, scope, error);
  }
  try {
    // Stryker disable next-line StringLiteral: the message of the stand-in error is never shown (linkRaced replaces it)
    if (!(await handle.stat()).isFile()) throw linkRaced(file, scope, Object.assign(new Error('not a file'), { code: 'ENXIO' }));
    await handle.appendFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Read a JSON artifact; undefined when absent, ArtifactError when unreadable. */
export async function readJsonFile(file: string, displayPath = file): Promise<unknown> {
  let text: string;
  try {
    // Stryker disable next-line StringLiteral: JSON.parse reads a Buffer as UTF-8 text too
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ArtifactError(`${displayPath} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`${displayPath} is not valid JSON: ${(error as Error).message}`, {
      hint: `restore ${displayPath} from version control or a backup; faber-cloud never resets it silently`,
    });
  }
}
