import { readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { isFaberError, LockCompromisedError, LockedError } from '../errors.js';
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
  /** The holder process's start time (Linux /proc), so a reused pid is not taken for the holder. */
  proc_start?: string;
}

export interface HeldLock {
  holder: LockHolder;
  /** Set when another process removed or replaced the lock while we held it. */
  readonly compromised: LockCompromisedError | undefined;
  release(): Promise<void>;
}

/**
 * A holder we cannot ask (another host, or an unreadable record) is stale once it stopped
 * refreshing the lock for this long. A holder on this host is asked directly (is its pid
 * alive?) and is never stale while it lives, however long it was suspended.
 * FABER_CLOUD_LOCK_STALE_MS shortens the period for tests; it cannot go below 3 s and it
 * never applies to a live holder on this host.
 */
const STALE_AFTER_MS = 30_000;
const MIN_STALE_AFTER_MS = 3_000;

export function staleAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.FABER_CLOUD_LOCK_STALE_MS);
  return Number.isInteger(configured) && configured > 0 ? Math.max(configured, MIN_STALE_AFTER_MS) : STALE_AFTER_MS;
}

/** proper-lockfile's own staleness is switched off: it would take a live holder's lock by mtime alone. */
const NEVER_STALE_MS = Number.MAX_SAFE_INTEGER;

/** The start time of a process (field 22 of /proc/<pid>/stat), where the system has one. */
export function processStart(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Is this holder's process still running on this host (and not a later process with its pid)? */
export function holderAlive(holder: Pick<LockHolder, 'pid' | 'proc_start'>): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.proc_start === undefined) return true;
  const now = processStart(holder.pid);
  return now === undefined || now === holder.proc_start;
}

/** proper-lockfile removes its directory with rmdir, so the holder record lives beside it. */
function holderFile(lockDir: string): string {
  return `${lockDir}.json`;
}

const PRINTABLE = /^[^\p{Cc}]{1,200}$/u;

/** A holder record as written by acquireLock, or undefined for anything else (never throws). */
export function parseLockHolder(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const text_ = (v: unknown) => typeof v === 'string' && PRINTABLE.test(v);
  if (!Number.isSafeInteger(r.pid) || (r.pid as number) <= 0) return undefined;
  if (!text_(r.host) || !text_(r.command) || !text_(r.started_at)) return undefined;
  if (r.lock_id !== undefined && !text_(r.lock_id)) return undefined;
  if (r.proc_start !== undefined && !text_(r.proc_start)) return undefined;
  const holder: LockHolder = { pid: r.pid as number, host: r.host as string, command: r.command as string, started_at: r.started_at as string };
  if (r.lock_id !== undefined) holder.lock_id = r.lock_id as string;
  if (r.proc_start !== undefined) holder.proc_start = r.proc_start as string;
  return holder;
}

/** The recorded holder, or undefined when there is none or it cannot be read as one. */
/** What taking the lock at `lockDir` writes: the lock directory and its holder record. */
export function lockWrites(lockDir: string): PlannedWrite[] {
  return [
    { path: lockDir, kind: 'directory' },
    { path: holderFile(lockDir), kind: 'file' },
  ];
}

