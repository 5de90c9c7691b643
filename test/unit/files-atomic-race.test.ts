import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnsafePathError } from '../../src/core/errors.js';
import { victimTree } from '../support/victim-tree.js';

/**
 * The second line of defence: what the writers do when the path changes between the check
 * (checkWritePath) and the open. The race is made deterministic by letting the check pass and
 * changing the path "after" it, as another process could.
 */
const race = vi.hoisted(() => ({ after: undefined as undefined | ((file: string) => Promise<void>), fixedRandom: false }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = ((n: number) => (race.fixedRandom ? Buffer.alloc(n) : real.randomBytes(n))) as typeof real.randomBytes;
  return { ...real, default: { ...real, randomBytes }, randomBytes };
});
vi.mock('../../src/core/files/safe-path.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/files/safe-path.js')>();
  return {
    ...real,
    checkWritePath: async (...args: Parameters<typeof real.checkWritePath>) => {
      await real.checkWritePath(...args);
      if (race.after) await race.after(path.resolve(args[0].root, args[1]));
    },
  };
});
const { appendTextNoFollow, writeTextAtomic } = await import('../../src/core/files/atomic.js');

afterEach(() => {
  race.after = undefined;
  race.fixedRandom = false;
});

const setup = () => victimTree('faber-race-');

async function unsafe(promise: Promise<unknown>): Promise<UnsafePathError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafePathError);
  return error as UnsafePathError;
}

describe('a path that turns into a link or special file after the check', () => {
  it('append: a link placed after the check is refused (O_NOFOLLOW), naming the path, and the target is untouched', async () => {
    const t = await setup();
    const file = path.join(t.root, 'history.jsonl');
    race.after = async (f) => {
      if (f === file) await symlink(t.victim, file);
    };
    const error = await unsafe(appendTextNoFollow(file, 'NEW\n', { root: t.root }));
    expect(error.message).toBe('history.jsonl turned into a link or special file while being written; nothing was written through it');
    expect(error.hint).toBe('look at history.jsonl: something else is changing the project while faber-cloud runs');
    expect(error.details).toEqual({ path: 'history.jsonl', reason: 'symlink' });
    expect(await readFile(t.victim, 'utf8')).toBe('ORIGINAL\n');
  });

  it('append: a FIFO placed after the check fails at once instead of hanging, with or without a reader', async () => {
    const t = await setup();
    const file = path.join(t.root, 'history.jsonl');
    race.after = async (f) => {
      if (f === file && !existsSync(file)) execFileSync('mkfifo', [file]);
    };
    // No reader: the non-blocking open fails (ENXIO).
    expect((await unsafe(appendTextNoFollow(file, 'NEW\n', { root: t.root }))).details).toMatchObject({ path: 'history.jsonl' });
    // A reader holds it open: the open succeeds, the file type check refuses it, nothing is written.
    const held = path.join(t.root, 'held.jsonl');
    let reader: Awaited<ReturnType<typeof open>> | undefined;
    race.after = async (f) => {
      if (f !== held) return;
      execFileSync('mkfifo', [held]);
      reader = await open(held, constants.O_RDONLY | constants.O_NONBLOCK);
    };
    try {
      expect((await unsafe(appendTextNoFollow(held, 'NEW\n', { root: t.root }))).message).toContain('held.jsonl turned into a link or special file');
      expect(await reader!.read(Buffer.alloc(16), 0, 16, null).then((r) => r.bytesRead)).toBe(0);
    } finally {
      await reader?.close();
    }
  });

  it('append: other open errors pass through unchanged (not reported as a link)', async () => {
    const t = await setup();
    const file = path.join(t.root, 'history.jsonl');
    race.after = async (f) => {
      if (f === file) await mkdir(file);
    };
    const error = await appendTextNoFollow(file, 'NEW\n', { root: t.root }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnsafePathError);
    expect((error as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('replace: a directory put at the path after the check fails the rename, and the temp file is removed', async () => {
    const t = await setup();
    const file = path.join(t.root, 'deployments', 'registry.json');
    race.after = async (f) => {
      if (f === file) {
        await mkdir(file, { recursive: true });
        await writeFile(path.join(file, 'keep'), 'x');
      }
    };
    const error = await writeTextAtomic(file, '{}\n', { root: t.root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await readdir(path.dirname(file))).toEqual(['registry.json']);
    expect(await readdir(file)).toEqual(['keep']);
  });

  it('replace: a link put at the path after the check is replaced by the new file, never followed', async () => {
    const t = await setup();
    const file = path.join(t.root, 'DEPLOYED.md');
    race.after = async (f) => {
      if (f === file) await symlink(t.victim, file);
    };
    await writeTextAtomic(file, 'NEW\n', { root: t.root });
    expect(await readFile(t.victim, 'utf8')).toBe('ORIGINAL\n');
    expect(await readFile(file, 'utf8')).toBe('NEW\n');
    expect(await readdir(t.root)).toEqual(['DEPLOYED.md']);
  });

  it('replace: a link planted at the temp name is never opened through (O_EXCL), and the target is untouched', async () => {
    const t = await setup();
    race.fixedRandom = true;
    await symlink(t.victim, path.join(t.root, '.DEPLOYED.md.000000000000.tmp'));
    const error = await unsafe(writeTextAtomic(path.join(t.root, 'DEPLOYED.md'), 'NEW\n', { root: t.root }));
    expect(error.details).toEqual({ path: '.DEPLOYED.md.000000000000.tmp', reason: 'symlink' });
    expect(await readFile(t.victim, 'utf8')).toBe('ORIGINAL\n');
    expect(existsSync(path.join(t.root, 'DEPLOYED.md'))).toBe(false);
  });
});
