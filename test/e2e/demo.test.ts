import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

/** `npm run demo` as a new user runs it: real moto, real OpenTofu, real aws provider. */
describe('npm run demo', () => {
  it('deploys the sample project to moto and prints the registry', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.mjs')], { cwd: REPO_ROOT, timeout: 600_000, maxBuffer: 32 << 20 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const registryFile = /^registry\s+(\/\S+registry\.json)$/m.exec(run.stdout)?.[1];
    expect(registryFile, run.stdout).toBeDefined();
    const registry = JSON.parse(await readFile(registryFile!, 'utf8'));
    expect(registry.resources.map((r: any) => r.type).sort()).toEqual([
      'aws_cloudwatch_log_group',
      'aws_dynamodb_table',
      'aws_iam_role',
      'aws_s3_bucket',
      'aws_sns_topic',
    ]);
    for (const r of registry.resources) {
      expect(r.arn, r.address).toMatch(/^arn:aws:/);
      expect(r.console_url, r.address).toMatch(/^https:\/\/([a-z0-9-]+\.)*console\.aws\.amazon\.com\//);
      // (moto drops the tags sent inside CreateBucket; see test/integration/infra-aws.test.ts)
      if (r.type !== 'aws_s3_bucket') expect(r.tags, r.address).toMatchObject({ Project: 'demo', Environment: 'test' });
    }
    // the printed table lists every resource
    for (const r of registry.resources) expect(run.stdout).toContain(r.address);
    const deployed = await readFile(path.join(path.dirname(registryFile!), 'DEPLOYED.md'), 'utf8');
    expect(deployed).toContain('demo-core-test-uploads');
  }, 600_000);
});