export async function readLockHolder(lockDir: string): Promise<LockHolder | undefined> {
  try {
    return parseLockHolder(await readFile(holderFile(lockDir), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The lock directory's identity: inode and birth time (0 where the file system has none). */
async function lockId(lockDir: string): Promise<string | undefined> {
  const st = await stat(lockDir, { bigint: true }).catch(() => undefined);
  return st ? `${st.ino}:${st.birthtimeNs}` : undefined;
}

export type LockVerdict = { kind: 'held'; reason: string } | { kind: 'take-over'; reason: string; deadHolder?: boolean };

/**
 * Who may have an existing lock directory. Pure: the caller gathers the facts.
 * - its holder is on this host: held while that process lives, whatever the mtime (a
 *   suspended deploy is not a dead one); taken over at once when it is gone;
 * - its holder is on another host, or unknown (no record, a record we cannot read, or one
 *   left by an earlier lock): stale when not refreshed for `staleAfterMs`.
 */
export function judgeLock(facts: {
  holder: LockHolder | undefined;
  lockId: string | undefined;
  mtimeMs: number;
  now: number;
  host: string;
  staleAfterMs: number;
  alive: (holder: LockHolder) => boolean;
}): LockVerdict {
  const { holder, now, staleAfterMs: stale } = facts;
  const age = now - facts.mtimeMs;
  const ours = holder?.lock_id !== undefined && holder.lock_id === facts.lockId;
  if (holder && ours && holder.host === facts.host) {
    return facts.alive(holder)
      ? { kind: 'held', reason: `pid ${holder.pid} is alive on this host` }
      : { kind: 'take-over', reason: `pid ${holder.pid} is gone`, deadHolder: true };
  }
  const who = holder && ours ? `holder on ${holder.host}` : 'unknown holder';
  return age > stale ? { kind: 'take-over', reason: `${who} has not refreshed the lock for ${Math.round(age / 1000)}s` } : { kind: 'held', reason: `${who} refreshed the lock ${Math.round(age / 1000)}s ago` };
}

/**
 * How long a live process may take between creating its lock directory and recording itself
 * (milliseconds in practice). Within it, a dead holder's record may still sit beside a fresh
 * lock whose inode reuses the dead one's; the fresh lock's mtime tells them apart.
 */
const RECORD_GRACE_MS = 1000;

async function judgeExisting(lockDir: string): Promise<LockVerdict | undefined> {
  const current = await stat(lockDir).catch(() => undefined);
  if (!current) return undefined;
  return judgeLock({
    holder: await readLockHolder(lockDir),
    lockId: await lockId(lockDir),
    mtimeMs: current.mtimeMs,
    now: Date.now(),
    host: hostname(),
    staleAfterMs: staleAfterMs(),
    alive: holderAlive,
  });
}

/**
 * Remove a lock directory that judgeLock says may be taken over. It is renamed away first,
 * so of several processes doing this at once only one removes it.
 */
async function takeOverIfStale(lockDir: string): Promise<void> {
  let verdict = await judgeExisting(lockDir);
  if (verdict?.kind !== 'take-over') return;
  if (verdict.deadHolder) {
    const age = Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? 0);
    if (age < RECORD_GRACE_MS) {
      await new Promise((resolve) => setTimeout(resolve, RECORD_GRACE_MS - age));
      verdict = await judgeExisting(lockDir);
      if (verdict?.kind !== 'take-over') return;
    }
  }
  const aside = `${lockDir}.stale-${process.pid}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // another process got there first: lock normally
  }
  await rm(aside, { recursive: true, force: true });
  await rm(holderFile(lockDir), { force: true });
}

/** Holder records of the locks this process holds, removed if it exits without releasing them. */
const heldRecords = new Map<string, string>();
let exitHookInstalled = false;
function removeRecordsOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // proper-lockfile removes the lock directories on exit; the records beside them go too.
  process.on('exit', () => {
    for (const [file, content] of heldRecords) {
      try {
        if (readFileSync(file, 'utf8') === content) rmSync(file, { force: true });
      } catch {
        // gone already
      }
    }
  });
}

function describe(holder: LockHolder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.host} running '${holder.command}' since ${holder.started_at}` : 'another process (its holder record is missing or unreadable)';
}

/**
 * Take the per-environment lock at `lockDir` (a directory, created atomically by mkdir;
 * the holder is recorded in `<lockDir>.json`). proper-lockfile keeps its mtime fresh while
 * we run; whether someone else's lock may be taken is decided by judgeLock, never by
 * proper-lockfile's mtime rule alone.
 */
export async function acquireLock(lockDir: string, command: string, scope: WriteScope): Promise<HeldLock> {
  const target = path.dirname(lockDir);
  await checkWritePaths(scope, lockWrites(lockDir));
  await ensureDirectory(scope, target);
  await takeOverIfStale(lockDir);
  const stale = staleAfterMs();
  let compromised: LockCompromisedError | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      lockfilePath: lockDir,
      realpath: false,
      stale: NEVER_STALE_MS,
      update: Math.max(1000, Math.floor(stale / 3)),
      retries: 0,
      // Called from a timer: never throw here (it would be an uncaught exception); the
      // holder finds out at its next check and fails with a typed error.
      onCompromised: (error) => {
        compromised = new LockCompromisedError(`the lock on ${path.basename(target)} was taken by another process while this run held it (${(error as Error).message})`, {
          hint: 'another run may have changed this environment meanwhile: check faber-cloud infra history and infra show-resources before going on',
          details: { lock: lockDir },
        });
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readLockHolder(lockDir);
    const alive = holder?.host === hostname() && holderAlive(holder);
    throw new LockedError(`${path.basename(target)} is locked by ${describe(holder)}`, {
      hint: alive
        ? 'wait for it to finish (a suspended run keeps its lock until it ends: resume it with kill -CONT, or stop it)'
        : `wait for it to finish; if that process is gone, the lock expires ${stale / 1000}s after its last refresh`,
      details: { lock: lockDir, holder: holder ?? null },
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, started_at: new Date().toISOString() };
  const id = await lockId(lockDir);
  if (id) holder.lock_id = id;
  const start = processStart(process.pid);
  if (start) holder.proc_start = start;
  const record = `${JSON.stringify(holder)}\n`;
  await writeTextAtomic(holderFile(lockDir), record, scope);
  removeRecordsOnExit();
  heldRecords.set(holderFile(lockDir), record);
  return {
    holder,
    get compromised() {
      return compromised;
    },
    release: async () => {
      heldRecords.delete(holderFile(lockDir));
      // A compromised lock and its record belong to someone else now: leave them.
      if (compromised) return;
      const mine = await readFile(holderFile(lockDir), 'utf8').catch(() => undefined);
      if (mine === record) await rm(holderFile(lockDir), { force: true });
      await release();
    },
  };
}

/**
 * Run `fn` while holding the lock; always released afterwards. A lock lost meanwhile fails
 * the call with E_LOCK_COMPROMISED (unless `fn` already failed, or reported it itself).
 */
export async function withLock<T>(lockDir: string, command: string, scope: WriteScope, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockDir, command, scope);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    if (lock.compromised && isFaberError(error) && error !== lock.compromised) error.addDetails({ lock_compromised: true });
    throw error;
  } finally {
    await lock.release();
  }
  if (lock.compromised) throw lock.compromised;
  return result;
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
