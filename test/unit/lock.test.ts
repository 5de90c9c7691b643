import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockCompromisedError, LockedError } from '../../src/core/errors.js';
import { acquireLock, holderAlive, judgeLock, parseLockHolder, processStart, staleAfterMs, withLock, type LockHolder } from '../../src/core/files/lock.js';
import { tempDir } from '../support/cli.js';

/**
 * Issue 13 defect 5: a deploy suspended with kill -STOP for longer than the stale period lost
 * its lock to a second deploy, then crashed with an uncaught ECOMPROMISED when resumed.
 */

const HOUR = 3_600_000;
const children: ChildProcess[] = [];

afterEach(() => {
  delete process.env.FABER_CLOUD_LOCK_STALE_MS;
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child;
}

/** A lock directory as another process would have left it, with its holder record. */
async function foreignLock(lockDir: string, holder: Partial<LockHolder> | string, ageMs = 0): Promise<void> {
  await mkdir(lockDir, { recursive: true });
  const st = await stat(lockDir, { bigint: true });
  const record = typeof holder === 'string' ? holder : JSON.stringify({ host: hostname(), command: 'infra deploy', started_at: new Date().toISOString(), lock_id: `${st.ino}:${st.birthtimeNs}`, ...holder });
  await writeFile(`${lockDir}.json`, record);
  const when = new Date(Date.now() - ageMs);
  await utimes(lockDir, when, when);
}

describe('judgeLock: who may take an existing lock', () => {
  const facts = (holder: LockHolder | undefined, ageMs: number, alive: boolean) =>
    judgeLock({ holder, lockId: 'L', mtimeMs: 1_000_000_000 - ageMs, now: 1_000_000_000, host: 'here', staleAfterMs: 30_000, alive: () => alive });
  const holder = (over: Partial<LockHolder> = {}): LockHolder => ({ pid: 42, host: 'here', command: 'infra deploy', started_at: 'x', lock_id: 'L', ...over });

  it('never judges a live holder on this host stale, however old its mtime', () => {
    for (const age of [0, 31_000, 46_000, HOUR, 365 * 24 * HOUR]) expect(facts(holder(), age, true).kind, `age ${age}`).toBe('held');
  });

  it('takes over at once from a holder on this host whose process is gone', () => {
    expect(facts(holder(), 0, false)).toMatchObject({ kind: 'take-over', deadHolder: true });
  });

  it('judges a holder on another host (or an unknown one) by its refreshes', () => {
    for (const h of [holder({ host: 'elsewhere' }), undefined, holder({ lock_id: 'an earlier lock' })]) {
      expect(facts(h, 10_000, true).kind).toBe('held');
      expect(facts(h, 31_000, true).kind).toBe('take-over');
    }
  });
});

describe('holder records', () => {
  it('reads a record written by acquireLock and refuses anything else without throwing', () => {
    const good = { pid: 7, host: 'h', command: 'infra deploy', started_at: '2026-01-01T00:00:00Z', lock_id: '1:2', proc_start: '99' };
    expect(parseLockHolder(JSON.stringify(good))).toEqual(good);
    const bad = ['', '{', 'null', '[1,2]', '5', '"x"', '{"id":5}', JSON.stringify({ ...good, pid: 'x' }), JSON.stringify({ ...good, pid: -1 }), JSON.stringify({ ...good, pid: 1.5 }),
      JSON.stringify({ ...good, host: 3 }), JSON.stringify({ ...good, command: 'a\u001b[31mb' }), JSON.stringify({ ...good, lock_id: {} }), JSON.stringify({ ...good, host: 'x'.repeat(500) })];
    for (const text of bad) expect(parseLockHolder(text), text).toBeUndefined();
  });

  it('takes a process with a reused pid for a dead holder (its start time differs)', async () => {
    const child = await liveProcess();
    const start = processStart(child.pid as number);
    expect(holderAlive({ pid: child.pid as number, ...(start ? { proc_start: start } : {}) })).toBe(true);
    if (start) expect(holderAlive({ pid: child.pid as number, proc_start: `${start}0` })).toBe(false);
  });

  it('shortens the stale period only down to 3 s, for tests', () => {
    expect(staleAfterMs({})).toBe(30_000);
    expect(staleAfterMs({ FABER_CLOUD_LOCK_STALE_MS: '5000' })).toBe(5000);
    expect(staleAfterMs({ FABER_CLOUD_LOCK_STALE_MS: '1' })).toBe(3000);
    expect(staleAfterMs({ FABER_CLOUD_LOCK_STALE_MS: 'soon' })).toBe(30_000);
  });
});

describe('environment lock against a real holder', () => {
  it('refuses the lock of a live (e.g. suspended) holder on this host long after its last refresh, naming it', async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    const child = await liveProcess();
    child.kill('SIGSTOP');
    await foreignLock(lockDir, { pid: child.pid as number }, HOUR);
    const refused = await acquireLock(lockDir, 'infra deploy', { root: dir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).exitCode).toBe(3);
    expect((refused as LockedError).message).toContain(`pid ${child.pid} on ${hostname()} running 'infra deploy'`);
    expect(existsSync(lockDir)).toBe(true);
    // once that process is gone, its lock is taken at once
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const lock = await acquireLock(lockDir, 'infra deploy', { root: dir });
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('treats a record it cannot read as an unknown holder: held while refreshed, stale after', async () => {
    for (const record of ['null', '[1,2]', '{"pid":"x"}', '{"id":5}', '\u0000\u0001garbage']) {
      const dir = await tempDir();
      const lockDir = path.join(dir, 'test', '.lock');
      await foreignLock(lockDir, record, 0);
      await expect(acquireLock(lockDir, 'infra deploy', { root: dir }), record).rejects.toThrow(/locked by another process \(its holder record is missing or unreadable\)/);
      const when = new Date(Date.now() - 60_000);
      await utimes(lockDir, when, when);
      const lock = await acquireLock(lockDir, 'infra deploy', { root: dir });
      expect(lock.holder.pid).toBe(process.pid);
      await lock.release();
    }
  });

  it('waits for a holder on another host until it stops refreshing', async () => {
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    await foreignLock(lockDir, { pid: 1, host: 'build-agent-7' }, 5_000);
    await expect(acquireLock(lockDir, 'infra deploy', { root: dir })).rejects.toThrow(/locked by pid 1 on build-agent-7/);
    const when = new Date(Date.now() - 31_000);
    await utimes(lockDir, when, when);
    const lock = await acquireLock(lockDir, 'infra deploy', { root: dir });
    await lock.release();
  });

  it('turns a lock taken from under its holder into E_LOCK_COMPROMISED (exit 3), never an uncaught exception', async () => {
    process.env.FABER_CLOUD_LOCK_STALE_MS = '3000'; // refreshes every second
    const dir = await tempDir();
    const lockDir = path.join(dir, 'test', '.lock');
    const outcome = withLock(lockDir, 'infra deploy', { root: dir }, async (lock) => {
      // another host decides our lock is stale and takes it
      await rename(lockDir, `${lockDir}.gone`);
      await foreignLock(lockDir, { pid: 1, host: 'build-agent-7' });
      await new Promise((r) => setTimeout(r, 2500));
      expect(lock.compromised).toBeInstanceOf(LockCompromisedError);
      return 'done';
    });
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockCompromisedError);
    expect(error).toMatchObject({ code: 'E_LOCK_COMPROMISED', exitCode: 3 });
    // the new holder's lock and record are left alone
    expect(existsSync(lockDir)).toBe(true);
    expect(JSON.parse(await readFile(`${lockDir}.json`, 'utf8'))).toMatchObject({ host: 'build-agent-7' });
  });
});
