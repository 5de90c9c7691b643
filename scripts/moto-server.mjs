// Starting a moto server, the one way `npm run demo` and the test setup (test/support/moto.ts) do it.
// moto binds port 0 and reports the port the kernel gave it ("Running on http://127.0.0.1:PORT",
// printed once the socket listens), so there is no pick-a-free-port-then-release race with
// another process. Its output goes to a file, not a pipe: moto logs every request, and a pipe
// nobody drains (the demo blocks in spawnSync while the CLI runs) would stall it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const READY = /Running on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts `binary` (moto_server) on 127.0.0.1. Resolves `{ endpoint, stop, child, logFile }` once
 * moto listens; rejects with a readable Error when the binary cannot be spawned (ENOENT, EACCES),
 * exits early, or does not report its port within `timeoutMs`. `stop()` ends moto and removes
 * its log.
 */
export async function startMoto(binary, { env = process.env, timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'faber-moto-'));
  const logFile = path.join(dir, 'moto.log');
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(binary, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', fd, fd], env });
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
