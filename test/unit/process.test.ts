import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, runProcess } from '../../src/core/process.js';

describe('runProcess (the one wrapper around external programs)', () => {
  it('returns the exit code and both streams, and hands over every stdout line, the last one unterminated', async () => {
    const lines: string[] = [];
    const result = await runProcess('/bin/sh', ['-c', 'printf "one\\ntwo\\nthree"; echo oops >&2; exit 3'], { onLine: (l) => lines.push(l) });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'one\ntwo\nthree', stderr: 'oops', timedOut: false });
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('gives the child only the environment it is handed', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'echo "${ONLY_THIS-unset} ${HOME-unset}"'], { env: { ONLY_THIS: 'yes' } });
    expect(result.stdout).toBe('yes unset');
  });

  it('stops a child that outlives its time and says so', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'sleep 5'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
  });

  it('never waits for input', async () => {
    const result = await runProcess('/bin/sh', ['-c', 'cat; echo done']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done' });
  });
});

describe('findOnPath', () => {
  it('finds the first executable of that name and skips files that are not executable', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'faber-path-'));
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    await Promise.all([mkdir(a), mkdir(b)]);
    await writeFile(path.join(a, 'tool'), '#!/bin/sh\n');
    await writeFile(path.join(b, 'tool'), '#!/bin/sh\n');
    await chmod(path.join(b, 'tool'), 0o755);
    expect(await findOnPath('tool', { PATH: [a, '', b].join(path.delimiter) })).toBe(path.join(b, 'tool'));
    expect(await findOnPath('missing', { PATH: b })).toBeUndefined();
    expect(await findOnPath('tool', {})).toBeUndefined();
  });
});
