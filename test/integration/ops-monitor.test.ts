import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MOTO_ACCOUNT_ID, MOTO_REGION, createProfileUsers, enableIamEnforcement, resetMoto, type PolicyDocument } from '../support/moto.js';
import { alarm, lambdaLine, logsClient, putLogEvents, putMetric, writeHistory, writeRegistry, type RegistryEntry } from '../support/ops-monitor-seed.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * ops check-health, query-logs and investigate through the built CLI against moto, seeded
 * directly with the SDK: alarms, metric data, 11,000 log events in three streams and two log
 * groups, an ECS service without running tasks, an SQS queue with a dead-letter queue, and the
 * registry.json / history.jsonl a deploy would have written for them.
 */

const sdk = () => ({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
const ARN = (service: string, rest: string) => `arn:aws:${service}:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:${rest}`;
const MIN = 60_000;

const API_FN = 'life-core-test-api';
const API_LOGS = `/aws/lambda/${API_FN}`;
const ECS_LOGS = '/ecs/life-core-test-api';
const DENIED = `AccessDeniedException: User: arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/life-core-test-api-role/${API_FN} is not authorized to perform: dynamodb:PutItem on resource: ${ARN('dynamodb', 'table/life-core-test-items')} because no identity-based policy allows the dynamodb:PutItem action`;

interface Seeded {
  now: number;
  deniedTimes: number[];
  timeoutTimes: number[];
  ecsTimeoutTimes: number[];
}

/** Timestamps spread evenly between two instants. */
const spread = (count: number, from: number, to: number) => Array.from({ length: count }, (_, i) => Math.round(from + ((to - from) * i) / Math.max(1, count - 1)));

async function seedLogs(now: number): Promise<Seeded> {
  const deniedTimes = spread(4_000, now - 38 * MIN, now - 2 * MIN);
  const timeoutTimes = spread(2_500, now - 30 * MIN, now - 1 * MIN);
  const infoTimes = spread(4_300, now - 55 * MIN, now - 1 * MIN);
  const staleTimes = spread(50, now - 130 * MIN, now - 125 * MIN);
  const ecsTimeoutTimes = spread(200, now - 20 * MIN, now - 3 * MIN);
  let i = 0;
  const events = [
    ...deniedTimes.map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', DENIED) })),
    ...timeoutTimes.map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', `Timeout after ${3000 + (i % 17)} ms calling payment service (order ${10_000 + i})`) })),
    ...infoTimes.map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'INFO', `request ${i} handled in ${i % 90} ms`) })),
    // Before the window: never counted.
    ...staleTimes.map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', 'stale failure from yesterday') })),
  ];
  await putLogEvents(API_LOGS, events, 3);
  // The same code logs the same way from its container tasks: one message, two log groups.
  await putLogEvents(ECS_LOGS, ecsTimeoutTimes.map((t) => ({ timestamp: t, message: lambdaLine(t, i++, 'ERROR', `Timeout after ${3000 + (t % 13)} ms calling payment service (order ${t % 99_991})`) })), 1);
  return { now, deniedTimes, timeoutTimes, ecsTimeoutTimes };
}

