/** Reading a command's input: a file named by an option, or stdin. Usage errors name the option. */
import { fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

/** The file an option names, relative to --cwd; a missing or unreadable one is exit 2 naming the option. */
export function readInputFile(cwd: string, flag: string, file: string): Promise<string> {
  return readFile(path.resolve(cwd, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${flag} ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { code: 'E_USAGE_FILE' });
  });
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What stdin is, when it is not a terminal: a shell pipe or a redirected file is read to the
 * end (`tofu apply | faber-cloud infra debug` may take minutes before its first byte); a
 * socket (how programs, agents among them, start child processes) only if it has data or
 * closes soon, so an idle inherited stdin never hangs the command.
 */
function stdinKind(): 'pipe' | 'socket' | undefined {
  if (process.stdin.isTTY) return undefined;
  try {
    const st = fstatSync(0);
    if (st.isFIFO() || st.isFile()) return 'pipe';
    if (st.isSocket()) return 'socket';
  } catch {
    // no stdin at all
  }
  return undefined;
}

const SOCKET_IDLE_MS = 2000;

/** stdin's text when something was piped in or redirected; undefined otherwise (see stdinKind). */
export async function readStdinIfAny(): Promise<string | undefined> {
  const kind = stdinKind();
  if (kind === undefined) return undefined;
  if (kind === 'pipe') return readStdin();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      if (chunks.length > 0) return;
      process.stdin.pause();
      process.stdin.destroy();
      resolve(undefined);
    }, SOCKET_IDLE_MS);
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', () => {
      clearTimeout(timer);
      resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined);
    });
  });
}
