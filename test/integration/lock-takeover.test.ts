import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { parseEnvelope } from '../support/json-contract.js';
import { createProject, historyLines, type TestProject } from '../support/project.js';

/**
 * Issue 13 defect 5: a deploy suspended (kill -STOP) past the lock's stale period lost its lock
 * to a second deploy, which recorded it as interrupted; resumed, it crashed with an uncaught
 * ECOMPROMISED and its apply was never recorded. FABER_CLOUD_LOCK_STALE_MS shortens the stale
 * period (30 s in production) so the test does not wait 46 s; a live holder on this host is
 * never stale whatever the period.
 */

const FAST_STALE = { FABER_CLOUD_LOCK_STALE_MS: '3000' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startDeploy(p: TestProject, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, 'infra', 'deploy', '--env', 'test', '--json'], {
    cwd: p.dir,
    env: { ...process.env, ...p.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const applying = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/applying plan/.test(stderr)) resolve();
    });
    child.on('exit', () => reject(new Error(`deploy exited before applying:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, applying, exited, output: () => ({ stdout, stderr }) };
}

describe('the environment lock of a suspended deploy', () => {
  it('is kept past the stale period: a second deploy is refused naming it, and the first finishes and is recorded', async () => {
    const p = await createProject('slow');
    const first = startDeploy(p, FAST_STALE);
    await first.applying;
    first.child.kill('SIGSTOP');
    try {
      await sleep(6000); // twice the stale period without a refresh
      const second = await p.cli(['infra', 'deploy', '--env', 'test', '--json'], { env: FAST_STALE });
      expect(second.code, second.stdout + second.stderr).toBe(3);
      expect(second.json.error.code).toBe('E_LOCKED');
      expect(second.json.error.message).toContain(`pid ${first.child.pid}`);
      expect(second.json.error.message).toContain("running 'infra deploy'");
      // the live run was not recorded as interrupted
      expect(await historyLines(p)).toEqual([]);
    } finally {
      first.child.kill('SIGCONT');
    }
    expect(await first.exited, first.output().stderr).toBe(0);
    const { stdout, stderr } = first.output();
    expect(await parseEnvelope(stdout)).toMatchObject({ ok: true, command: 'infra deploy' });
    expect(stderr).not.toMatch(/ECOMPROMISED|uncaught|at \S+\.js/);
    const history = await historyLines(p);
    expect(history.map((h) => h.outcome)).toEqual(['success']);
    expect(history[0].add).toBe(3);
    expect(existsSync(p.artifact('test', '.running.json'))).toBe(false);
    expect(existsSync(p.artifact('test', '.lock'))).toBe(false);
  });

  it('taken from under a running deploy (another host judged it stale): E_LOCK_COMPROMISED with an envelope, and the apply is still recorded', async () => {
    const p = await createProject('slow');
    const first = startDeploy(p, FAST_STALE);
    await first.applying;
    // what a deploy on another host sharing this directory does with a lock it judges stale
    const lockDir = p.artifact('test', '.lock');
    await rename(lockDir, `${lockDir}.taken`);
    await mkdir(lockDir);
    const st = await stat(lockDir, { bigint: true });
    await writeFile(`${lockDir}.json`, JSON.stringify({ pid: 4242, host: 'build-agent-7', command: 'infra deploy', started_at: new Date().toISOString(), lock_id: `${st.ino}:${st.birthtimeNs}` }));

    expect(await first.exited, first.output().stderr).toBe(3);
    const { stdout, stderr } = first.output();
    const envelope = await parseEnvelope(stdout);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'E_LOCK_COMPROMISED' } });
    expect(envelope.error.hint).toMatch(/infra history/);
    expect(stderr).not.toMatch(/ECOMPROMISED|at \S+\.js/);
    // the apply went through and is in the history, with the lost lock among its error codes
    const history = await historyLines(p);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ outcome: 'success', add: 3 });
    expect(history[0].error_codes).toContain('E_LOCK_COMPROMISED');
    expect((await p.state('test')).length).toBe(3);
    // the other host's lock is left alone
    expect(existsSync(lockDir)).toBe(true);
    expect(JSON.parse(await readFile(`${lockDir}.json`, 'utf8'))).toMatchObject({ host: 'build-agent-7' });
  });
});
