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

  it('answers questions and error reports with a read, build requests with a design, and asks for a remediation target', async () => {
    const p = await createProject('bucket-taken');
    const ask = async (request: string) => {
      const run = await p.cli(['director', request, '--json']);
      expect(run.code, `${request}\n${run.stdout}${run.stderr}`).toBe(0);
      expect(run.json.ok).toBe(true);
      return run.json.data;
    };

    // Issue 15: both of these routed to `infra deploy --env prod`.
    expect(await ask('what happens in prod if I apply?')).toMatchObject({ kind: 'route', operation: 'preview', argv: ['infra', 'preview', '--env', 'prod'], needs_confirmation: false });
    expect(await ask('got an access denied error deploying to prod')).toMatchObject({ kind: 'route', operation: 'debug', argv: ['infra', 'debug', '--env', 'prod'] });
    // A small grid through the CLI: no question or error report reaches a mutation, in any line offered.
    const mutating = new Set(['deploy', 'destroy', 'remediate']);
    for (const template of ['should I %s prod?', '%s test?', 'can you explain what happens when I %s prod', 'tried to %s test and got AccessDenied']) {
      for (const verb of ['deploy to', 'tear down', 'restart the api in']) {
        const data = await ask(template.replace('%s', verb));
        const lines = data.kind === 'route' ? [data, ...data.alternatives] : (data.options ?? []);
        expect(lines.map((line: any) => line.operation).filter((op: string) => mutating.has(op)), JSON.stringify(data)).toEqual([]);
      }
    }

    // A build request becomes a design, and the command line it gives runs as given.
    const build = await ask('set up a bucket for avatars');
    expect(build).toMatchObject({ kind: 'route', operation: 'architect', argv: ['infra', 'architect', '--feature', 'bucket for avatars'] });
    const designed = await p.cli([...build.argv, '--json']);
    expect(designed.code, designed.stdout + designed.stderr).toBe(0);
    expect(designed.json.data).toMatchObject({ slug: 'bucket-for-avatars', resources: [{ kind: 's3_bucket', matched: ['bucket'] }] });
    expect(await ask('we need a table for shopping carts')).toMatchObject({ operation: 'architect', args: { feature: 'table for shopping carts' } });

    // A remediation route names its target and the action's value...
    expect(await ask('scale the api service in test to 3')).toMatchObject({
      kind: 'route',
      argv: ['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--service', 'api', '--count', '3'],
    });
    // ...or it is a question listing what is missing; the incomplete line is exactly what the CLI refuses.
    const target = await ask('restart the service in prod');
    expect(target.kind).toBe('question');
    expect(target.question).toMatch(/Which resource/);
    expect(target.options[0]).toMatchObject({ operation: 'remediate', missing: ['target'] });
    const incomplete = await p.cli([...target.options[0].argv, '--json']);
    expect(incomplete.code).toBe(2);
    expect(incomplete.json.error.message).toMatch(/--target/);
    const count = await ask('scale up the worker service in test');
    expect(count.options[0]).toMatchObject({ operation: 'remediate', missing: ['count'] });

    // The human form says what is missing too.
    const human = await p.cli(['director', 'restart the service in prod']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Which resource[\s\S]*needs target/);
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
