// `npm test`'s pretest step: installs the development dependencies (`npm ci`) when node_modules
// is missing or does not match package-lock.json, so a fresh clone needs no separate install
// step, and does nothing (and prints nothing) when they match. Uses no dependency: it runs
// before there are any.
//
// "Match" is judged the way npm records an install: npm writes node_modules/.package-lock.json
// (the hidden lockfile) listing what it installed; every package package-lock.json lists must
// be there with the same version and integrity. Optional packages may be absent (the
// platform binaries of esbuild, rollup and others for other systems are never installed).
// Contents, not mtimes: a checkout touches package-lock.json without changing it.
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/**
 * `{ current: true }`, or `{ current: false, reason }` saying what is missing or different.
 * Throws when package-lock.json itself is absent or unreadable (npm ci could not help).
 */
export function dependencyState(dir = root) {
  const wanted = readJson(path.join(dir, 'package-lock.json'));
  if (!wanted?.packages) throw new Error(`${path.join(dir, 'package-lock.json')} is missing or not a lockfile`);
  const installed = readJson(path.join(dir, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return { current: false, reason: 'node_modules is missing' };
  if (!installed?.packages) return { current: false, reason: 'node_modules/.package-lock.json is unreadable' };
  for (const [key, want] of Object.entries(wanted.packages)) {
    if (key === '' || !key.startsWith('node_modules/')) continue;
    const have = installed.packages[key];
    if (!have) {
      if (want.optional) continue;
      return { current: false, reason: `${key.slice('node_modules/'.length)} is not installed` };
    }
    if (have.version !== want.version || (want.integrity && have.integrity !== want.integrity)) {
      const name = key.slice('node_modules/'.length);
      return { current: false, reason: `${name} ${have.version} is installed, package-lock.json wants ${want.version}` };
    }
  }
  return { current: true };
}

function isLink(file) {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function main() {
  const state = dependencyState();
  if (state.current) return 0;
  if (isLink(path.join(root, 'node_modules'))) {
    // A worktree sharing another checkout's node_modules: npm ci would replace theirs.
    process.stderr.write(`${state.reason}, but node_modules is a link to another checkout's; not reinstalling into it\n`);
    return 0;
  }
  process.stdout.write(`${state.reason}: installing the development dependencies (npm ci, about 20 s)\n`);
  // Under npm, npm_execpath is the npm that runs this script; use the same one.
  const npm = process.env.npm_execpath;
  const [command, args] = npm && /\.[cm]?js$/.test(npm) ? [process.execPath, [npm]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && !npm });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
