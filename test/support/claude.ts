// The real `claude` CLI (devDependency) run as a stranger to this machine: HOME and cwd in a
// throwaway directory, nothing of the caller's Claude setup, no telemetry. No API key or
// network is needed for the `plugin` subcommands.
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

export const CLAUDE = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');
export const CLAUDE_TIMEOUT_MS = 120_000;

export interface ClaudeRun {
  code: number;
  stdout: string;
  /** Command, exit status, stdout and stderr interleaved: for assertion messages. */
  output: string;
}

/** Run `claude ...` with HOME (and cwd) in `home`, stdin ignored, and no credentials or telemetry. */
export async function runClaude(home: string, args: string[]): Promise<ClaudeRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the caller's Claude setup may leak in: config dir, keys, plugin root.
    if (/^(ANTHROPIC_|CLAUDE_|CLAUDECODE)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    CI: '1',
    NO_COLOR: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  });
  const result = await execa(CLAUDE, args, { cwd: home, env, extendEnv: false, stdin: 'ignore', all: true, reject: false, timeout: CLAUDE_TIMEOUT_MS });
  const code = typeof result.exitCode === 'number' ? result.exitCode : 1;
  const output = `$ claude ${args.join(' ')}\n[exit ${result.exitCode ?? 'none'}${result.timedOut ? ', timed out' : ''}]\n${result.all ?? ''}`;
  return { code, stdout: result.stdout ?? '', output };
}

/** A throwaway directory under the OS temp dir, removed after `fn` whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
