import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { dependencyState } from '../../scripts/ensure-deps.mjs';
import { REPO_ROOT, tempDir } from '../support/cli.js';

// `npm test`'s pretest step (scripts/ensure-deps.mjs): npm ci when node_modules is missing or
// differs from package-lock.json, nothing at all when it matches.
const run = promisify(execFile);

const wanted = {
  name: 'stand-in',
  lockfileVersion: 3,
  packages: {
    '': { name: 'stand-in', devDependencies: { vitest: '3.2.7' } },
    'node_modules/vitest': { version: '3.2.7', integrity: 'sha512-v', dev: true },
    'node_modules/@esbuild/linux-x64': { version: '0.28.2', integrity: 'sha512-l', dev: true, optional: true },
    'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', integrity: 'sha512-d', dev: true, optional: true },
  },
};
// What npm ci on Linux records: the other platform's optional binary is not installed.
const installedHere = {
  name: 'stand-in',
  lockfileVersion: 3,
  packages: {
    'node_modules/vitest': { version: '3.2.7', integrity: 'sha512-v', dev: true },
    'node_modules/@esbuild/linux-x64': { version: '0.28.2', integrity: 'sha512-l', dev: true, optional: true },
  },
};

let dir: string;
const writeJson = async (file: string, value: unknown) => {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), JSON.stringify(value));
};

beforeEach(async () => {
  dir = await tempDir('faber-ensure-deps-');
  await writeJson('package-lock.json', wanted);
});

describe('dependencyState', () => {
  it('is current when every package of package-lock.json is installed as locked (optional ones for other platforms aside)', async () => {
    await writeJson('node_modules/.package-lock.json', installedHere);
    expect(dependencyState(dir)).toEqual({ current: true });
  });

  it('wants an install when node_modules is missing', () => {
    expect(dependencyState(dir)).toEqual({ current: false, reason: 'node_modules is missing' });
  });

  it('wants an install when package-lock.json moved a package to another version', async () => {
    await writeJson('node_modules/.package-lock.json', installedHere);
    await writeJson('package-lock.json', { ...wanted, packages: { ...wanted.packages, 'node_modules/vitest': { version: '3.3.0', integrity: 'sha512-w', dev: true } } });
    expect(dependencyState(dir)).toEqual({ current: false, reason: 'vitest 3.2.7 is installed, package-lock.json wants 3.3.0' });
  });

  it('wants an install when the same version has another integrity (a re-published or substituted package)', async () => {
    await writeJson('node_modules/.package-lock.json', installedHere);
    await writeJson('package-lock.json', { ...wanted, packages: { ...wanted.packages, 'node_modules/vitest': { version: '3.2.7', integrity: 'sha512-other', dev: true } } });
    expect(dependencyState(dir).current).toBe(false);
  });

  it('wants an install when package-lock.json gained a package', async () => {
    await writeJson('node_modules/.package-lock.json', installedHere);
    await writeJson('package-lock.json', { ...wanted, packages: { ...wanted.packages, 'node_modules/fflate': { version: '0.8.3', integrity: 'sha512-f' } } });
    expect(dependencyState(dir)).toEqual({ current: false, reason: 'fflate is not installed' });
  });

  it('wants an install when the record of the last install is unreadable', async () => {
    await mkdir(path.join(dir, 'node_modules'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', '.package-lock.json'), '{"name": "stand-in", "pack');
    expect(dependencyState(dir)).toEqual({ current: false, reason: 'node_modules/.package-lock.json is unreadable' });
  });

  it('this checkout is current: the fast path', () => {
    expect(dependencyState(REPO_ROOT)).toEqual({ current: true });
  });
});

describe('the pretest script', () => {
  // A copy of the script in a stand-in checkout, with a stand-in npm that records its arguments.
  async function standIn(): Promise<{ script: string; env: NodeJS.ProcessEnv; npmLog: string }> {
    await mkdir(path.join(dir, 'scripts'));
    const script = path.join(dir, 'scripts', 'ensure-deps.mjs');
    await copyFile(path.join(REPO_ROOT, 'scripts', 'ensure-deps.mjs'), script);
    const npmLog = path.join(dir, 'npm.log');
    const fakeNpm = path.join(dir, 'fake-npm.mjs');
    await writeFile(fakeNpm, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(npmLog)}, JSON.stringify({ cwd: process.cwd(), args: process.argv.slice(2) }) + '\\n');\n`);
    return { script, env: { ...process.env, npm_execpath: fakeNpm }, npmLog };
  }
  const npmCalls = async (log: string) => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('on a fresh clone runs npm ci once, in the checkout, after one line saying why', async () => {
    const { script, env, npmLog } = await standIn();
    const { stdout } = await run(process.execPath, [script], { cwd: dir, env });
    expect(stdout).toBe('node_modules is missing: installing the development dependencies (npm ci, about 20 s)\n');
    expect(await npmCalls(npmLog)).toEqual([{ cwd: dir, args: ['ci', '--no-audit', '--no-fund', '--loglevel=error'] }]);
  });

  it('prints nothing and runs no npm when node_modules is current', async () => {
    const { script, env, npmLog } = await standIn();
    await writeJson('node_modules/.package-lock.json', installedHere);
    const { stdout, stderr } = await run(process.execPath, [script], { cwd: dir, env });
    expect(stdout + stderr).toBe('');
    expect(await npmCalls(npmLog)).toEqual([]);
  });

  it('never reinstalls into a node_modules that links to another checkout', async () => {
    const { script, env, npmLog } = await standIn();
    const other = await tempDir('faber-ensure-deps-other-');
    await mkdir(path.join(other, 'node_modules'));
    await writeFile(path.join(other, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: {} }));
    await symlink(path.join(other, 'node_modules'), path.join(dir, 'node_modules'));
    const { stderr } = await run(process.execPath, [script], { cwd: dir, env });
    expect(stderr).toContain('node_modules is a link to another checkout');
    expect(await npmCalls(npmLog)).toEqual([]);
  });
});
