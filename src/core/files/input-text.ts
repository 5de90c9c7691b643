import { open } from 'node:fs/promises';
import { UsageError } from '../errors.js';

/**
 * The one reader for text a user hands the CLI (error logs, requirement files, a config to
 * validate, stdin): bounded in size, and decoded strictly, so a wrong file is a clear exit 2
 * instead of a parser running out of memory or stack on megabytes of binary.
 *
 * 10 MiB: a full `tofu apply` log of a large stack is a few hundred KiB; nothing the debugger,
 * the denial parser or the config loader reads is useful beyond this.
 */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** E_INPUT_TOO_LARGE for `label` (a flag and file, or stdin); `bytes` when the size is known. */
export function tooLarge(label: string, bytes: number | undefined): UsageError {
  const size = bytes === undefined ? 'more than 10 MiB' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return new UsageError(`${label}: input is ${size}; at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB is read`, {
    code: 'E_INPUT_TOO_LARGE',
    hint: 'pass only the failing part of the output (e.g. the last 2000 lines: tail -n 2000 apply.log)',
  });
}

/**
 * Bytes -> text. UTF-8 (a BOM is dropped) or UTF-16 with a BOM (PowerShell's `>` writes that);
 * a NUL byte or invalid UTF-8 means the input is not text: E_INPUT_BINARY / E_INPUT_ENCODING.
 */
export function decodeInputText(bytes: Uint8Array, label: string): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { ignoreBOM: false }).decode(bytes);
    if (!text.includes('\0')) return text;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new UsageError(`${label}: input is binary (NUL byte at offset ${nul}), not text`, {
      code: 'E_INPUT_BINARY',
      hint: 'pass the text output of the command (a log file, or 2>&1 piped in), not a binary file',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${label}: input is not valid UTF-8 text`, {
      code: 'E_INPUT_ENCODING',
      hint: 'convert it to UTF-8 first (e.g. iconv -f latin1 -t utf-8 FILE)',
    });
  }
}

/** Read a stream to its end, refusing it once it passes the limit. */
export async function readStreamText(stream: AsyncIterable<Uint8Array | string>, label: string, limit = MAX_INPUT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buffer.length;
    if (total > limit) throw tooLarge(label, undefined);
    chunks.push(buffer);
  }
  return decodeInputText(Buffer.concat(chunks), label);
}

/**
 * A file's text, at most `limit` bytes. File-system errors (ENOENT, EISDIR, EACCES) are
 * thrown as they are, for the caller to name its option; size and encoding problems are
 * UsageErrors. A FIFO or device is read as a stream, with the same limit.
 */
export async function readInputFileText(file: string, label: string, limit = MAX_INPUT_BYTES): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st.isFile() && st.size > limit) throw tooLarge(label, st.size);
    return await readStreamText(handle.createReadStream({ autoClose: false, start: 0 }), label, limit);
  } finally {
    await handle.close();
  }
}
