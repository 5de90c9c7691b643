import { hostname } from 'node:os';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { LockedError } from '../errors.js';

/** Who holds an environment lock; written beside the lock directory as `<lock>.json`. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started_at: string;
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

export async function readLockHolder(lockDir: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(holderFile(lockDir), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Take the per-environment lock at `lockDir` (a directory, created atomically by mkdir;
 * the holder is recorded in `<lockDir>.json`).
 * proper-lockfile keeps its mtime fresh while we run; a crashed holder's lock goes stale.
 * A holder on this host whose pid is gone is stale at once, so a killed deploy does not
 * block the next one for the stale period.
 */
export async function acquireLock(lockDir: string, command: string): Promise<HeldLock> {
  const target = path.dirname(lockDir);
  await mkdir(target, { recursive: true });
  const previous = await readLockHolder(lockDir);
  if (previous && previous.host === hostname() && !isAlive(previous.pid)) {
    await rm(lockDir, { recursive: true, force: true });
  }
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
  await writeFile(holderFile(lockDir), `${JSON.stringify(holder)}\n`);
  return {
    holder,
    release: async () => {
      await rm(holderFile(lockDir), { force: true });
      await release();
    },
  };
}

/** Run `fn` while holding the lock; always released afterwards. */
export async function withLock<T>(lockDir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockDir, command);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
