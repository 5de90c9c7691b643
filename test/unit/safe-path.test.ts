import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../../src/core/errors.js';
import { appendTextNoFollow, writeJsonAtomic, writeTextAtomic } from '../../src/core/files/atomic.js';
import { acquireLock } from '../../src/core/files/lock.js';
import { checkWritePath, directoryScope, ensureDirectory } from '../../src/core/files/safe-path.js';
import { tempDir } from '../support/cli.js';

/** A project root and, beside it, a directory standing for "anywhere else on the machine". */
async function tree() {
  const base = await tempDir('faber-safe-');
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

async function refusal(promise: Promise<unknown>): Promise<UnsafePathError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafePathError);
  const unsafe = error as UnsafePathError;
  expect(unsafe.code).toBe('E_ARTIFACT_UNSAFE_PATH');
  expect(unsafe.exitCode).toBe(2);
  expect(unsafe.hint).toBeTruthy();
  return unsafe;
}

const writers = {
  writeTextAtomic: (file: string, root: string) => writeTextAtomic(file, 'NEW\n', { root }),
  writeJsonAtomic: (file: string, root: string) => writeJsonAtomic(file, { a: 1 }, { root }),
  appendTextNoFollow: (file: string, root: string) => appendTextNoFollow(file, 'NEW\n', { root }),
};

