import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ArtifactError } from '../errors.js';
import { redactText, redactValue } from '../redaction/index.js';

/**
 * Every artifact is written here: temp file in the same directory, fsync, rename.
 * A crash at any moment leaves either the old file or the new one, never half of either.
 */
export async function writeTextAtomic(file: string, text: string, mode?: number): Promise<void> {
  text = redactText(text); // no secret is written to an artifact (core/redaction)
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { encoding: 'utf8', fsync: true, ...(mode === undefined ? {} : { mode }) });
}

export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  data = redactValue(data); // strings redacted before serialisation: the JSON stays valid
  await writeTextAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** Read a JSON artifact; undefined when absent, ArtifactError when unreadable. */
export async function readJsonFile(file: string, displayPath = file): Promise<unknown> {
  let text: string;
  try {
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
