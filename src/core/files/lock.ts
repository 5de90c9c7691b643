import { hostname } from 'node:os';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { LockedError } from '../errors.js';
import { writeTextAtomic } from './atomic.js';
import { checkWritePaths, ensureDirectory, type PlannedWrite, type WriteScope } from './safe-path.js';

/** Who holds an environment lock; written beside the lock directory as `<lock>.json`. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started_at: string;
  /** Identity of the lock directory this holder created (inode and birth time). */
  lock_id?: string;
}

export interface HeldLock {
  holder: LockHolder;
  release(): Promise<void>;
}

/** A lock whose holder stopped refreshing it for this long is stale and may be taken over. */
const STALE_AFTER_MS = 30_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** proper-lockfile removes its directory with rmdir, so the holder record lives beside it. */
function holderFile(lockDir: string): string {
  return `${lockDir}.json`;
}

/** What taking the lock at `lockDir` writes: the lock directory and its holder record. */
export function lockWrites(lockDir: string): PlannedWrite[] {
  return [
    { path: lockDir, kind: 'directory' },
    { path: holderFile(lockDir), kind: 'file' },
  ];
}

export async function readLockHolder(lockDir: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(holderFile(lockDir), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** The lock directory's identity: inode and birth time (0 where the file system has none). */
async function lockId(lockDir: string): Promise<string | undefined> {
  const st = await stat(lockDir, { bigint: true }).catch(() => undefined);
  return st ? `${st.ino}:${st.birthtimeNs}` : undefined;
}

/**
 * How long a live process may take between creating its lock directory and recording itself
 * (milliseconds in practice). Within it, a dead holder's record may still sit beside a fresh
 * lock whose inode reuses the dead one's; the fresh lock's mtime tells them apart.
 */
const RECORD_GRACE_MS = 1000;

/**
 * A killed holder on this host leaves its lock directory behind; remove it at once instead
 * of waiting for it to go stale. Only the directory the dead holder created is removed
 * (same identity, and not just created), and it is renamed away first, so of several
 * processes doing this at once only one removes it.
 */
async function takeOverFromDeadHolder(lockDir: string): Promise<void> {
  const previous = await readLockHolder(lockDir);
  if (!previous?.lock_id || previous.host !== hostname() || isAlive(previous.pid)) return;
  const current = await stat(lockDir).catch(() => undefined);
  if (!current || previous.lock_id !== (await lockId(lockDir))) return;
  const age = Date.now() - current.mtimeMs;
  if (age < RECORD_GRACE_MS) {
    await new Promise((resolve) => setTimeout(resolve, RECORD_GRACE_MS - age));
    const again = await readLockHolder(lockDir);
    if (again?.pid !== previous.pid || previous.lock_id !== (await lockId(lockDir))) return;
  }
  const aside = `${lockDir}.dead-${process.pid}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // another process got there first: lock normally
  }
  await rm(aside, { recursive: true, force: true });
  await rm(holderFile(lockDir), { force: true });
}

/**
 * Take the per-environment lock at `lockDir` (a directory, created atomically by mkdir;
 * the holder is recorded in `<lockDir>.json`).
 * proper-lockfile keeps its mtime fresh while we run; a crashed holder's lock goes stale.
 * A holder on this host whose pid is gone is stale at once, so a killed deploy does not
 * block the next one for the stale period.
 */
export async function acquireLock(lockDir: string, command: string, scope: WriteScope): Promise<HeldLock> {
  const target = path.dirname(lockDir);
  await checkWritePaths(scope, lockWrites(lockDir));
  await ensureDirectory(scope, target);
  await takeOverFromDeadHolder(lockDir);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, { lockfilePath: lockDir, realpath: false, stale: STALE_AFTER_MS, retries: 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readLockHolder(lockDir);
    const who = holder ? `pid ${holder.pid} on ${holder.host} running '${holder.command}' since ${holder.started_at}` : 'another process';
    throw new LockedError(`${path.basename(target)} is locked by ${who}`, {
      hint: `wait for it to finish; if that process is gone, the lock expires ${STALE_AFTER_MS / 1000}s after its last refresh`,
      details: { lock: lockDir, holder },
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, started_at: new Date().toISOString() };
  const id = await lockId(lockDir);
  if (id) holder.lock_id = id;
  await writeTextAtomic(holderFile(lockDir), `${JSON.stringify(holder)}\n`, scope);
  return {
    holder,
    release: async () => {
      await rm(holderFile(lockDir), { force: true });
      await release();
    },
  };
}

/** Run `fn` while holding the lock; always released afterwards. */
export async function withLock<T>(lockDir: string, command: string, scope: WriteScope, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockDir, command, scope);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** How long a short read-modify-write of a shared artifact may wait for another one. */
const WAIT_FOR_LOCK_MS = 10_000;

/**
 * Like withLock, but waits (up to 10 s) for another holder instead of failing at once:
 * for project-wide logs that every command updates briefly (IAM audit, issue log).
 */
export async function withWaitingLock<T>(lockDir: string, command: string, scope: WriteScope, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_FOR_LOCK_MS;
  for (;;) {
    try {
      return await withLock(lockDir, command, scope, fn);
    } catch (error) {
      if (!(error instanceof LockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}
