import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../support/cli.js';
import { parseEnvelope } from '../support/json-contract.js';

describe('CLI output to a pipe', () => {
  it('stops quietly when the reader goes away (faber-cloud ... | head -1)', async () => {
    // A registry big enough that its table overflows the pipe buffer many times over.
    const dir = await tempDir();
    expect((await runCli(['init', '--project', 'pipe', '--json'], { cwd: dir })).code).toBe(0);
    const now = new Date().toISOString();
    const resources = Array.from({ length: 3000 }, (_, i) => ({
      address: `aws_sqs_queue.q[${i}]`, type: 'aws_sqs_queue', name: 'q', id: `https://sqs.us-east-1.amazonaws.com/123456789012/q-${i}`,
      arn: `arn:aws:sqs:us-east-1:123456789012:q-${i}`, region: 'us-east-1', console_url: `https://console.aws.amazon.com/sqs/q-${i}`,
      tags: {}, created_at: now, updated_at: now, deployment_id: null, fingerprint: 'x',
    }));
    const envDir = path.join(dir, '.fractary', 'plugins', 'faber-cloud', 'deployments', 'test');
    await mkdir(envDir, { recursive: true });
    await writeFile(path.join(envDir, 'registry.json'), JSON.stringify({ schema_version: 1, env: 'test', project: 'pipe', account: null, region: 'us-east-1', updated_at: now, resources }));

    const child = spawn(process.execPath, [CLI, 'infra', 'show-resources', '--env', 'test'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read one chunk, then close our end as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
  it('a signal while a finished command\'s result still drains into the pipe does not truncate it', async () => {
    // Two helpers saw a stopped CLI end with exit 0 and a stdout that was not JSON: the command
    // had finished, its envelope was larger than the pipe buffer, and the signal's exit cut it off.
    const dir = await tempDir();
    const log = path.join(dir, 'apply.log');
    const denial = (i: number) => `Error: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::bucket-${i}/key because no identity-based policy allows the s3:PutObject action`;
    await writeFile(log, Array.from({ length: 1500 }, (_, i) => denial(i)).join('\n'));
    const argv = ['permissions', 'parse-error', '--file', log, '--json'];
    const child = spawn(process.execPath, [CLI, ...argv], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    let stdout = '';
    // Take the first chunk and stop reading: the rest of the envelope waits in the CLI.
    await new Promise<void>((resolve) => child.stdout.once('data', (c: Buffer) => {
      stdout += c.toString();
      child.stdout.pause();
      resolve();
    }));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stdout.resume();
    const { code, signal } = await closed;
    expect(stdout.length).toBeGreaterThan(64 * 1024);
    const json = await parseEnvelope(stdout, argv);
    expect(json.ok).toBe(true);
    expect(json.data.denials).toHaveLength(1500);
    // The command finished before the signal: its own exit code stands.
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
