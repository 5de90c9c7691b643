import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../support/cli.js';
import { checkEnvelope, parseEnvelope } from '../support/json-contract.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';
import { ALL_COMMANDS, CellTally, commandName, commandsTaking, exampleArgv } from './support/cells.js';

/**
 * Signals mid-command (issue 13 defect 7): every command in the registry × SIGINT and SIGTERM.
 * Commands that run the IaC tool are signalled while it runs (seen from their progress on
 * stderr). The others are signalled twice over: as soon as the CLI listens (bin/faber-cloud
 * sets the process title then), and at their first progress on stderr, once they are under
 * way; a command that ends before it prints any has only the first. Each cell holds when:
 * stdout is exactly one JSON object (E_INTERRUPTED, or the command's normal result), the exit
 * code is the documented one (docs/DECISIONS.md "Signals": 130 for SIGINT, 143 for SIGTERM),
 * every JSON artifact under .fractary parses, no lock is left, a next deploy is not refused,
 * and an interrupted deploy or destroy is in the history as interrupted.
 */

const tally = new CellTally('signals');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const EXIT: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143 };

/** Progress (stderr) that shows the IaC tool is running, for the commands that run it. */
const WHILE_TOOL_RUNS: Record<string, RegExp> = {
  'infra deploy': /applying plan/,
  'infra destroy': /applying plan/,
  'infra preview': /planning/,
  'infra test': /planning/,
  'infra validate': /checking formatting and validating/,
};

/** Commands that record their run in the history. */
const RECORDED = new Set(['infra deploy', 'infra destroy']);

/** The IaC tool sleeps this long per resource, so a signal lands while it applies. */
const SLOW = { TF_VAR_seconds: '8' };
const FAST = { TF_VAR_seconds: '0' };

const withEnv = new Set(commandsTaking('--env'));

function listening(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('faber-cloud');
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the signal went out at the intended point (false: the command ended first). */
  signalled: 'while the tool ran' | 'at start' | 'under way' | 'not sent';
}

/** Run the CLI and send `signal` once `trigger` shows on stderr (or once it listens, without one). */
async function runAndSignal(args: string[], cwd: string, env: NodeJS.ProcessEnv, signal: NodeJS.Signals, trigger: RegExp | undefined, when: Run['signalled']): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled: Run['signalled'] = 'not sent';
  const send = (when: Run['signalled']) => {
    if (signalled !== 'not sent' || child.exitCode !== null) return;
    signalled = when;
    child.kill(signal);
  };
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (trigger?.test(stderr)) send(when);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
  if (!trigger) {
    const deadline = Date.now() + 20_000;
    while (child.exitCode === null && !listening(child.pid as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    send('at start');
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const { code, signal: by } = await exited;
  clearTimeout(timer);
  return { code, signal: by, stdout, stderr, signalled };
}

/** Every JSON and JSON-lines file under .fractary, with the reason it does not parse. */
async function unparsable(root: string): Promise<string[]> {
  const bad: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.json')) {
        try {
          JSON.parse(await readFile(full, 'utf8'));
        } catch (error) {
          bad.push(`${path.relative(root, full)}: ${(error as Error).message}`);
        }
      } else if (entry.name.endsWith('.jsonl')) {
        const lines = (await readFile(full, 'utf8')).split('\n').filter((l) => l.trim());
        lines.forEach((line, i) => {
          try {
            const value = JSON.parse(line);
            if (value === null || typeof value !== 'object' || Array.isArray(value)) bad.push(`${path.relative(root, full)}:${i + 1}: not a record`);
          } catch (error) {
            bad.push(`${path.relative(root, full)}:${i + 1}: ${(error as Error).message}`);
          }
        });
      }
    }
  }
  await walk(path.join(root, '.fractary'));
  return bad;
}

/**
 * Locks left under .fractary: the lock directories (an environment's `.lock`, the `lock` inside
 * the audit, issue-log and grant lock folders, which themselves stay) and their holder records.
 */
async function leftLocks(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (/^\.?lock(\.json)?$/.test(entry.name)) found.push(path.relative(root, full));
      else if (entry.isDirectory()) await walk(full);
    }
  }
  await walk(path.join(root, '.fractary'));
  return found;
}

async function prepare(def: (typeof ALL_COMMANDS)[number]): Promise<{ p: TestProject; cwd: string }> {
  const p = await createProject('interruptible');
  const name = commandName(def);
  if (name === 'infra destroy') {
    const setup = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: SLOW });
    if (setup.code !== 0) throw new Error(`setup deploy failed: ${setup.stdout}${setup.stderr}`);
  }
  // init runs where there is no project yet, as a user runs it first
  return { p, cwd: name === 'init' ? await tempDir('faber-init-') : p.dir };
}

