import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaberError, UnsafePathError } from '../../src/core/errors.js';
import { appendTextNoFollow, writeJsonAtomic, writeTextAtomic } from '../../src/core/files/atomic.js';
import { acquireLock } from '../../src/core/files/lock.js';
import { checkWritePath, checkWritePaths, directoryScope, ensureDirectory, resolveProjectFile } from '../../src/core/files/safe-path.js';
import { victimTree } from '../support/victim-tree.js';

const tree = () => victimTree('faber-safe-');

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

  it('checks files planned in a terraform directory that does not exist yet (the engineer creates it)', async () => {
    const t = await tree();
    const scope = await directoryScope(t.root, './infrastructure/terraform', false, 'terraform directory');
    await expect(checkWritePath(scope, path.join(scope.root, 'main.tf'), 'file')).resolves.toBeUndefined();
    await expect(checkWritePaths(scope, [{ path: path.join(scope.root, 'lambda', 'fn.zip'), kind: 'file' }])).resolves.toBeUndefined();
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

describe('what a refusal tells the user', () => {
  it('each reason has its own message and a hint that names the path to fix', async () => {
    const t = await tree();
    const scope = { root: t.root };
    await symlink(t.victim, path.join(t.root, 'link.json'));
    let e = await refusal(checkWritePath(scope, path.join(t.root, 'link.json'), 'file'));
    expect(e.message).toBe(`link.json is a symbolic link (to ${t.victim}); faber-cloud never writes through a link`);
    expect(e.hint).toBe('remove the link (rm link.json) and let faber-cloud create a real file; a link in a cloned repository must not redirect writes');

    await symlink(t.outside, path.join(t.root, 'dir'));
    e = await refusal(checkWritePath(scope, path.join(t.root, 'dir', 'x.json'), 'file'));
    expect(e.message).toBe(`dir is a symbolic link (to ${t.outside}) above ${path.join('dir', 'x.json')}; faber-cloud never writes through a link`);
    expect(e.hint).toBe('replace the link dir with a real directory (rm dir, then re-run); a link in a cloned repository must not redirect writes');
    expect(e.details).toStrictEqual({ path: path.join('dir', 'x.json'), at: 'dir', reason: 'symlinked-parent', link: t.outside });

    await writeFile(path.join(t.root, 'plain'), 'x');
    e = await refusal(checkWritePath(scope, path.join(t.root, 'plain', 'x.json'), 'file'));
    expect(e.message).toBe(`plain is not a directory, so ${path.join('plain', 'x.json')} cannot be written`);
    expect(e.hint).toBe('move plain aside; faber-cloud keeps a directory there');
    expect(e.details).toStrictEqual({ path: path.join('plain', 'x.json'), at: 'plain', reason: 'not-a-directory' });
    e = await refusal(ensureDirectory(scope, path.join(t.root, 'plain')));
    expect(e.details).toMatchObject({ at: 'plain', reason: 'not-a-directory' });

    await mkdir(path.join(t.root, 'adir'));
    e = await refusal(checkWritePath(scope, path.join(t.root, 'adir'), 'file'));
    expect(e.message).toBe('adir is not a regular file; faber-cloud will not replace it');
    expect(e.hint).toBe('move adir aside; faber-cloud keeps a regular file there');

    await link(t.victim, path.join(t.root, 'h.jsonl'));
    e = await refusal(checkWritePath(scope, path.join(t.root, 'h.jsonl'), 'append'));
    expect(e.message).toBe('h.jsonl has other hard links; appending to it would change another file too');
    expect(e.hint).toBe('replace h.jsonl with a copy of itself (cp h.jsonl x && mv x h.jsonl)');

    e = await refusal(checkWritePath(scope, t.victim, 'file'));
    expect(e.message).toBe(`${t.victim} is outside the project root ${t.root}; faber-cloud writes only inside the project`);
    expect(e.hint).toContain('handlers.iac.terraform.allow_outside_project');
    e = await refusal(checkWritePath(scope, t.root, 'file'));
    expect(e.details).toStrictEqual({ path: '.', at: '.', reason: 'outside-project' });
    await t.untouched();
  });

  it('paths are shown as the scope names its root (the terraform directory as configured)', async () => {
    const t = await tree();
    await mkdir(path.join(t.root, 'infra'));
    await symlink(t.victim, path.join(t.root, 'infra', 'main.tf'));
    const e = await refusal(checkWritePath({ root: path.join(t.root, 'infra'), shownAs: 'infra' }, path.join(t.root, 'infra', 'main.tf'), 'file'));
    expect(e.details).toMatchObject({ path: path.join('infra', 'main.tf'), at: path.join('infra', 'main.tf') });
    expect(e.message.startsWith(`${path.join('infra', 'main.tf')} is a symbolic link`)).toBe(true);
  });

  it('a relative path is taken relative to the root, and a sibling whose name starts with ".." is inside', async () => {
    const t = await tree();
    await checkWritePath({ root: t.root }, '..notes/x.json', 'file');
    await symlink(t.victim, path.join(t.root, 'rel.json'));
    expect((await refusal(checkWritePath({ root: t.root }, 'rel.json', 'file'))).details).toMatchObject({ reason: 'symlink' });
    expect((await refusal(checkWritePath({ root: t.root }, '..', 'directory'))).details).toMatchObject({ reason: 'outside-project' });
  });

  it('a path that cannot be examined is an error, never taken for a missing one', async () => {
    const t = await tree();
    const error = await checkWritePath({ root: t.root }, path.join(t.root, 'x'.repeat(300), 'a.json'), 'file').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENAMETOOLONG');
  });

  it('replacing a hard-linked file is fine (rename gives it a new inode); only appending is refused', async () => {
    const t = await tree();
    const linked = path.join(t.root, 'state.json');
    await link(t.victim, linked);
    await writeTextAtomic(linked, 'NEW\n', { root: t.root });
    expect(await readFile(linked, 'utf8')).toBe('NEW\n');
    await t.untouched();
  });

  it('checkWritePaths refuses the whole plan before anything is written when any one write is unsafe', async () => {
    const t = await tree();
    await symlink(t.outside, path.join(t.root, 'linked'));
    const plan = [
      { path: path.join(t.root, 'ok', 'a.json'), kind: 'file' as const },
      { path: path.join(t.root, 'linked', 'b.json'), kind: 'file' as const },
    ];
    expect((await refusal(checkWritePaths({ root: t.root }, plan))).details).toMatchObject({ at: 'linked' });
    expect(await readdir(t.root)).toEqual(['linked']);
    await checkWritePaths({ root: t.root }, [plan[0]!]);
  });
});

describe('directoryScope, more shapes', () => {
  it('shows the directory as configured, and the project root as "."', async () => {
    const t = await tree();
    expect((await directoryScope(t.root, path.join(t.root, 'infra', 'tf'), false, 'terraform directory')).shownAs).toBe(path.join('infra', 'tf'));
    const here = await directoryScope(t.root, '.', false, 'terraform directory');
    expect(here.shownAs).toBe('.');
    expect(here.root).toBe(await realpath(t.root));
  });

  it('create() makes a missing directory inside the project (through no link), and one outside only with the opt-in', async () => {
    const t = await tree();
    const inside = await directoryScope(t.root, 'infrastructure/terraform', false, 'terraform directory');
    await inside.create();
    expect((await stat(path.join(t.root, 'infrastructure', 'terraform'))).isDirectory()).toBe(true);
    const away = await directoryScope(t.root, path.join(t.outside, 'tf', 'prod'), true, 'terraform directory');
    expect(away.insideProject).toBe(false);
    await away.create();
    expect((await stat(path.join(t.outside, 'tf', 'prod'))).isDirectory()).toBe(true);
  });

  it('a missing directory below a file is placed there and refused when created; a link loop is an error, not "missing"', async () => {
    const t = await tree();
    await writeFile(path.join(t.root, 'infra'), 'a file');
    const scope = await directoryScope(t.root, 'infra/tf', false, 'terraform directory');
    expect(scope.root).toBe(path.join(await realpath(t.root), 'infra', 'tf'));
    expect((await refusal(scope.create())).details).toMatchObject({ reason: 'not-a-directory' });
    await symlink(path.join(t.root, 'loop'), path.join(t.root, 'loop'));
    const loop = await directoryScope(t.root, 'loop/tf', false, 'terraform directory').catch((e: unknown) => e);
    expect((loop as NodeJS.ErrnoException).code).toBe('ELOOP');
  });

  it('the outside refusal names the setting that allows it', async () => {
    const t = await tree();
    const e = await refusal(directoryScope(t.root, '../outside', false, 'terraform directory'));
    expect(e.message).toBe(`terraform directory ../outside resolves to ${await realpath(t.outside)}, outside the project root ${await realpath(t.root)}`);
    expect(e.hint).toContain('allow_outside_project: true');
    expect(e.details).toStrictEqual({ path: '../outside', resolved: await realpath(t.outside), reason: 'outside-project' });
  });
});

describe('resolveProjectFile: a file the config names for a tool to read', () => {
  let outside = '';
  async function project() {
    const t = await victimTree('faber-resolve-');
    const root = await realpath(t.root);
    outside = await realpath(t.outside);
    await mkdir(path.join(root, 'tf', 'backend'), { recursive: true });
    await writeFile(path.join(root, 'tf', 'backend', 'test.hcl'), 'key = "test"\n');
    return root;
  }

  async function failure(promise: Promise<unknown>) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FaberError);
    return error as FaberError;
  }

  it('gives the real path of a file inside the project, relative to the base, links inside followed', async () => {
    const root = await project();
    const base = path.join(root, 'tf');
    expect(await resolveProjectFile(root, base, 'backend/test.hcl', 'backend config')).toBe(path.join(root, 'tf', 'backend', 'test.hcl'));
    await symlink(path.join(root, 'tf', 'backend', 'test.hcl'), path.join(root, 'tf', 'current.hcl'));
    expect(await resolveProjectFile(root, base, 'current.hcl', 'backend config')).toBe(path.join(root, 'tf', 'backend', 'test.hcl'));
  });

  it('a missing file (or one under a file) is E_CONFIG_FILE_MISSING, exit 2, naming it and where it was looked for', async () => {
    const root = await project();
    for (const file of ['backend/prod.hcl', 'backend/test.hcl/inner']) {
      const error = await failure(resolveProjectFile(root, path.join(root, 'tf'), file, 'backend config'));
      expect(error.code).toBe('E_CONFIG_FILE_MISSING');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`backend config ${file} does not exist (looked for ${path.join('tf', file)})`);
      expect(error.hint).toContain('relative to the terraform directory');
      expect(error.details).toEqual({ path: file });
    }
  });

  it('a link out of the project, or the project root itself, is E_ARTIFACT_UNSAFE_PATH naming where it resolves', async () => {
    const root = await project();
    await writeFile(path.join(outside, 'secret.hcl'), 'key = "x"\n');
    await symlink(path.join(outside, 'secret.hcl'), path.join(root, 'tf', 'escape.hcl'));
    const escape = await failure(resolveProjectFile(root, path.join(root, 'tf'), 'escape.hcl', 'backend config'));
    expect(escape).toBeInstanceOf(UnsafePathError);
    expect(escape.message).toBe(`backend config escape.hcl resolves to ${path.join(outside, 'secret.hcl')}, outside the project root ${root}`);
    expect(escape.hint).toContain('inside the project');
    expect(escape.details).toEqual({ path: 'escape.hcl', resolved: path.join(outside, 'secret.hcl'), reason: 'outside-project' });
    const itself = await failure(resolveProjectFile(root, path.join(root, 'tf'), '..', 'backend config'));
    expect(itself).toBeInstanceOf(UnsafePathError);
    expect(itself.details).toMatchObject({ resolved: root, reason: 'outside-project' });
  });

  it('a directory is not a file: E_CONFIG_FILE_MISSING with its own message', async () => {
    const root = await project();
    const error = await failure(resolveProjectFile(root, path.join(root, 'tf'), 'backend', 'backend config'));
    expect(error.code).toBe('E_CONFIG_FILE_MISSING');
    expect(error.message).toBe('backend config backend is not a regular file');
    expect(error.hint).toContain('HCL file');
    expect(error.details).toEqual({ path: 'backend' });
  });

  it('any other failure to resolve (a link loop) is passed on, not reported as a missing file', async () => {
    const root = await project();
    await symlink(path.join(root, 'tf', 'loop-b.hcl'), path.join(root, 'tf', 'loop-a.hcl'));
    await symlink(path.join(root, 'tf', 'loop-a.hcl'), path.join(root, 'tf', 'loop-b.hcl'));
    const error = await resolveProjectFile(root, path.join(root, 'tf'), 'loop-a.hcl', 'backend config').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(FaberError);
    expect((error as NodeJS.ErrnoException).code).toBe('ELOOP');
  });
});
