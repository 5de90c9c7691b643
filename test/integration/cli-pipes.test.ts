import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../support/cli.js';

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
});