async function seedServices(now: number): Promise<{ ordersUrl: string; dlqUrl: string }> {
  // Lambda api: 8 errors in 100 invocations (8%: degraded), and an alarm on its errors.
  const fn = { FunctionName: API_FN };
  await putMetric('AWS/Lambda', 'Invocations', fn, [{ value: 60, at: new Date(now - 20 * MIN) }, { value: 40, at: new Date(now - 10 * MIN) }]);
  await putMetric('AWS/Lambda', 'Errors', fn, [{ value: 8, at: new Date(now - 10 * MIN) }]);
  await putMetric('AWS/Lambda', 'Duration', fn, [{ value: 120, at: new Date(now - 10 * MIN) }], 'Milliseconds');
  await alarm('life-core-test-api-errors', { namespace: 'AWS/Lambda', metric: 'Errors', dimensions: fn, state: 'ALARM', reason: 'Threshold Crossed: 8 errors' });
  // Another project's alarm in the same account: never part of this environment's health.
  await alarm('other-project-fn-errors', { namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: 'other-project-fn' }, state: 'ALARM' });
  // The items table: an alarm without data (a notice), no throttles yet.
  await alarm('life-core-test-items-throttles', { namespace: 'AWS/DynamoDB', metric: 'WriteThrottleEvents', dimensions: { TableName: 'life-core-test-items' }, state: 'INSUFFICIENT_DATA' });

  // ECS worker: 2 tasks wanted, none running (moto runs none).
  const ecs = new ECSClient(sdk());
  await ecs.send(new CreateClusterCommand({ clusterName: 'life-core-test' }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'life-core-test-worker', containerDefinitions: [{ name: 'worker', image: 'busybox', memory: 128 }] }));
  await ecs.send(new CreateServiceCommand({ cluster: 'life-core-test', serviceName: 'life-core-test-worker', taskDefinition: 'life-core-test-worker', desiredCount: 2 }));
  ecs.destroy();

  // SQS orders with a dead-letter queue holding 3 messages; the oldest message is 30 s old.
  const sqs = new SQSClient(sdk());
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'life-core-test-orders-dlq' }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const ordersUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'life-core-test-orders', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } }))).QueueUrl!;
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: `failed order ${i}` }));
  sqs.destroy();
  await putMetric('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: 'life-core-test-orders' }, [{ value: 30, at: new Date(now - 5 * MIN) }], 'Seconds');
  return { ordersUrl, dlqUrl };
}

