import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildInputsHash, distDir, distIsFresh, ensureFreshDist, readStamp } from '../../scripts/dist-stamp.mjs';
import { REPO_ROOT, tempDir } from '../support/cli.js';

// The integration setup's "is plugin/dist/ built from this src/?" check (scripts/dist-stamp.mjs), on a
// small stand-in checkout whose "build" writes the stamp the way scripts/build.mjs does and
// logs each run, so the tests can count builds.
const STAMP_MODULE = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'dist-stamp.mjs')).href;

const FAKE_BUILD = `
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { buildInputsHash, stampText } from ${JSON.stringify(STAMP_MODULE)};
const hash = await buildInputsHash(process.cwd());
if (process.env.FAKE_BUILD_FAIL) process.exit(3);
// Long enough for the other processes to queue on the lock.
if (process.env.FAKE_BUILD_SLOW) await new Promise((r) => setTimeout(r, 500));
await mkdir('plugin/dist', { recursive: true });
await writeFile('plugin/dist/build-inputs.sha256', stampText(hash));
await appendFile('builds.log', process.pid + '\\n');
`;

const ENSURE = `
import { ensureFreshDist } from ${JSON.stringify(STAMP_MODULE)};
const built = await ensureFreshDist(process.cwd(), { command: [process.execPath, 'fake-build.mjs'], log: () => {} });
process.stdout.write(String(built));
`;

const lock = (runtimeZod: string, devVitest: string, esbuild = '0.28.2') => ({
  name: 'stand-in',
  lockfileVersion: 3,
  packages: {
    '': { name: 'stand-in', version: '1.0.0' },
    'node_modules/zod': { version: runtimeZod, integrity: `sha512-zod${runtimeZod}` },
    'node_modules/vitest': { version: devVitest, dev: true },
    'node_modules/esbuild': { version: esbuild, dev: true },
  },
});

let root: string;
const write = async (file: string, text: string) => {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
};
const builds = async () => (await readFile(path.join(root, 'builds.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
const ensure = () => ensureFreshDist(root, { command: [process.execPath, 'fake-build.mjs'], log: () => {} });

beforeEach(async () => {
  root = await tempDir('faber-dist-stamp-');
  await write('src/cli/index.ts', 'export const a = 1;\n');
  await write('src/core/b.ts', 'export const b = 2;\n');
  await write('scripts/build.mjs', '// the build\n');
  await write('tsconfig.json', '{"compilerOptions":{}}\n');
  await write('package.json', JSON.stringify({ name: 'stand-in', version: '1.0.0', scripts: { test: 'vitest' }, dependencies: { zod: '4.0.0' } }));
  await write('package-lock.json', JSON.stringify(lock('4.0.0', '3.0.0')));
  await write('fake-build.mjs', FAKE_BUILD);
  await write('ensure.mjs', ENSURE);
});

describe('dist/ freshness stamp', () => {
  it('builds when dist/ has no stamp, then not again while nothing changed', async () => {
    expect(await distIsFresh(root)).toBe(false);
    expect(await ensure()).toBe(true);
    expect(await readStamp(distDir(root))).toBe(await buildInputsHash(root));
    expect(await ensure()).toBe(false);
    expect(await builds()).toBe(1);
  });

  it.each([
    ['a change in src/', () => write('src/core/b.ts', 'export const b = 3;\n')],
    ['a new file in src/', () => write('src/core/c.ts', '')],
    ['a renamed file in src/', () => rename(path.join(root, 'src/core/b.ts'), path.join(root, 'src/core/b2.ts'))],
    ['a deleted file in src/', () => rm(path.join(root, 'src/core/b.ts'))],
    ['data the bundle imports from plugin/templates/', () => write('plugin/templates/ops/audit-rules.json', '{"rules":[]}\n')],
    ['the build script', () => write('scripts/build.mjs', '// the build, changed\n')],
    ['tsconfig.json', () => write('tsconfig.json', '{"compilerOptions":{"target":"ES2023"}}\n')],
    ['a runtime dependency in package-lock.json', () => write('package-lock.json', JSON.stringify(lock('4.0.1', '3.0.0')))],
    ['esbuild', () => write('package-lock.json', JSON.stringify(lock('4.0.0', '3.0.0', '0.29.0')))],
    ['the package version (compiled in)', () => write('package.json', JSON.stringify({ name: 'stand-in', version: '1.0.1', scripts: { test: 'vitest' }, dependencies: { zod: '4.0.0' } }))],
  ])('%s makes dist/ stale and the next run rebuilds it', async (_what, change) => {
    await ensure();
    await change();
    expect(await distIsFresh(root)).toBe(false);
    expect(await ensure()).toBe(true);
    expect(await distIsFresh(root)).toBe(true);
    expect(await builds()).toBe(2);
  });

  it.each([
    ['a test-only dev dependency', () => write('package-lock.json', JSON.stringify(lock('4.0.0', '3.1.0')))],
    ['an npm script', () => write('package.json', JSON.stringify({ name: 'stand-in', version: '1.0.0', scripts: { test: 'vitest run' }, dependencies: { zod: '4.0.0' } }))],
    ['a file outside the build inputs', () => write('README.md', 'more words\n')],
  ])('%s leaves dist/ fresh', async (_what, change) => {
    await ensure();
    await change();
    expect(await distIsFresh(root)).toBe(true);
    expect(await ensure()).toBe(false);
    expect(await builds()).toBe(1);
  });

  it('a failed build leaves dist/ stale (no stamp), fails the setup, and frees the lock for the next run', async () => {
    process.env.FAKE_BUILD_FAIL = '1';
    try {
      await expect(ensure()).rejects.toThrow(/fake-build\.mjs failed \(exit 3\)/);
    } finally {
      delete process.env.FAKE_BUILD_FAIL;
    }
    expect(await distIsFresh(root)).toBe(false);
    expect(await ensure()).toBe(true);
  });

  it('four vitest processes starting at once build once', async () => {
    const run = promisify(execFile);
    const results = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['ensure.mjs'], { cwd: root, env: { ...process.env, FAKE_BUILD_SLOW: '1' } })));
    expect(results.map((r) => r.stdout).sort()).toEqual(['false', 'false', 'false', 'true']);
    expect(await builds()).toBe(1);
    expect(await distIsFresh(root)).toBe(true);
  }, 30_000);
});
