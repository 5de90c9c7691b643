import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../../src/core/errors.js';
import { readJsonFile, writeJsonAtomic, writeTextAtomic } from '../../src/core/files/atomic.js';
import { REDACTED } from '../../src/core/redaction/index.js';
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

  it('keeps an existing mode the umask would strip (group-writable), and applies a mode asked for over the existing one', async () => {
    const dir = await tempDir('faber-atomic-');
    const shared = path.join(dir, 'shared.json');
    await writeFile(shared, '{}');
    await chmod(shared, 0o664);
    await writeTextAtomic(shared, '{"a":1}', { root: dir });
    expect((await stat(shared)).mode & 0o7777).toBe(0o664);
    const creds = path.join(dir, 'creds.env');
    await writeFile(creds, 'x');
    await chmod(creds, 0o644);
    await writeTextAtomic(creds, 'y', { root: dir, mode: 0o600 });
    expect((await stat(creds)).mode & 0o7777).toBe(0o600);
  });

  it('redacts secrets from text and JSON before writing; bytes are written as they are', async () => {
    const dir = await tempDir('faber-atomic-');
    await writeTextAtomic(path.join(dir, 'log.txt'), 'login password=hunter2xyz ok', { root: dir });
    expect(await readFile(path.join(dir, 'log.txt'), 'utf8')).toBe(`login password=${REDACTED} ok`);
    await writeJsonAtomic(path.join(dir, 'out.json'), { user: 'bob', password: 'plain words here' }, { root: dir });
    expect(await readFile(path.join(dir, 'out.json'), 'utf8')).toBe(`{\n  "user": "bob",\n  "password": "${REDACTED}"\n}\n`);
    const bytes = new TextEncoder().encode('zip password=hunter2xyz');
    await writeTextAtomic(path.join(dir, 'lambda.zip'), bytes, { root: dir });
    expect(await readFile(path.join(dir, 'lambda.zip'), 'utf8')).toBe('zip password=hunter2xyz');
    expect((await readdir(dir)).sort()).toEqual(['lambda.zip', 'log.txt', 'out.json']);
  });

  it('reads a missing artifact as undefined, and names the file itself when no display path is given', async () => {
    const dir = await tempDir('faber-atomic-');
    expect(await readJsonFile(path.join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(path.join(dir, 'ok.json'), '{"a":[1]}');
    expect(await readJsonFile(path.join(dir, 'ok.json'))).toEqual({ a: [1] });
    await writeFile(path.join(dir, 'bad.json'), 'nope');
    const bad = (await readJsonFile(path.join(dir, 'bad.json')).catch((e: unknown) => e)) as ArtifactError;
    expect(bad.message.startsWith(`${path.join(dir, 'bad.json')} is not valid JSON: `)).toBe(true);
  });
});