function registryEntries(urls: { ordersUrl: string; dlqUrl: string }, recentDeploy: string, oldDeploy: string): RegistryEntry[] {
  return [
    { address: 'aws_lambda_function.api', type: 'aws_lambda_function', id: API_FN, arn: ARN('lambda', `function:${API_FN}`), deployment_id: recentDeploy },
    { address: 'aws_cloudwatch_log_group.api_tasks', type: 'aws_cloudwatch_log_group', id: ECS_LOGS, arn: ARN('logs', `log-group:${ECS_LOGS}`), deployment_id: oldDeploy },
    { address: 'aws_cloudwatch_metric_alarm.api_errors', type: 'aws_cloudwatch_metric_alarm', id: 'life-core-test-api-errors', deployment_id: oldDeploy },
    { address: 'aws_dynamodb_table.items', type: 'aws_dynamodb_table', id: 'life-core-test-items', arn: ARN('dynamodb', 'table/life-core-test-items'), deployment_id: oldDeploy },
    { address: 'aws_sqs_queue.orders', type: 'aws_sqs_queue', id: urls.ordersUrl, arn: ARN('sqs', 'life-core-test-orders'), deployment_id: oldDeploy },
    { address: 'aws_sqs_queue.orders_dlq', type: 'aws_sqs_queue', id: urls.dlqUrl, arn: ARN('sqs', 'life-core-test-orders-dlq'), deployment_id: oldDeploy },
    { address: 'module.worker.aws_ecs_service.this', type: 'aws_ecs_service', id: ARN('ecs', 'service/life-core-test/life-core-test-worker'), deployment_id: oldDeploy },
    { address: 'aws_s3_bucket.assets', type: 'aws_s3_bucket', id: 'life-core-test-assets', arn: 'arn:aws:s3:::life-core-test-assets', deployment_id: oldDeploy },
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('ops check-health, query-logs and investigate against a seeded moto', () => {
  let p: TestProject;
  let seeded: Seeded;
  const RECENT = 'd-recent-api-change';
  const OLD = 'd-old-baseline';

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    const now = Date.now();
    seeded = await seedLogs(now);
    const urls = await seedServices(now);
    await writeRegistry(p.dir, 'test', registryEntries(urls, RECENT, OLD));
    await writeHistory(p.dir, 'test', [
      { id: OLD, started_at: iso(now - 300 * MIN), finished_at: iso(now - 296 * MIN), add: 8, change: 0 },
      { id: RECENT, started_at: iso(now - 42 * MIN), finished_at: iso(now - 40 * MIN), change: 1, plan_id: 'a1b2c3d4e5f6' },
    ]);
  }, 120_000);

  it('check-health: per service healthy, degraded or down from alarms, metrics, ECS and SQS; exit 0 only when healthy', async () => {
    const items = await p.cli(['ops', 'check-health', '--env', 'test', '--service', 'items', '--json']);
    expect(items.code, items.stderr).toBe(0);
    expect(items.json.data.status).toBe('healthy');
    const table = items.json.data.resources.find((r: any) => r.address === 'aws_dynamodb_table.items');
    expect(table.status).toBe('healthy');
    // INSUFFICIENT_DATA is a notice by default (ops.health.alarms.insufficient_data).
    expect(table.findings).toContainEqual(expect.objectContaining({ check: 'alarm:life-core-test-items-throttles', level: 'notice' }));
    // who we are comes first, on stderr
    expect(items.stderr.split('\n')[0]).toMatch(/account 123456789012 · region us-east-1 · profile life-test-deploy/);

    const api = await p.cli(['ops', 'check-health', '--env', 'test', '--service', 'api', '--json']);
    expect(api.code).toBe(1);
    expect(api.json.data.status).toBe('degraded');
    const fn = api.json.data.resources.find((r: any) => r.address === 'aws_lambda_function.api');
    expect(fn.findings).toContainEqual(expect.objectContaining({ check: 'lambda.errors', level: 'degraded', value: 0.08 }));
    expect(fn.findings).toContainEqual(expect.objectContaining({ check: 'alarm:life-core-test-api-errors', level: 'degraded' }));
    expect(fn.findings).toContainEqual(expect.objectContaining({ check: 'lambda.duration', level: 'ok', value: 120 }));
    expect(JSON.stringify(api.json.data)).not.toContain('other-project-fn');

    const orders = await p.cli(['ops', 'check-health', '--env', 'test', '--service', 'orders', '--json']);
    expect(orders.json.data.status).toBe('degraded');
    const dlq = orders.json.data.resources.find((r: any) => r.address === 'aws_sqs_queue.orders_dlq');
    expect(dlq.findings).toContainEqual(expect.objectContaining({ check: 'sqs.dlq_depth', level: 'degraded', value: 3 }));
    const queue = orders.json.data.resources.find((r: any) => r.address === 'aws_sqs_queue.orders');
    expect(queue).toMatchObject({ status: 'healthy' });
    expect(queue.findings).toContainEqual(expect.objectContaining({ check: 'sqs.oldest_message_age', level: 'ok', value: 30 }));

    // The whole environment: the worker (module.worker) has no running task, so it is down.
    const all = await p.cli(['ops', 'check-health', '--env', 'test']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/Health of 'test': DOWN/);
    expect(all.stdout).toMatch(/DOWN\s+module\.worker\.aws_ecs_service\.this[\s\S]*0 of 2 tasks running/);
    expect(all.stdout).toContain("Next: faber-cloud ops investigate --env test");
    const allJson = await p.cli(['ops', 'check-health', '--env', 'test', '--json']);
    expect(allJson.json.data).toMatchObject({ status: 'down', source: 'registry', skipped: 3, alarms: { in_alarm: 1, insufficient_data: 1 }, problems: [] });

    // Throttling on the table turns it from healthy to degraded.
    await putMetric('AWS/DynamoDB', 'WriteThrottleEvents', { TableName: 'life-core-test-items' }, [{ value: 3, at: new Date(Date.now() - 2 * MIN) }]);
    const throttled = await p.cli(['ops', 'check-health', '--env', 'test', '--service', 'items', '--json']);
    expect(throttled.code).toBe(1);
    expect(throttled.json.data.status).toBe('degraded');
    expect(throttled.json.data.resources[0].findings).toContainEqual(expect.objectContaining({ check: 'dynamodb.throttles', level: 'degraded', value: 3 }));

    // Thresholds come from devops.json: at 10% the same 8% error rate is no longer degraded.
    await p.editConfig((c) => {
      c.ops = { health: { lambda: { error_rate_degraded: 0.1 } } };
    });
    const relaxed = await p.cli(['ops', 'check-health', '--env', 'test', '--service', 'api', '--json']);
    expect(relaxed.json.data.resources.find((r: any) => r.address === 'aws_lambda_function.api').findings).toContainEqual(expect.objectContaining({ check: 'lambda.errors', level: 'ok' }));
    await p.editConfig((c) => {
      delete c.ops;
    });
  });

  it('query-logs: 11,000 events in 3 streams and 2 log groups, grouped with exact counts and first/last seen', async () => {
    const run = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--level', 'error', '--limit', '20000', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const d = run.json.data;
    expect(d.log_groups.map((g: any) => g.name)).toEqual([API_LOGS, ECS_LOGS]);
    // Every event in the window was read (the 50 stale ones are outside it), 6,700 are errors.
    expect(d.events_read).toBe(4_000 + 2_500 + 4_300 + 200);
    expect(d.events_matched).toBe(4_000 + 2_500 + 200);
    expect(d.truncated).toBe(false);
    expect(d.groups).toHaveLength(2);
    const [denied, timeout] = d.groups;
    expect(denied).toMatchObject({ count: 4_000, first_seen: iso(seeded.deniedTimes[0]!), last_seen: iso(seeded.deniedTimes.at(-1)!), log_groups: [API_LOGS], streams: 3 });
    expect(denied.example).toContain('is not authorized to perform: dynamodb:PutItem');
    // The same timeout, however its numbers and ids vary, from both log groups.
    const timeoutTimes = [...seeded.timeoutTimes, ...seeded.ecsTimeoutTimes].sort((a, b) => a - b);
    expect(timeout).toMatchObject({ count: 2_700, first_seen: iso(timeoutTimes[0]!), last_seen: iso(timeoutTimes.at(-1)!), log_groups: [API_LOGS, ECS_LOGS], streams: 4 });
    expect(timeout.pattern).toContain('Timeout after <n> ms calling payment service (order <n>)');

    // Without a level, every message: info lines group too.
    const everything = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--limit', '20000', '--json']);
    expect(everything.json.data.events_matched).toBe(11_000);
    expect(everything.json.data.groups.map((g: any) => g.count)).toEqual([4_300, 4_000, 2_700]);

    // --filter goes to the server: only the matching events come back.
    const filtered = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--filter', 'Timeout', '--json']);
    expect(filtered.json.data).toMatchObject({ server_filter: 'Timeout', events_read: 2_700, events_matched: 2_700 });

    // --limit stops the reading and says so.
    const limited = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--limit', '500', '--json']);
    expect(limited.json.data).toMatchObject({ events_read: 500, truncated: true, limit: 500 });

    const human = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--level', 'error', '--limit', '20000']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/6700 error-level events of service api in 'test'/);
    expect(human.stdout).toMatch(/\n\s*4000 {2}\S+.*AccessDeniedException/);
    expect(human.stderr).toMatch(/querying 2 log groups/);
  });

  it('query-logs: bad input is exit 2 and reads nothing', async () => {
    const unknown = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'billing', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json.error).toMatchObject({ code: 'E_USAGE_UNKNOWN_SERVICE' });
    expect(unknown.json.error.hint).toContain('api');
    const since = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--since', 'yesterday', '--json']);
    expect(since.code).toBe(2);
    expect(since.json.error.code).toBe('E_USAGE_SINCE');
    expect(since.stderr).not.toMatch(/account/);
    const limit = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--limit', '0', '--json']);
    expect(limit.json.error.code).toBe('E_USAGE_LIMIT');
    const noLogs = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'items', '--json']);
    expect(noLogs.code).toBe(2);
    expect(noLogs.json.error.code).toBe('E_USAGE_NO_LOG_GROUPS');
  });

  it('investigate: finds the deployment before the errors and the debugger\'s match, and saves the report', async () => {
    // moto does not read the level's OR pattern (?ERROR ?Error ...) and returns every event, so
    // info lines count against the limit here: raise it to read the whole window.
    await p.editConfig((c) => {
      c.ops = { logs: { max_events: 20_000 } };
    });
    const run = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', '500 errors on checkout', '--service', 'api', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const r = run.json.data;
    expect(r.errors).toMatchObject({ events_matched: 6_700, truncated: false });
    expect(r.problem_started_at).toBe(iso(seeded.deniedTimes[0]!));
    expect(r.deployments.map((d: any) => d.id)).toEqual([RECENT, OLD]);
    expect(r.deployments[0]).toMatchObject({ minutes_before_problem: 2, changed_resources: ['aws_lambda_function.api'] });

    const deployment = r.hypotheses.find((h: any) => h.kind === 'deployment' && h.title.includes(RECENT));
    const older = r.hypotheses.find((h: any) => h.kind === 'deployment' && h.title.includes(OLD));
    const known = r.hypotheses.find((h: any) => h.kind === 'known-issue');
    expect(deployment.evidence.map((e: any) => e.text).join('\n')).toMatch(/finished 2 min before the problem started[\s\S]*aws_lambda_function\.api/);
    expect(deployment.score).toBeGreaterThan(older.score);
    expect(known.title).toContain('access-denied-no-identity-policy');
    expect(known.evidence.map((e: any) => e.text).join('\n')).toMatch(/4000 ×/);
    // A workload's denial is fixed in its role's IaC, not by granting the deploy profile.
    expect(known.next_steps[0]).toContain('dynamodb:PutItem');
    expect(known.next_steps.join('\n')).not.toContain('permissions grant');
    expect(r.hypotheses.find((h: any) => h.kind === 'alarm')).toBeTruthy();
    expect(r.hypotheses[0].rank).toBe(1);
    expect(r.hypotheses.map((h: any) => h.score)).toEqual([...r.hypotheses.map((h: any) => h.score)].sort((a: number, b: number) => b - a));

    // moto has no DescribeAlarmHistory: the gap is named and the alarm's current state stands in.
    expect(r.gaps).toContainEqual(expect.objectContaining({ action: 'cloudwatch:DescribeAlarmHistory', failure: 'unavailable' }));
    expect(r.alarms).toContainEqual(expect.objectContaining({ name: 'life-core-test-api-errors', state: 'ALARM' }));
    const kinds = r.timeline.map((t: any) => t.kind);
    expect(kinds.indexOf('deployment')).toBeLessThan(kinds.indexOf('problem-start'));

    // Saved as <timestamp>-<slug>.json and .md under incidents/.
    const dir = path.join(p.dir, '.fractary', 'plugins', 'faber-cloud', 'incidents');
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{8}T\d{6}Z-500-errors-on-checkout\.json$/);
    expect(JSON.parse(await readFile(path.join(dir, files[0]!), 'utf8'))).toEqual(r);
    const md = await readFile(path.join(dir, files[1]!), 'utf8');
    expect(md.split('\n')[0]).toMatch(/^<!-- Generated by faber-cloud ops investigate/);
    expect(md).toContain('## Timeline');
    expect(md).toContain(RECENT);

    // A second report in the same second never overwrites the first.
    const again = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', '500 errors on checkout', '--service', 'api', '--json']);
    expect(again.code).toBe(0);
    expect((await readdir(dir)).length).toBe(4);
  });

  it('refuses a profile of the wrong role before any call (exit 3)', async () => {
    const run = await p.cli(['ops', 'check-health', '--env', 'test', '--profile', 'life-discover-deploy', '--json']);
    expect(run.code).toBe(3);
    expect(run.json.error.code).toBe('E_GUARD_WRONG_PROFILE');
    expect(run.stderr).not.toMatch(/account/);
  });
});

