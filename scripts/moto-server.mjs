// Starting a moto server, the one way `npm run demo` and the test setup (test/support/moto.ts) do it.
// moto binds port 0 and reports the port the kernel gave it ("Running on http://127.0.0.1:PORT",
// printed once the socket listens), so there is no pick-a-free-port-then-release race with
// another process. Its output goes to a file, not a pipe: moto logs every request, and a pipe
// nobody drains (the demo blocks in spawnSync while the CLI runs) would stall it.
//
// By default moto runs under scripts/moto-scoped-server.py, which makes its IAM enforcement
// evaluate each call against the resource ARN AWS would (moto alone uses `*` for most services),
// so scoped grants behave as on AWS (docs/TEST-ENVIRONMENT.md, docs/DECISIONS.md).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCOPED_LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'moto-scoped-server.py');

/**
 * The python that runs moto for a test-tools manifest: `moto_python` as scripts/setup-test-tools
 * records it; for a manifest written before it did, the pip venv's python or the interpreter
 * moto_server's `#!` line names, else `python3` (the launcher then checks moto's version).
 */
export function motoPython(tools) {
  if (tools.moto_python) return tools.moto_python;
  if (tools.moto_origin === 'pip') return path.join(path.dirname(tools.moto_server), 'python');
  let first = '';
  try {
    first = readFileSync(tools.moto_server, 'utf8').slice(0, 300).split('\n')[0];
  } catch {
    // unreadable: python3 below, and the launcher fails loudly if it has no moto
  }
  return /^#!\s*(\S*python[\d.]*)\s*$/.exec(first)?.[1] ?? 'python3';
}

/**
 * The command (program, then arguments) that runs moto for a manifest: the scoped launcher
 * under moto's python, or with `scoped: false` moto_server as moto ships it.
 */
export function motoCommand(tools, { scoped = true } = {}) {
  return scoped ? [motoPython(tools), SCOPED_LAUNCHER] : [tools.moto_server];
}

const READY = /Running on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts moto on 127.0.0.1: `command` is a moto_server binary, or a program and its arguments
 * (motoCommand). Resolves `{ endpoint, stop, child, logFile }` once moto listens; rejects with a
 * readable Error when the program cannot be spawned (ENOENT, EACCES), exits early, or does not
 * report its port within `timeoutMs`. `stop()` ends moto and removes its log. `version`: the
 * moto version the scoped launcher must find (a wrong python fails its start).
 */
export async function startMoto(command, { env = process.env, timeoutMs = 60_000, version } = {}) {
  const [program, ...args] = [command].flat();
  const binary = [program, ...args.map((a) => path.basename(a))].join(' ');
  const dir = mkdtempSync(path.join(tmpdir(), 'faber-moto-'));
  const logFile = path.join(dir, 'moto.log');
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(program, [...args, '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', fd, fd], env: version ? { ...env, FABER_MOTO_VERSION: version } : env });
  } finally {
    closeSync(fd);
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const said = () => {
    const text = readFileSync(logFile, 'utf8').trim().slice(-2000);
    return text ? `; it said:\n${text}` : '';
  };
  let problem;
  child.on('error', (error) => {
    problem = `cannot start moto (${binary}): ${{ ENOENT: 'no such file', EACCES: 'not executable' }[error.code] ?? error.message}`;
  });
  child.on('exit', (code, signal) => {
    problem ??= `moto (${binary}) exited (${signal ?? `code ${code}`}) before it was ready`;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const endpoint = READY.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (endpoint && !problem) return { endpoint, stop, child, logFile };
    if (problem || Date.now() > deadline) {
      const message = (problem ?? `moto (${binary}) did not report its port within ${timeoutMs / 1000} s`) + said();
      if (alive()) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(message);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
