import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { createProject } from '../support/project.js';

/** `faber-cloud director` through the built CLI: routing with the project's environments, never executing. */
describe('faber-cloud director', () => {
  it('routes with the configured environments, and marks prod mutations', async () => {
    const p = await createProject('bucket-taken');
    const deploy = await p.cli(['director', 'deploy infrastructure to test', '--json']);
    expect(deploy.code, deploy.stdout).toBe(0);
    expect(deploy.json.data).toMatchObject({ kind: 'route', manager: 'infra-manager', operation: 'deploy', argv: ['infra', 'deploy', '--env', 'test'], needs_confirmation: false });

    const prod = await p.cli(['director', 'ship it to production', '--json']);
    expect(prod.json.data).toMatchObject({ operation: 'deploy', argv: ['infra', 'deploy', '--env', 'prod'], needs_confirmation: true });
    expect(prod.json.data.argv).not.toContain('--confirm');

    const health = await p.cli(['director', 'is prod healthy?', '--json']);
    expect(health.json.data).toMatchObject({ operation: 'check-health', argv: ['ops', 'check-health', '--env', 'prod'] });

    const audit = await p.cli(['director', 'audit prod security', '--json']);
    expect(audit.json.data).toMatchObject({ operation: 'audit', argv: ['ops', 'audit', '--env', 'prod', '--type', 'security'], needs_confirmation: false });

    const question = await p.cli(['director', 'deploy', '--json']);
    expect(question.json.data.kind).toBe('question');
    expect(question.json.data.options.map((o: any) => o.argv)).toEqual(expect.arrayContaining([['infra', 'deploy', '--env', 'test']]));

    // Nothing was run: no deployment artifacts appeared.
    const history = await p.cli(['infra', 'history', '--env', 'test', '--json']);
    expect(history.json.data.entries).toEqual([]);
  });

  it('answers an unknown request with what it can do (exit 1), also outside a project', async () => {
    const run = await runCli(['director', 'make me a sandwich', '--json'], { cwd: await tempDir() });
    expect(run.code).toBe(1);
    expect(run.json.ok).toBe(true);
    expect(run.json.data.kind).toBe('unknown');
    expect(run.json.data.capabilities.map((c: any) => c.operation)).toContain('deploy');
    const human = await runCli(['director', 'deploy to test'], { cwd: await tempDir() });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('faber-cloud infra deploy --env test');
  });
});