describe('ops without a registry: resources found by their Project/Environment tags', () => {
  it('check-health and query-logs use the tagged table and log group', async () => {
    await resetMoto();
    const p = await createProject('multi-module');
    const tags = [{ Key: 'Project', Value: 'life' }, { Key: 'Environment', Value: 'test' }];
    const ddb = new DynamoDBClient(sdk());
    await ddb.send(new CreateTableCommand({ TableName: 'life-core-test-items', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Tags: tags }));
    ddb.destroy();
    const logs = logsClient();
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/app/life-core-test-items', tags: { Project: 'life', Environment: 'test' } }));
    logs.destroy();
    const now = Date.now();
    await putLogEvents('/app/life-core-test-items', spread(30, now - 10 * MIN, now - MIN).map((t, i) => ({ timestamp: t, message: `ERROR item ${i} rejected` })), 1);
    await putMetric('AWS/DynamoDB', 'ReadThrottleEvents', { TableName: 'life-core-test-items' }, [{ value: 5, at: new Date(now - 5 * MIN) }]);

    const health = await p.cli(['ops', 'check-health', '--env', 'test', '--json']);
    expect(health.json.data).toMatchObject({ source: 'tags', status: 'degraded' });
    expect(health.json.data.resources).toEqual([expect.objectContaining({ key: ARN('dynamodb', 'table/life-core-test-items'), kind: 'dynamodb-table', status: 'degraded' })]);
    expect(health.stderr).toContain('looking for resources tagged Project=life, Environment=test');

    const query = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'items', '--json']);
    expect(query.code, query.stderr).toBe(0);
    expect(query.json.data.groups).toEqual([expect.objectContaining({ count: 30, pattern: 'ERROR item <n> rejected' })]);
  });
});

