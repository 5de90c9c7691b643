import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEnvelope } from './json-contract.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The plugin as installed (plugin/): its launcher, bundle and templates. */
export const PLUGIN_ROOT = path.join(REPO_ROOT, 'plugin');
export const CLI = path.join(PLUGIN_ROOT, 'bin', 'faber-cloud');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when the call used --json; checked against the --json contract (support/json-contract.ts). */
  json: any;
}

/**
 * Run the built CLI (plugin/bin/faber-cloud -> plugin/dist/) as a user would: stdin closed, after `input` when given.
 * A --json run whose stdout parses is checked against the contract: a violation rejects.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string | Buffer } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Our own timer, not execFile's: the CLI handles SIGTERM itself and may exit with any code,
    // so only this flag tells a run the test stopped from one that finished.
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? 120_000;
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new Error(`faber-cloud ${args.join(' ')}: still running after ${timeoutMs / 1000} s, stopped by the test (pass a longer timeoutMs if the machine is slow)\n${stdout}${stderr}`));
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        if (args.includes('--json')) {
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
        }
        if (json === undefined) resolve({ code, stdout, stderr, json });
        else checkEnvelope(json, args).then(() => resolve({ code, stdout, stderr, json }), reject);
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    // A CLI that stops reading early (an oversized input) closes the pipe: not a test failure.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
  });
}

export async function tempDir(prefix = 'faber-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Path -> content/mtime of every file under dir: compare before/after to prove nothing changed. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out[path.relative(dir, full)] = `${(await stat(full)).mtimeMs}:${await readFile(full, 'utf8')}`;
    }
  }
  await walk(dir);
  return out;
}
