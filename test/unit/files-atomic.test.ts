import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../../src/core/errors.js';
import { readJsonFile, writeTextAtomic } from '../../src/core/files/atomic.js';
import { tempDir } from '../support/cli.js';

describe('atomic artifact writes and reads', () => {
  it('writes UTF-8 text, with the file mode asked for, and the default mode otherwise', async () => {
    const dir = await tempDir('faber-atomic-');
    const secret = path.join(dir, 'nested', 'secret.txt');
    await writeTextAtomic(secret, 'héllo ✓', { root: dir, mode: 0o600 });
    expect(await readFile(secret, 'utf8')).toBe('héllo ✓');
    expect((await stat(secret)).mode & 0o777).toBe(0o600);
    const plain = path.join(dir, 'plain.txt');
    await writeTextAtomic(plain, 'x', { root: dir });
    expect((await stat(plain)).mode & 0o077).not.toBe(0);
  });

  it('reads an unreadable artifact as an error that names it, and bad JSON with a hint', async () => {
    const dir = await tempDir('faber-atomic-');
    await mkdir(path.join(dir, 'registry.json'));
    const unreadable = await readJsonFile(path.join(dir, 'registry.json'), 'registry.json').catch((e: unknown) => e);
    expect(unreadable).toBeInstanceOf(ArtifactError);
    expect((unreadable as ArtifactError).message).toMatch(/^registry\.json cannot be read: EISDIR/);
    await writeFile(path.join(dir, 'bad.json'), '{');
    const bad = await readJsonFile(path.join(dir, 'bad.json'), 'bad.json').catch((e: unknown) => e);
    expect((bad as ArtifactError).hint).toBe('restore bad.json from version control or a backup; faber-cloud never resets it silently');
  });
});