describe('ops with IAM enforcement: a missing permission is named, with the grant, never a crash', () => {
  let p: TestProject;
  const allowAllBut = (missing: string[]): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['sts:GetCallerIdentity', 'tag:GetResources', 'sqs:*', 'ecs:*', 'dynamodb:*', ...['logs', 'monitoring', 'cloudwatch'].flatMap((s) => [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`, `${s}:FilterLogEvents`])].filter(
          (a) => !missing.includes(a),
        ),
        Resource: '*',
      },
    ],
  });

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    const now = Date.now();
    await writeRegistry(p.dir, 'test', [{ address: 'aws_lambda_function.api', type: 'aws_lambda_function', id: API_FN, deployment_id: 'd-1' }]);
    await writeHistory(p.dir, 'test', [{ id: 'd-1', started_at: iso(now - 30 * MIN), finished_at: iso(now - 25 * MIN) }]);
  });

  it('query-logs without logs:FilterLogEvents: exit 4 naming the action and the permission manager', async () => {
    // Seed while moto accepts any key, then create the users and turn enforcement on.
    const now = Date.now();
    await putLogEvents(API_LOGS, spread(100, now - 20 * MIN, now - MIN).map((t, i) => ({ timestamp: t, message: lambdaLine(t, i, 'ERROR', DENIED) })), 2);
    await putMetric('AWS/Lambda', 'Invocations', { FunctionName: API_FN }, [{ value: 10, at: new Date(now - 5 * MIN) }]);
    await alarm('life-core-test-api-errors', { namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: API_FN }, state: 'ALARM' });
    await createProfileUsers([{ profile: 'life-test-deploy', policy: allowAllBut(['logs:FilterLogEvents', 'monitoring:Get*', 'cloudwatch:Get*']) }]);
    await enableIamEnforcement();

    const query = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api', '--json']);
    expect(query.code, query.stdout + query.stderr).toBe(4);
    expect(query.json.error.code).toBe('E_OPS_PERMISSION_DENIED');
    expect(query.json.error.message).toContain('logs:FilterLogEvents');
    expect(query.json.error.hint).toContain('faber-cloud permissions grant --env test --action logs:FilterLogEvents');

    const human = await p.cli(['ops', 'query-logs', '--env', 'test', '--service', 'api']);
    expect(human.code).toBe(4);
    expect(human.stderr).toMatch(/error \[E_OPS_PERMISSION_DENIED\] logs:FilterLogEvents was denied/);
    expect(human.stderr).not.toMatch(/at .*\.js:\d+/);

    // check-health: the metric checks cannot run (cloudwatch:GetMetricData), the alarms still can.
    const health = await p.cli(['ops', 'check-health', '--env', 'test', '--json']);
    expect(health.code).toBe(1);
    expect(health.json.data.status).toBe('degraded');
    expect(health.json.data.problems).toEqual([expect.objectContaining({ action: 'cloudwatch:GetMetricData', failure: 'denied', grant: expect.stringContaining('--action cloudwatch:GetMetricData') })]);
    const fn = health.json.data.resources[0];
    expect(fn.findings).toContainEqual(expect.objectContaining({ check: 'metrics', level: 'unknown' }));
    expect(fn.findings).toContainEqual(expect.objectContaining({ check: 'alarm:life-core-test-api-errors', level: 'degraded' }));
    const healthHuman = await p.cli(['ops', 'check-health', '--env', 'test']);
    expect(healthHuman.stdout).toMatch(/Not checked:\n\s+missing permission cloudwatch:GetMetricData/);

    // investigate: the report is built from what can be read and lists what could not.
    const inv = await p.cli(['ops', 'investigate', '--env', 'test', '--issue', 'errors', '--json']);
    expect(inv.code, inv.stderr).toBe(0);
    expect(inv.json.data.gaps).toContainEqual(expect.objectContaining({ action: 'logs:FilterLogEvents', failure: 'denied', grant: expect.stringContaining('permissions grant --env test --action logs:FilterLogEvents') }));
    expect(inv.json.data.alarms).toContainEqual(expect.objectContaining({ name: 'life-core-test-api-errors', state: 'ALARM' }));
    expect(inv.json.data.hypotheses.some((h: any) => h.kind === 'deployment' && h.title.includes('d-1'))).toBe(true);
  });
});
