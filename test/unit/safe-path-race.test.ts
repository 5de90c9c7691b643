import { mkdir as realMkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnsafePathError } from '../../src/core/errors.js';
import { tempDir } from '../support/cli.js';

/**
 * ensureDirectory between its check and its mkdir: another process creates the directory, or
 * puts a link or a file where it was about to create one. Made deterministic by running the
 * "other process" just before mkdir.
 */
const race = vi.hoisted(() => ({ before: undefined as undefined | ((dir: string) => Promise<void>) }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const mkdir = (async (dir: string, options?: unknown) => {
    const hook = race.before;
    if (hook) {
      race.before = undefined; // the "other process" uses the real mkdir
      await hook(String(dir)).finally(() => (race.before = hook));
    }
    return real.mkdir(dir, options as never);
  }) as typeof real.mkdir;
  return { ...real, default: { ...real, mkdir }, mkdir };
});
const { ensureDirectory } = await import('../../src/core/files/safe-path.js');

afterEach(() => {
  race.before = undefined;
});

async function setup() {
  const base = await tempDir('faber-mkrace-');
  const root = path.join(base, 'project');
  const outside = path.join(base, 'outside');
  await realMkdir(root);
  await realMkdir(outside);
  return { root, outside };
}

describe('ensureDirectory when the tree changes under it', () => {
  it('a directory created meanwhile by someone else is accepted, and the rest is created inside it', async () => {
    const t = await setup();
    const deployments = path.join(t.root, 'deployments');
    race.before = async (dir) => {
      if (dir === deployments) await realMkdir(dir);
    };
    await ensureDirectory({ root: t.root }, path.join(deployments, 'test'));
    expect(await readdir(deployments)).toEqual(['test']);
  });

  it('a link put where a directory was about to be created is refused, and nothing is created through it', async () => {
    const t = await setup();
    const deployments = path.join(t.root, 'deployments');
    race.before = async (dir) => {
      if (dir === deployments) await symlink(t.outside, dir);
    };
    const error = await ensureDirectory({ root: t.root }, path.join(deployments, 'test')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).details).toMatchObject({ at: 'deployments', reason: 'symlinked-parent' });
    expect(await readdir(t.outside)).toEqual([]);
  });

  it('a file put there instead is refused as not a directory', async () => {
    const t = await setup();
    const deployments = path.join(t.root, 'deployments');
    race.before = async (dir) => {
      if (dir === deployments) await writeFile(dir, 'x');
    };
    const error = await ensureDirectory({ root: t.root }, path.join(deployments, 'test')).catch((e: unknown) => e);
    expect((error as UnsafePathError).details).toMatchObject({ at: 'deployments', reason: 'not-a-directory' });
  });

  it('other mkdir errors pass through', async () => {
    const t = await setup();
    race.before = async () => {
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    };
    const error = await ensureDirectory({ root: t.root }, path.join(t.root, 'x')).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });
});