describe('reliability: signals mid-command', () => {
  for (const def of ALL_COMMANDS) {
    const name = commandName(def);
    const timings: { when: Run['signalled']; trigger: RegExp | undefined }[] = WHILE_TOOL_RUNS[name]
      ? [{ when: 'while the tool ran', trigger: WHILE_TOOL_RUNS[name] }]
      : [
          { when: 'at start', trigger: undefined },
          { when: 'under way', trigger: /\S/ },
        ];
    for (const signal of SIGNALS) {
      for (const { when, trigger } of timings) {
        const cell = `${name} × ${signal} × ${when}`;
        it(cell, async () => {
          const { p, cwd } = await prepare(def);
          const args = [...exampleArgv(def, withEnv.has(def) ? { '--env': 'test' } : {}), '--json'];
          const run = await runAndSignal(args, cwd, { ...p.env, ...SLOW }, signal, trigger, when);
          const problems: string[] = [];
          const check = (ok: boolean, what: string) => {
            if (!ok) problems.push(what);
          };

          // the signal reached the command where it should (a tool-running command must be caught running;
          // a command that ends before printing progress was covered by its signal at start)
          const finishedFirst = run.signalled === 'not sent' && when === 'under way';
          check(run.signalled !== 'not sent' || finishedFirst, 'the command ended before the signal could be sent');
          if (when === 'while the tool ran') check(run.signalled === when, `no "${trigger?.source}" progress before the end`);
          if (finishedFirst) check(run.code !== null && run.stdout.trim() !== '', 'ended before progress, with no result');
          check(run.signal === null, `ended by ${run.signal} itself, with no envelope`);

          // exactly one JSON object on stdout, and the documented exit code
          let envelope: any;
          try {
            envelope = JSON.parse(run.stdout);
          } catch {
            envelope = undefined;
          }
          check(envelope !== null && typeof envelope === 'object' && !Array.isArray(envelope), `stdout is not one JSON object: ${run.stdout.slice(0, 300)}`);
          const violation = envelope === undefined ? undefined : await checkEnvelope(envelope, args).then(() => undefined, (e: Error) => e.message);
          check(violation === undefined, `--json contract: ${violation}`);
          const interrupted = envelope?.ok === false && envelope.error?.code === 'E_INTERRUPTED';
          if (interrupted) check(run.code === EXIT[signal], `E_INTERRUPTED with exit ${run.code}, documented ${EXIT[signal]}`);
          else if (envelope?.ok === true) check(run.code === 0 || run.code === 1, `completed with exit ${run.code}`);
          else check(envelope?.error?.code !== 'E_INTERNAL' && [1, 2, 3, 4].includes(run.code ?? -1), `ended with ${envelope?.error?.code} and exit ${run.code}`);
          // a deploy or destroy is signalled well inside its apply (the tool sleeps): it must stop
          if (RECORDED.has(name)) check(interrupted, `signalled while the tool applied, but not interrupted: ${envelope?.error?.code ?? 'ok'}`);
          check(!/\n\s+at \S+ \(|uncaught/i.test(run.stderr), 'a stack trace or uncaught error on stderr');

          // every artifact parses, no lock is left behind
          const root = name === 'init' ? cwd : p.dir;
          const bad = await unparsable(root);
          check(bad.length === 0, `artifacts do not parse: ${bad.join('; ')}`);
          const locks = await leftLocks(root);
          check(locks.length === 0, `locks left: ${locks.join(', ')}`);

          // an interrupted deploy or destroy is in the history as such
          if (RECORDED.has(name) && interrupted) {
            const last = (await historyLines(p)).at(-1);
            check(last?.outcome === 'interrupted' && last.operation === name.split(' ')[1], `history ends with ${JSON.stringify(last)}`);
            check(!existsSync(p.artifact('test', '.running.json')), '.running.json left behind');
          }

          // a next deploy is not refused
          const next = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: FAST });
          check(next.code === 0, `the next deploy: exit ${next.code} ${next.json?.error?.code ?? ''} ${next.json?.error?.message ?? ''}`);

          const held = tally.record(cell, problems.length === 0, problems.join(' | ') || `${run.signalled}: ${interrupted ? 'E_INTERRUPTED' : envelope?.ok ? 'completed' : envelope?.error?.code}`);
          expect(problems, `${cell} (${run.signalled})\nstdout: ${run.stdout.slice(0, 500)}\nstderr: ${run.stderr.slice(-1500)}`).toEqual([]);
          expect(held).toBe(true);
        }, 240_000);
      }
    }
  }
});

describe('signals: a second signal', () => {
  it('while the outcome is being recorded does not lose the record (only a third stops the recording)', async () => {
    const p = await createProject('interruptible');
    const child = spawn(process.execPath, [CLI, 'infra', 'deploy', '--env', 'test', '--json'], { cwd: p.dir, env: { ...process.env, ...p.env, ...SLOW, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (sent === 0 && /applying plan/.test(stderr)) {
        sent = 1;
        child.kill('SIGINT');
      }
      if (sent === 1 && /reading state into the registry/.test(stderr)) {
        sent = 2;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(sent).toBe(2);
    expect(code, stderr).toBe(130);
    expect((await parseEnvelope(stdout)).error.code).toBe('E_INTERRUPTED');
    const last = (await historyLines(p)).at(-1);
    expect(last).toMatchObject({ operation: 'deploy', outcome: 'interrupted', error_codes: ['E_INTERRUPTED'] });
    expect(last.error_message).toMatch(/^interrupted by SIGINT/);
    expect(existsSync(p.artifact('test', '.running.json'))).toBe(false);
    expect(await leftLocks(p.dir)).toEqual([]);
    const next = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: FAST });
    expect(next.code, next.stderr).toBe(0);
  }, 120_000);
});
