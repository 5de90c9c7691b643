import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError, LockedError } from '../../src/core/errors.js';
import { readJsonFile, writeJsonAtomic } from '../../src/core/files/atomic.js';
import { acquireLock, readLockHolder, withLock } from '../../src/core/files/lock.js';
import { tempDir } from '../support/cli.js';

describe('atomic writes', () => {
  it('writes JSON through a temp file and leaves no temp files behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nested', 'registry.json');
    await writeJsonAtomic(file, { a: 1 }, { root: dir });
    await writeJsonAtomic(file, { a: 2 }, { root: dir });
    expect(await readJsonFile(file)).toEqual({ a: 2 });
    expect(await readdir(path.dirname(file))).toEqual(['registry.json']);
  });

  it('reads a missing artifact as undefined and a corrupt one as a typed error naming the file', async () => {
    const dir = await tempDir();
    expect(await readJsonFile(path.join(dir, 'absent.json'))).toBeUndefined();
    await writeFile(path.join(dir, 'bad.json'), '{"resources": [');
    await expect(readJsonFile(path.join(dir, 'bad.json'), 'registry.json')).rejects.toThrow(ArtifactError);
    await expect(readJsonFile(path.join(dir, 'bad.json'), 'registry.json')).rejects.toThrow(/registry\.json is not valid JSON/);
  });

  it('never exposes a half-written file to a concurrent reader', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'big.json');
    const big = (n: number) => ({ n, items: Array.from({ length: 20_000 }, (_, i) => `item-${n}-${i}`) });
    await writeJsonAtomic(file, big(0), { root: dir });
    let reads = 0;
    const writer = (async () => {
      for (let n = 1; n <= 15; n++) await writeJsonAtomic(file, big(n), { root: dir });
    })();
    let done = false;
    void writer.then(() => (done = true));
    while (!done) {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { items: unknown[] };
      expect(parsed.items).toHaveLength(20_000);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });
});

describe('environment lock', () => {
  it('records the holder and refuses a second holder with E_LOCKED naming it', async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    const lock = await acquireLock(lockDir, 'infra deploy', { root: dir });
    expect(await readLockHolder(lockDir)).toMatchObject({ pid: process.pid, host: hostname(), command: 'infra deploy' });

    const second = acquireLock(lockDir, 'infra destroy', { root: dir });
    await expect(second).rejects.toBeInstanceOf(LockedError);
    await expect(acquireLock(lockDir, 'infra destroy', { root: dir })).rejects.toThrow(new RegExp(`locked by pid ${process.pid} on ${hostname()} running 'infra deploy'`));
    await lock.release();
    const again = await acquireLock(lockDir, 'infra destroy', { root: dir });
    await again.release();
  });

  it('releases after the work, even when it throws', async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    await expect(withLock(lockDir, 'x', { root: dir }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await withLock(lockDir, 'y', { root: dir }, async () => undefined);
  });

  it('takes over a lock whose holder on this host has died', async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    // A process that takes the lock and is killed before releasing it.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((r) => child.once('spawn', r));
    await mkdir(lockDir, { recursive: true });
    const st = await stat(lockDir, { bigint: true });
    const record = { pid: child.pid, host: hostname(), command: 'infra deploy', started_at: new Date().toISOString(), lock_id: `${st.ino}:${st.birthtimeNs}` };
    await writeFile(`${lockDir}.json`, JSON.stringify(record));
    await expect(acquireLock(lockDir, 'infra deploy', { root: dir })).rejects.toBeInstanceOf(LockedError);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const lock = await acquireLock(lockDir, 'infra deploy', { root: dir });
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  });

  it("never removes a fresh lock that still carries a dead holder's record", async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    // The dead holder's directory is gone; a live process has just made a new one (which
    // may even reuse its inode) and not yet written its own record.
    await mkdir(lockDir, { recursive: true });
    const st = await stat(lockDir, { bigint: true });
    await writeFile(`${lockDir}.json`, JSON.stringify({ pid: child.pid, host: hostname(), command: 'infra deploy', started_at: '2026-01-01T00:00:00Z', lock_id: `${st.ino}:${st.birthtimeNs}` }));
    // ...and records itself a moment later, as a live holder does.
    const live = { pid: process.pid, host: hostname(), command: 'infra deploy', started_at: new Date().toISOString(), lock_id: `${st.ino}:${st.birthtimeNs}` };
    setTimeout(() => void writeFile(`${lockDir}.json`, JSON.stringify(live)), 100);
    await expect(acquireLock(lockDir, 'infra destroy', { root: dir })).rejects.toThrow(new RegExp(`locked by pid ${process.pid}`));
    expect((await stat(lockDir)).isDirectory()).toBe(true);
  });
});
