import { readFile } from 'node:fs/promises';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/core/files/lock.js';
import { MOTO_ACCOUNT_ID, resetMoto } from '../support/moto.js';
import { createProject, type TestProject } from '../support/project.js';
import { clients, seedEnvironment, writeRegistry, type Seeded } from '../support/ops-seed.js';
import { opsRemediate } from '../../src/cli/output-schemas/ops-respond.js';

/**
 * `ops remediate` and `ops audit` through the built CLI against moto, on resources created
 * with the SDK and a registry.json written the way a deploy writes it.
 */

const PREFIX = 'life-core-test';

describe('ops remediate and ops audit against moto', () => {
  let p: TestProject;
  let seeded: Seeded;
  const c = clients();

  const desiredCount = async () => (await c.ecs.send(new DescribeServicesCommand({ cluster: seeded.cluster, services: [seeded.serviceArn] }))).services![0]!.desiredCount;
  const deploymentId = async () => (await c.ecs.send(new DescribeServicesCommand({ cluster: seeded.cluster, services: [seeded.serviceArn] }))).services![0]!.deployments![0]!.id;
  const concurrency = async () => (await c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: seeded.functionName }))).ReservedConcurrentExecutions ?? null;
  const depth = async (url: string) => Number((await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);
  const history = async (env = 'test') =>
    (await readFile(p.artifact(env, 'history.jsonl'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    seeded = await seedEnvironment(PREFIX, 25);
    await writeRegistry(p.artifact('test', 'registry.json'), 'test', seeded.resources);
    await writeRegistry(p.artifact('prod', 'registry.json'), 'prod', seeded.resources);
  });

  it('scale-service: dry-run reads the current value and changes nothing; --apply changes it and records the undo in history', async () => {
    const dry = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '5', '--json']);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.json.data).toMatchObject({ outcome: 'dry-run', setting: 'desired_count', before: 2, after: 5, history_id: null });
    expect(dry.json.data.apply_command).toBe('faber-cloud ops remediate --env test --action scale-service --target aws_ecs_service.api --count 5 --apply');
    expect(await desiredCount()).toBe(2);
    expect(await history()).toEqual([]);

    const human = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', `${PREFIX}-api`, '--count', '5']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('desired_count  2 -> 5');
    expect(human.stderr).toContain(`account ${MOTO_ACCOUNT_ID}`);
    // A dry-run only reads: its identity line says so, as every ops read's does.
    expect(human.stderr).toMatch(/profile \S+ \(test, read-only\)/);

    const applied = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', seeded.serviceArn, '--count', '5', '--apply', '--json']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.json.data).toMatchObject({ outcome: 'success', before: 2, after: 5 });
    expect(applied.stderr).not.toContain('read-only');
    expect(await desiredCount()).toBe(5);

    const entries = await history();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      id: applied.json.data.history_id,
      operation: 'remediate',
      env: 'test',
      outcome: 'success',
      profile: 'life-test-deploy',
      account: MOTO_ACCOUNT_ID,
      plan_id: null,
      remediation: {
        action: 'scale-service',
        target: 'aws_ecs_service.api',
        setting: 'desired_count',
        before: 2,
        after: 5,
        undo_command: 'faber-cloud ops remediate --env test --action scale-service --target aws_ecs_service.api --count 2 --apply',
      },
    });
    const shown = await p.cli(['infra', 'history', '--env', 'test']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('remediate');
    expect(shown.stdout).toContain('scale-service aws_ecs_service.api  desired_count 2 -> 5');
    expect(shown.stdout).toContain('undo: faber-cloud ops remediate --env test --action scale-service --target aws_ecs_service.api --count 2 --apply');

    // The same value again: nothing to do, nothing recorded.
    const again = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '5', '--apply', '--json']);
    expect(again.json.data.outcome).toBe('no-change');
    expect(await history()).toHaveLength(1);
  });

  it('restart-service starts a new deployment only with --apply', async () => {
    const first = await deploymentId();
    const dry = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'restart-service', '--target', 'aws_ecs_service.api', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json.data.before).toEqual({ deployment_id: first });
    expect(await deploymentId()).toBe(first);
    const applied = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'restart-service', '--target', 'aws_ecs_service.api', '--apply', '--json']);
    expect(applied.code, applied.stdout).toBe(0);
    const now = await deploymentId();
    expect(now).not.toBe(first);
    expect(applied.json.data.after).toEqual({ deployment_id: now });
    expect(applied.json.data.undo.command).toBeNull();
  });

  it('set-concurrency throttles a function (0) and the undo command removes the reservation again', async () => {
    expect(await concurrency()).toBeNull();
    const dry = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'set-concurrency', '--target', 'aws_lambda_function.worker', '--concurrency', '0', '--json']);
    expect(dry.json.data).toMatchObject({ outcome: 'dry-run', before: null, after: 0 });
    expect(await concurrency()).toBeNull();
    const applied = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'set-concurrency', '--target', seeded.functionName, '--concurrency', '0', '--apply', '--json']);
    expect(applied.code, applied.stdout).toBe(0);
    expect(await concurrency()).toBe(0);
    const undo = applied.json.data.undo.command as string;
    expect(undo).toBe('faber-cloud ops remediate --env test --action set-concurrency --target aws_lambda_function.worker --concurrency none --apply');
    const back = await p.cli([...undo.split(' ').slice(1), '--json']);
    expect(back.code, back.stdout).toBe(0);
    expect(await concurrency()).toBeNull();
    expect((await history()).filter((h) => h.remediation?.action === 'set-concurrency').map((h) => [h.remediation.before, h.remediation.after])).toEqual([
      [null, 0],
      [0, null],
    ]);
  });

  it('redrive-dlq moves every message from the DLQ into its source queue, none lost, only with --apply', async () => {
    const dry = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'redrive-dlq', '--target', 'aws_sqs_queue.events_dlq', '--json']);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.json.data.before).toEqual({ dead_letter_messages: 25, source_messages: 0, source: `${PREFIX}-events` });
    expect(dry.json.data.after).toEqual({ dead_letter_messages: 0, source_messages: 25, source: `${PREFIX}-events` });
    expect(await depth(seeded.dlqUrl)).toBe(25);

    // A queue that is not the DLQ's source is refused.
    const wrong = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'redrive-dlq', '--target', 'aws_sqs_queue.events_dlq', '--to', 'aws_sqs_queue.other', '--apply', '--json']);
    expect(wrong.code).toBe(2);
    expect(wrong.json.error.code).toBe('E_USAGE_NOT_A_SOURCE');

    const applied = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'redrive-dlq', '--target', 'aws_sqs_queue.events_dlq', '--apply', '--json']);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.json.data.details).toEqual({ moved: 25, failed: 0, duplicated: 0 });
    expect(await depth(seeded.dlqUrl)).toBe(0);
    const bodies: string[] = [];
    for (;;) {
      const got = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: seeded.sourceUrl, MaxNumberOfMessages: 10 }));
      if (!got.Messages?.length) break;
      bodies.push(...got.Messages.map((m) => m.Body!));
    }
    expect(bodies.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `failed-${i}`).sort());
  });

  it('refuses targets outside the registry, wrong types and out-of-bounds values with exit 2, before any AWS call', async () => {
    const outside = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'someone-elses-service', '--count', '1', '--apply', '--json']);
    expect(outside.code).toBe(2);
    expect(outside.json.error.code).toBe('E_USAGE_TARGET_NOT_IN_REGISTRY');
    expect(outside.json.error.hint).toContain('aws_ecs_service.api');
    const type = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_s3_bucket.public', '--count', '1', '--json']);
    expect(type.json.error.code).toBe('E_USAGE_TARGET_TYPE');
    const bounds = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '500', '--apply', '--json']);
    expect(bounds.code).toBe(2);
    expect(bounds.json.error.code).toBe('E_USAGE_OUT_OF_BOUNDS');
    const missing = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--json']);
    expect(missing.json.error.code).toBe('E_USAGE_MISSING_PARAMETER');
    const unknown = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-up', '--target', 'aws_ecs_service.api', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error.code).toBe('E_USAGE_UNKNOWN_ACTION');
    expect(unknown.json.error.hint).toContain('restart-service, scale-service, set-concurrency, redrive-dlq');
    // The form the director routes to: an alias and --service.
    const routed = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'restart', '--service', `${PREFIX}-api`, '--json']);
    expect(routed.code, routed.stdout).toBe(0);
    expect(routed.json.data).toMatchObject({ action: 'restart-service', outcome: 'dry-run' });
    expect(routed.json.data.apply_command).toBe('faber-cloud ops remediate --env test --action restart-service --target aws_ecs_service.api --apply');
    expect(await desiredCount()).toBe(5);
  });

  it('refuses the wrong profile and prod without --confirm prod (exit 3), changing nothing', async () => {
    const before = (await history()).length;
    const wrong = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '1', '--apply', '--profile', 'life-prod-deploy', '--json']);
    expect(wrong.code).toBe(3);
    expect(wrong.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    const discover = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '1', '--apply', '--profile', 'life-discover-deploy', '--json']);
    expect(discover.code).toBe(3);
    expect(await desiredCount()).toBe(5);

    const prod = await p.cli(['ops', 'remediate', '--env', 'prod', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '3', '--apply']);
    expect(prod.code).toBe(3);
    expect(prod.stderr).toContain('E_GUARD_CONFIRMATION_REQUIRED');
    expect(prod.stderr).toContain('desired_count  5 -> 3');
    expect(prod.stderr).toContain('faber-cloud ops remediate --env prod --action scale-service --target aws_ecs_service.api --count 3 --apply --confirm prod');
    // An agent gets the dry run in error.details, in the shape of the command's data.
    const prodJson = await p.cli(['ops', 'remediate', '--env', 'prod', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '3', '--apply', '--json']);
    expect(prodJson.code).toBe(3);
    expect(opsRemediate.parse(prodJson.json.error.details.dry_run)).toMatchObject({ outcome: 'dry-run', before: 5, after: 3 });
    const mismatch = await p.cli(['ops', 'remediate', '--env', 'prod', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '3', '--apply', '--confirm', 'test', '--json']);
    expect(mismatch.code).toBe(3);
    expect(await desiredCount()).toBe(5);
    expect(await history('prod')).toEqual([]);
    expect((await history()).length).toBe(before);

    const confirmed = await p.cli(['ops', 'remediate', '--env', 'prod', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '3', '--apply', '--confirm', 'prod', '--json']);
    expect(confirmed.code, confirmed.stdout + confirmed.stderr).toBe(0);
    expect(await desiredCount()).toBe(3);
    expect((await history('prod'))[0]).toMatchObject({ operation: 'remediate', profile: 'life-prod-deploy', remediation: { before: 5, after: 3 } });
  });

  it('--apply waits for no one: a held environment lock refuses it (exit 3), naming the holder', async () => {
    const lock = await acquireLock(p.artifact('test', '.lock'), 'infra deploy', { root: p.dir });
    try {
      const run = await p.cli(['ops', 'remediate', '--env', 'test', '--action', 'scale-service', '--target', 'aws_ecs_service.api', '--count', '1', '--apply', '--json']);
      expect(run.code).toBe(3);
      expect(run.json.error.code).toBe('E_LOCKED');
      expect(run.json.error.message).toContain("running 'infra deploy'");
    } finally {
      await lock.release();
    }
    expect(await desiredCount()).toBe(3);
  });

  it('audit reports exactly the planted security findings, prices the registry by type, and exits 1 on critical findings', async () => {
    const run = await p.cli(['ops', 'audit', '--env', 'test', '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const data = run.json.data;
    const got = data.findings.map((f: any) => [f.severity, f.rule, f.resource]).sort();
    expect(got).toEqual(
      [
        ['critical', 's3-public-policy', 'aws_s3_bucket.public'],
        ['critical', 's3-public-acl', 'aws_s3_bucket.public'],
        ['medium', 's3-public-access-block-missing', 'aws_s3_bucket.public'],
        ['high', 's3-unencrypted', 'aws_s3_bucket.public'],
        ['critical', 'iam-admin-wildcard', 'aws_iam_role.app'],
        ['critical', 'sg-admin-port-open', 'aws_security_group.ssh'],
        ['low', 'logs-no-retention', 'aws_cloudwatch_log_group.forever'],
      ].sort(),
    );
    for (const f of data.findings) {
      expect(f.evidence.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
    }
    expect(data.findings.find((f: any) => f.rule === 'sg-admin-port-open').evidence).toContain('port 22 (SSH) open to 0.0.0.0/0');
    expect(data.summary).toEqual({ critical: 4, high: 1, medium: 1, low: 1 });
    expect(data.complete).toBe(true);
    expect(data.gaps).toEqual([]);
    expect(data.security.inspected).toHaveLength(8);

    // Cost: counted and priced by type from templates/pricing.
    const byType = Object.fromEntries(data.cost.by_type.map((l: any) => [l.type, [l.count, l.monthly_usd]]));
    expect(byType).toEqual({
      aws_ecs_service: [1, 9.01],
      aws_s3_bucket: [2, 2.3],
      aws_sqs_queue: [3, 1.2],
      aws_cloudwatch_log_group: [2, 1.06],
      aws_lambda_function: [1, 0.62],
      aws_ecs_cluster: [1, 0],
      aws_iam_role: [2, 0],
      aws_security_group: [2, 0],
    });
    expect(data.cost.total_monthly_usd).toBe(14.19);
  });

  it('audit --type cost uses overrides, flags unpriced types and the budget, and needs no AWS call', async () => {
    await p.editConfig((config) => {
      config.audit = { pricing_overrides: { aws_ecs_service: 40 }, monthly_budget_usd: 50, fail_on: 'critical' };
    });
    await writeRegistry(p.artifact('test', 'registry.json'), 'test', [...seeded.resources, { address: 'aws_glue_job.etl', type: 'aws_glue_job', id: 'etl', arn: null }]);
    const run = await p.cli(['ops', 'audit', '--env', 'test', '--type', 'cost', '--json'], { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const data = run.json.data;
    expect(data.security).toBeNull();
    expect(data.cost.total_monthly_usd).toBe(45.18);
    expect(data.cost.by_type.find((l: any) => l.type === 'aws_ecs_service')).toMatchObject({ monthly_usd: 40, price_source: 'override' });
    expect(data.cost.by_type.find((l: any) => l.type === 'aws_glue_job')).toMatchObject({ count: 1, monthly_usd: null, price_source: 'unpriced' });
    expect(data.findings.map((f: any) => [f.severity, f.rule, f.resource])).toEqual([
      ['medium', 'cost-near-budget', 'environment'],
      ['low', 'cost-unpriced', 'aws_glue_job'],
    ]);
    await writeRegistry(p.artifact('test', 'registry.json'), 'test', seeded.resources);
    await p.editConfig((config) => {
      delete config.audit;
    });
  });
});
