/**
 * Reading a command's input: a file named by an option, or stdin. Both go through the one
 * bounded, strict reader (core/files/input-text.ts). Usage errors name the option.
 */
import { fstatSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { MAX_INPUT_BYTES, decodeInputText, readInputFileText, readStreamText, tooLarge } from '../core/files/input-text.js';

/** The file an option names, relative to --cwd; a missing or unreadable one is exit 2 naming the option. */
export function readInputFile(cwd: string, flag: string, file: string): Promise<string> {
  return readInputFileText(path.resolve(cwd, file), `${flag} ${file}`).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${flag} ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a directory' : error.message}`, { code: 'E_USAGE_FILE' });
  });
}

export function readStdin(): Promise<string> {
  return readStreamText(process.stdin, 'stdin');
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
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (): void => {
      try {
        resolve(decodeInputText(Buffer.concat(chunks), 'stdin'));
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      if (chunks.length > 0) return;
      process.stdin.pause();
      process.stdin.destroy();
      resolve(undefined);
    }, SOCKET_IDLE_MS);
    process.stdin.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_INPUT_BYTES) {
        clearTimeout(timer);
        process.stdin.destroy();
        reject(tooLarge('stdin', undefined));
        return;
      }
      chunks.push(chunk);
    });
    process.stdin.on('end', () => {
      clearTimeout(timer);
      finish();
    });
    process.stdin.on('error', () => {
      clearTimeout(timer);
      if (chunks.length) finish();
      else resolve(undefined);
    });
  });
}