describe('the one write path: nothing is written through a link or outside the project', () => {
  for (const [name, write] of Object.entries(writers)) {
    it(`${name}: writes a normal file, creating missing directories, and leaves no temp file`, async () => {
      const t = await tree();
      const file = path.join(t.root, 'a', 'b', 'artifact.json');
      await write(file, t.root);
      await write(file, t.root);
      expect(await readdir(path.dirname(file))).toEqual(['artifact.json']);
    });

    it(`${name}: refuses a link at the path (to a file outside), naming the path`, async () => {
      const t = await tree();
      const file = path.join(t.root, 'artifact.json');
      await symlink(t.victim, file);
      const error = await refusal(write(file, t.root));
      expect(error.message).toContain('artifact.json is a symbolic link');
      expect(error.details).toMatchObject({ path: 'artifact.json', reason: 'symlink', link: t.victim });
      await t.untouched();
      expect((await lstat(file)).isSymbolicLink()).toBe(true);
    });

    it(`${name}: refuses a dangling link at the path and creates nothing at its target`, async () => {
      const t = await tree();
      const file = path.join(t.root, 'artifact.json');
      const target = path.join(t.outside, 'created-by-link.txt');
      await symlink(target, file);
      await refusal(write(file, t.root));
      expect(existsSync(target)).toBe(false);
    });

    it(`${name}: refuses a link to a directory outside as a parent, and writes nothing there`, async () => {
      const t = await tree();
      await mkdir(path.join(t.root, 'deployments'));
      await symlink(t.outside, path.join(t.root, 'deployments', 'test'));
      const error = await refusal(write(path.join(t.root, 'deployments', 'test', 'victim.txt'), t.root));
      expect(error.details).toMatchObject({ at: path.join('deployments', 'test'), reason: 'symlinked-parent' });
      await t.untouched();
      expect(await readdir(t.outside)).toEqual(['victim.txt']);
    });

    it(`${name}: refuses a link to a directory inside the project as a parent too (any link, not only escaping ones)`, async () => {
      const t = await tree();
      await mkdir(path.join(t.root, 'real'));
      await symlink(path.join(t.root, 'real'), path.join(t.root, 'alias'));
      await refusal(write(path.join(t.root, 'alias', 'x.json'), t.root));
      expect(await readdir(path.join(t.root, 'real'))).toEqual([]);
    });

    it(`${name}: refuses a path outside the root, however it is spelled`, async () => {
      const t = await tree();
      for (const file of [t.victim, path.join(t.root, '..', 'outside', 'victim.txt'), path.join(t.root, 'a', '..', '..', 'x.txt')]) {
        const error = await refusal(write(file, t.root));
        expect(error.details).toMatchObject({ reason: 'outside-project' });
      }
      await t.untouched();
    });
  }

  it('mkdir -p never creates a directory through a linked parent (dangling or not)', async () => {
    const t = await tree();
    await symlink(t.outside, path.join(t.root, '.fractary'));
    await refusal(ensureDirectory({ root: t.root }, path.join(t.root, '.fractary', 'plugins', 'faber-cloud')));
    expect(await readdir(t.outside)).toEqual(['victim.txt']);
    await symlink(path.join(t.outside, 'nowhere'), path.join(t.root, 'dangling'));
    await refusal(ensureDirectory({ root: t.root }, path.join(t.root, 'dangling', 'x')));
    expect(existsSync(path.join(t.outside, 'nowhere'))).toBe(false);
  });

  it('refuses a file where a directory belongs, and a directory where a file belongs', async () => {
    const t = await tree();
    await writeFile(path.join(t.root, 'deployments'), 'not a dir');
    expect((await refusal(writeTextAtomic(path.join(t.root, 'deployments', 'x.json'), 'x', { root: t.root }))).details).toMatchObject({ reason: 'not-a-directory', at: 'deployments' });
    await mkdir(path.join(t.root, 'DEPLOYED.md'));
    expect((await refusal(writeTextAtomic(path.join(t.root, 'DEPLOYED.md'), 'x', { root: t.root }))).details).toMatchObject({ reason: 'not-a-regular-file' });
  });

  it('never appends to a FIFO (it would hang) or to a file with other hard links (it would change them too)', async () => {
    const t = await tree();
    const fifo = path.join(t.root, 'history.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(appendTextNoFollow(fifo, 'x\n', { root: t.root }))).details).toMatchObject({ reason: 'not-a-regular-file' });
    const linked = path.join(t.root, 'other.jsonl');
    await link(t.victim, linked);
    expect((await refusal(appendTextNoFollow(linked, 'x\n', { root: t.root }))).details).toMatchObject({ reason: 'hard-link' });
    await t.untouched();
  });

  it('keeps the mode of the file it replaces', async () => {
    const t = await tree();
    const file = path.join(t.root, 'config.json');
    await writeFile(file, '{}');
    await chmod(file, 0o600);
    await writeJsonAtomic(file, { a: 1 }, { root: t.root });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('checkWritePath accepts missing paths and real directories, and the root only as a directory', async () => {
    const t = await tree();
    await checkWritePath({ root: t.root }, path.join(t.root, 'missing', 'file.json'), 'file');
    await checkWritePath({ root: t.root }, t.root, 'directory');
    await refusal(checkWritePath({ root: t.root }, t.root, 'file'));
  });
});

describe('lock paths', () => {
  it('refuses a linked lock directory parent or holder file before taking the lock', async () => {
    const t = await tree();
    await mkdir(path.join(t.root, 'deployments'), { recursive: true });
    await symlink(t.outside, path.join(t.root, 'deployments', 'test'));
    await refusal(acquireLock(path.join(t.root, 'deployments', 'test', '.lock'), 'infra deploy', { root: t.root }));
    expect(await readdir(t.outside)).toEqual(['victim.txt']);

    const envDir = path.join(t.root, 'deployments', 'prod');
    await mkdir(envDir);
    await symlink(t.victim, path.join(envDir, '.lock.json'));
    await refusal(acquireLock(path.join(envDir, '.lock'), 'infra deploy', { root: t.root }));
    expect(existsSync(path.join(envDir, '.lock'))).toBe(false);
    await t.untouched();
  });
});

describe('directoryScope (the terraform directory)', () => {
  it('accepts a directory inside the project, existing or not, and one linked to a place inside it', async () => {
    const t = await tree();
    expect((await directoryScope(t.root, './infrastructure/terraform', false, 'terraform directory')).insideProject).toBe(true);
    await mkdir(path.join(t.root, 'infra', 'tf'), { recursive: true });
    await symlink(path.join(t.root, 'infra', 'tf'), path.join(t.root, 'tf'));
    const scope = await directoryScope(t.root, 'tf', false, 'terraform directory');
    expect(scope.root).toBe(path.join(await realpath(t.root), 'infra', 'tf'));
  });

  it('refuses an absolute path outside, a link to outside, and a missing directory below a link to outside', async () => {
    const t = await tree();
    for (const dir of [t.outside, '/etc', '../outside']) {
      expect((await refusal(directoryScope(t.root, dir, false, 'terraform directory'))).details).toMatchObject({ reason: 'outside-project' });
    }
    await symlink(t.outside, path.join(t.root, 'infrastructure'));
    await refusal(directoryScope(t.root, './infrastructure', false, 'terraform directory'));
    const missing = directoryScope(t.root, './infrastructure/terraform', false, 'terraform directory');
    expect((await refusal(missing)).message).toContain(path.join(t.outside, 'terraform'));
  });

  it('allows outside only with the explicit opt-in, and never through a link below it', async () => {
    const t = await tree();
    const scope = await directoryScope(t.root, t.outside, true, 'terraform directory');
    expect(scope.insideProject).toBe(false);
    await writeTextAtomic(path.join(scope.root, 'main.tf'), '# ok\n', scope);
    await refusal(writeTextAtomic(path.join(scope.root, 'victim.txt'), 'x', { root: path.join(t.outside, 'sub') }));
    await symlink(t.victim, path.join(scope.root, 'linked.tf'));
    await refusal(writeTextAtomic(path.join(scope.root, 'linked.tf'), 'x', scope));
    await t.untouched();
  });
});
