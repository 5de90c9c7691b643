import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './cli.js';

/**
 * A project root and, beside it, a directory standing for "anywhere else on the machine", with
 * a file there that no write into the project may touch (the symlink and race tests' target).
 */
export async function victimTree(prefix: string) {
  const base = await tempDir(prefix);
  const root = path.join(base, 'project');
  const outside = path.join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  const victim = path.join(outside, 'victim.txt');
  await writeFile(victim, 'ORIGINAL\n');
  const before = await stat(victim);
  return {
    root,
    outside,
    victim,
    /** The file outside is exactly as it was: content and mtime. */
    async untouched() {
      expect(await readFile(victim, 'utf8')).toBe('ORIGINAL\n');
      expect((await stat(victim)).mtimeMs).toBe(before.mtimeMs);
    },
  };
}
