import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/core/config/schema.js';
import { createNormaliser } from '../../src/debugger/normalise.js';
import { classifyAwsError } from '../../src/handlers/hosting/aws/errors.js';
import { ProviderCallError } from '../../src/handlers/hosting/failures.js';
import type { Alarm } from '../../src/handlers/hosting/monitoring.js';
import { judge, overallStatus, planMetrics, type Observations } from '../../src/ops/health.js';
import { buildTimeline, issueTerms, problemStart, rankHypotheses, slugOf, summarise, suspectDeployments, type Correlation } from '../../src/ops/investigate.js';
import { levelFilter, levelRank, MessageGrouper } from '../../src/ops/logs.js';
import { opsError, problemOf } from '../../src/ops/problems.js';
import { fromRegistry, fromTagged, logGroupsOf, serviceMatcher, type OpsResource } from '../../src/ops/resources.js';
import { parseSince } from '../../src/ops/window.js';
import validConfig from '../fixtures/valid-config.json' with { type: 'json' };

const config = ConfigSchema.parse(validConfig);
const project = config.project.name;
const prefix = `${project}-${config.project.subsystem}-test-`;
const NOW = new Date('2026-11-26T12:00:00Z');
const MIN = 60_000;

function registryResource(address: string, type: string, id: string, extra: Partial<{ arn: string; tags: Record<string, string>; deployment_id: string }> = {}): OpsResource {
  return fromRegistry({
    address,
    type,
    name: address.split('.').pop()!,
    id,
    arn: extra.arn ?? null,
    region: 'us-east-1',
    console_url: null,
    tags: extra.tags ?? {},
    created_at: NOW.toISOString(),
    updated_at: NOW.toISOString(),
    deployment_id: extra.deployment_id ?? null,
    fingerprint: 'x',
  });
}

describe('--since', () => {
  it('takes spans and ISO times, and refuses the rest as usage errors', () => {
    expect(parseSince('90m', NOW).start.toISOString()).toBe('2026-11-26T10:30:00.000Z');
    expect(parseSince('2d', NOW).start.toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect(parseSince('2026-11-26T11:15:00Z', NOW).start.toISOString()).toBe('2026-11-26T11:15:00.000Z');
    for (const bad of ['yesterday', '1w', '0h', '-1h', '2027-01-01', '40d', '']) {
      expect(() => parseSince(bad, NOW), bad).toThrowError(expect.objectContaining({ code: 'E_USAGE_SINCE', exitCode: 2 }));
    }
  });
});

describe('log levels', () => {
  it('reads the earliest level word, then phrases', () => {
    const lambda = (level: string, text: string) => `2026-11-26T10:00:00.000Z\t1f2e3d4c-0000-4000-a000-000000000001\t${level}\t${text}`;
    expect(levelRank(lambda('ERROR', 'boom'))).toBe(0);
    expect(levelRank(lambda('INFO', 'retrying after TimeoutException, error count 2'))).toBe(2);
    expect(levelRank('{"level":"warn","msg":"slow"}')).toBe(1);
    expect(levelRank('Task timed out after 3.00 seconds')).toBe(0);
    expect(levelRank('java.lang.NullPointerException at Foo.bar')).toBe(0);
    expect(levelRank('START RequestId: 1f2e Version: $LATEST')).toBeUndefined();
    expect(levelRank('terrorists are not errors')).toBeUndefined();
    const warn = levelFilter('warn');
    expect([lambda('ERROR', 'x'), lambda('WARN', 'x'), lambda('INFO', 'x'), 'plain'].map(warn.test)).toEqual([true, true, false, false]);
    expect(warn.pattern).toContain('?ERROR');
    expect(warn.pattern).toContain('?WARN');
    expect(warn.pattern).not.toContain('?INFO');
  });
});

describe('message grouping', () => {
  it('groups messages that differ in ids, numbers and times, with exact counts and first/last seen', () => {
    const g = new MessageGrouper(createNormaliser());
    const at = (m: number) => Date.parse('2026-11-26T10:00:00Z') + m * MIN;
    g.add({ logGroup: '/a', logStream: 's1', timestamp: at(5), message: 'ERROR order 17 failed after 300 ms (request 1f2e3d4c-1111-4222-8333-444455556666)' });
    g.add({ logGroup: '/a', logStream: 's2', timestamp: at(1), message: 'ERROR order 9 failed after 12 ms (request 9f2e3d4c-1111-4222-8333-444455556666)' });
    g.add({ logGroup: '/b', logStream: 's1', timestamp: at(9), message: 'ERROR order 3 failed after 7 ms (request 0f2e3d4c-1111-4222-8333-444455556666)\n' });
    g.add({ logGroup: '/a', logStream: 's1', timestamp: at(2), message: 'WARN cache miss' });
    const [orders, cache] = g.result();
    expect(orders).toEqual({
      pattern: 'ERROR order <n> failed after <n> ms (request <uuid>)',
      example: 'ERROR order 9 failed after 12 ms (request 9f2e3d4c-1111-4222-8333-444455556666)',
      count: 3,
      first_seen: '2026-11-26T10:01:00.000Z',
      last_seen: '2026-11-26T10:09:00.000Z',
      log_groups: ['/a', '/b'],
      streams: 3,
    });
    expect(cache).toMatchObject({ count: 1, pattern: 'WARN cache miss' });

    // The logger's timestamp and Lambda's request id are not part of the message.
    const lambda = new MessageGrouper(createNormaliser());
    lambda.add({ logGroup: '/l', logStream: 's', timestamp: at(1), message: '2026-11-26T10:01:00.000Z\t1f2e3d4c-1111-4222-8333-444455556666\tERROR\tboom 1' });
    lambda.add({ logGroup: '/l', logStream: 's', timestamp: at(2), message: '[2026-11-26 10:02:00,123] ERROR boom 2' });
    expect(lambda.result()).toEqual([expect.objectContaining({ pattern: 'ERROR boom <n>', count: 2 })]);
  });
});

describe('resources and services', () => {
  it('reads kinds and provider names from the registry and from tagged ARNs', () => {
    expect(registryResource('aws_ecs_service.w', 'aws_ecs_service', 'arn:aws:ecs:us-east-1:123456789012:service/main/web')).toMatchObject({ kind: 'ecs-service', name: 'web', cluster: 'main' });
    expect(registryResource('aws_sqs_queue.q', 'aws_sqs_queue', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs')).toMatchObject({ kind: 'sqs-queue', name: 'jobs', url: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' });
    expect(registryResource('aws_api_gateway_rest_api.a', 'aws_api_gateway_rest_api', 'abc123', { tags: { Name: 'shop' } })).toMatchObject({ kind: 'api-gateway-rest', apiName: 'shop' });
    const tagged = (arn: string) => fromTagged({ arn, tags: {} });
    expect(tagged('arn:aws:lambda:us-east-1:123456789012:function:fn-a')).toMatchObject({ kind: 'lambda', name: 'fn-a' });
    expect(tagged('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn-a:*')).toMatchObject({ kind: 'log-group', name: '/aws/lambda/fn-a' });
    expect(tagged('arn:aws:dynamodb:us-east-1:123456789012:table/t1')).toMatchObject({ kind: 'dynamodb-table', name: 't1' });
    expect(tagged('arn:aws:sqs:us-east-1:123456789012:q1')).toMatchObject({ kind: 'sqs-queue', name: 'q1' });
    expect(tagged('arn:aws:apigateway:us-east-1::/apis/h7x')).toMatchObject({ kind: 'api-gateway-http', name: 'h7x' });
    expect(tagged('arn:aws:s3:::bucket')).toMatchObject({ kind: 'other' });
  });

  it('matches a service by tag first, then the {resource} part of the name, then the module', () => {
    const m = serviceMatcher(config, 'test');
    const fn = registryResource('aws_lambda_function.h', 'aws_lambda_function', `${prefix}api-handler`);
    const apis = registryResource('aws_lambda_function.x', 'aws_lambda_function', `${prefix}apis`);
    const tagged = registryResource('aws_lambda_function.t', 'aws_lambda_function', `${prefix}api-legacy`, { tags: { service: 'billing' } });
    const group = registryResource('aws_cloudwatch_log_group.g', 'aws_cloudwatch_log_group', `/ecs/${prefix}api`);
    const moduled = registryResource('module.api.aws_sqs_queue.this', 'aws_sqs_queue', 'https://sqs/123/queue-without-pattern');
    const otherEnv = registryResource('aws_lambda_function.p', 'aws_lambda_function', `${project}-${config.project.subsystem}-prod-api`);
    expect([fn, apis, tagged, group, moduled, otherEnv].map((r) => m.matches(r, 'api'))).toEqual([true, false, false, true, true, false]);
    expect(m.matches(tagged, 'Billing')).toBe(true);
    expect(m.serviceOf(fn)).toBe('api');
    expect(m.serviceOf(tagged)).toBe('billing');
    expect(logGroupsOf([fn, group, moduled])).toEqual([`/aws/lambda/${prefix}api-handler`, `/ecs/${prefix}api`]);
  });
});

describe('health judgement', () => {
  const t = config.ops.health;
  const fn = registryResource('aws_lambda_function.api', 'aws_lambda_function', 'fn-api');
  const ecs = registryResource('aws_ecs_service.w', 'aws_ecs_service', 'arn:aws:ecs:us-east-1:123456789012:service/c/web');
  const queue = registryResource('aws_sqs_queue.q', 'aws_sqs_queue', 'https://sqs/1/jobs');
  const dlq = registryResource('aws_sqs_queue.d', 'aws_sqs_queue', 'https://sqs/1/jobs-failed');
  const resources = [fn, ecs, queue, dlq];
  const needs = planMetrics(resources);
  const values = (v: Record<string, number>) => needs.map((n) => ({ id: n.query.id, value: v[`${n.resource}:${n.role}`] ?? null, datapoints: 1 }));
  const observe = (v: Record<string, number>, extra: Partial<Observations> = {}): Observations => ({
    alarms: [],
    metrics: { needs, values: values(v) },
    ecs: [{ cluster: 'c', service: 'web', found: true, status: 'ACTIVE', desired: 3, running: 3, pending: 0 }],
    queues: [
      { name: 'jobs', url: 'u', arn: 'arn:q', found: true, visibleMessages: 40, inFlightMessages: 0, deadLetterTargetArn: 'arn:d' },
      { name: 'jobs-failed', url: 'u2', arn: 'arn:d', found: true, visibleMessages: 0, inFlightMessages: 0, deadLetterTargetArn: null },
    ],
    ...extra,
  });
  const statusOf = (o: Observations) => Object.fromEntries(judge(resources, o, t, () => null).map((r) => [r.address, r.status]));

  it('grades Lambda error rates against ops.health.lambda and ECS tasks against the desired count', () => {
    expect(statusOf(observe({ 'aws_lambda_function.api:invocations': 1000, 'aws_lambda_function.api:errors': 5 }))['aws_lambda_function.api']).toBe('healthy');
    expect(statusOf(observe({ 'aws_lambda_function.api:invocations': 1000, 'aws_lambda_function.api:errors': 10 }))['aws_lambda_function.api']).toBe('degraded');
    expect(statusOf(observe({ 'aws_lambda_function.api:invocations': 10, 'aws_lambda_function.api:errors': 5 }))['aws_lambda_function.api']).toBe('down');
    // errors without an invocation count: every error is a failed call
    expect(statusOf(observe({ 'aws_lambda_function.api:errors': 2 }))['aws_lambda_function.api']).toBe('down');
    expect(statusOf(observe({ 'aws_lambda_function.api:throttles': 1 }))['aws_lambda_function.api']).toBe('degraded');
    expect(statusOf(observe({ 'aws_lambda_function.api:duration': 12_000 }))['aws_lambda_function.api']).toBe('degraded');
    const ecsState = (running: number) => statusOf(observe({}, { ecs: [{ cluster: 'c', service: 'web', found: true, status: 'ACTIVE', desired: 3, running, pending: 3 - running }] }))['aws_ecs_service.w'];
    expect([ecsState(3), ecsState(1), ecsState(0)]).toEqual(['healthy', 'degraded', 'down']);
  });

  it('judges a dead-letter queue by its depth (found through the redrive policy) and an old backlog by its age', () => {
    const withDlq = (visible: number) => observe({}, { queues: [{ name: 'jobs', url: 'u', arn: 'arn:q', found: true, visibleMessages: 40, inFlightMessages: 0, deadLetterTargetArn: 'arn:d' }, { name: 'jobs-failed', url: 'u2', arn: 'arn:d', found: true, visibleMessages: visible, inFlightMessages: 0, deadLetterTargetArn: null }] });
    // 40 messages waiting in an ordinary queue are its work, not a fault.
    expect(statusOf(withDlq(0))).toMatchObject({ 'aws_sqs_queue.q': 'healthy', 'aws_sqs_queue.d': 'healthy' });
    expect(statusOf(withDlq(2))).toMatchObject({ 'aws_sqs_queue.q': 'healthy', 'aws_sqs_queue.d': 'degraded' });
    expect(statusOf(observe({ 'aws_sqs_queue.q:oldest_age': 3600 }))['aws_sqs_queue.q']).toBe('degraded');
  });

  it('takes alarms that name the resource, ignores the rest, and cannot call anything healthy it could not read', () => {
    const alarm = (name: string, dimensions: Record<string, string>, state: Alarm['state']): Alarm => ({ name, arn: null, state, reason: '', stateUpdatedAt: null, namespace: 'AWS/Lambda', metric: 'Errors', dimensions });
    const judged = judge(resources, observe({}, { alarms: [alarm('mine', { FunctionName: 'fn-api' }, 'ALARM'), alarm('theirs', { FunctionName: 'fn-other' }, 'ALARM')] }), t, () => null);
    const api = judged.find((r) => r.address === 'aws_lambda_function.api')!;
    expect(api.status).toBe('degraded');
    expect(api.findings.map((f) => f.check)).toContain('alarm:mine');
    expect(JSON.stringify(judged)).not.toContain('theirs');

    const blind = judge(resources, observe({}, { metrics: { needs, values: null } }), t, () => null);
    expect(blind.find((r) => r.address === 'aws_lambda_function.api')!.status).toBe('unknown');
    expect(overallStatus(blind, [])).toBe('unknown');
    expect(overallStatus([{ status: 'healthy' }], [{ action: 'ecs:DescribeServices', failure: 'denied', message: '', affects: '', grant: null }])).toBe('unknown');
    expect(overallStatus([], [])).toBe('unknown');
    expect(overallStatus([{ status: 'healthy' }, { status: 'down' }, { status: 'degraded' }], [])).toBe('down');
  });
});

describe('investigation', () => {
  const window = { since: '2h', start: new Date(NOW.getTime() - 120 * MIN), end: NOW };
  const group = (count: number, firstMin: number, example: string) => ({ pattern: example, example, count, first_seen: new Date(NOW.getTime() - firstMin * MIN).toISOString(), last_seen: NOW.toISOString(), log_groups: ['/g'], streams: 1 });
  const history = (id: string, finishedMinAgo: number) => ({
    id, operation: 'deploy' as const, env: 'test', started_at: new Date(NOW.getTime() - (finishedMinAgo + 2) * MIN).toISOString(), finished_at: new Date(NOW.getTime() - finishedMinAgo * MIN).toISOString(),
    duration_ms: 120_000, outcome: 'success' as const, profile: 'p', account: '1', caller_arn: 'a', plan_id: null, add: 0, change: 1, destroy: 0, auto_fix_rounds: 0, error_codes: [],
  });

  it('finds when the problem started and ranks the deployment just before it above older ones and later ones out', () => {
    const errors = { window: { since: '2h', start: '', end: '' }, level: 'error' as const, server_filter: null, log_groups: [], events_read: 10, events_matched: 10, truncated: false, limit: 100, groups: [group(10, 50, 'ERROR boom')] };
    const c: Correlation = { issue: '500 errors', errors, alarms: [], deployments: [], resources: [], diagnoses: [], lookbackMs: 24 * 60 * MIN, window };
    const start = problemStart(c);
    expect(new Date(start!).toISOString()).toBe('2026-11-26T11:10:00.000Z');
    const suspects = suspectDeployments([history('d-old', 600), history('d-near', 55), history('d-after', 10), history('d-ancient', 3000)], start, window, c.lookbackMs, []);
    expect(suspects.map((s) => [s.id, s.minutes_before_problem])).toEqual([['d-after', -40], ['d-near', 5], ['d-old', 550]]);
    const ranked = rankHypotheses(c, suspects, start, 'test').filter((h) => h.kind === 'deployment');
    expect(ranked.map((h) => h.title.split(' ')[1])).toEqual(['d-near', 'd-old']);
    expect(ranked[0]!.confidence).toBe('high');
    expect(ranked[1]!.confidence).toBe('low');
  });

  it('lists drift seen before the problem as a suspect with the changed attributes; a drift check that found nothing is no suspect', () => {
    const errors = { window: { since: '2h', start: '', end: '' }, level: 'error' as const, server_filter: null, log_groups: [], events_read: 1, events_matched: 1, truncated: false, limit: 100, groups: [group(1, 50, 'ERROR boom')] };
    const c: Correlation = { issue: 'errors', errors, alarms: [], deployments: [], resources: [], diagnoses: [], lookbackMs: 24 * 60 * MIN, window };
    const start = problemStart(c);
    const drift = (id: string, min: number, resources: { address: string; action: 'update' | 'delete'; attributes: string[] }[]) => ({
      ...history(id, min),
      operation: 'drift' as const,
      change: 0,
      drift: { drift_id: 'abcdefabcdef', accepted: false, resources, pending_changes: 0 },
    });
    const suspects = suspectDeployments(
      [drift('d-drift', 60, [{ address: 'aws_dynamodb_table.items', action: 'update', attributes: ['billing_mode', 'read_capacity'] }, { address: 'aws_iam_role.worker', action: 'delete', attributes: [] }]), drift('d-clean', 70, [])],
      start,
      window,
      c.lookbackMs,
      [],
    );
    expect(suspects.map((s) => s.id)).toEqual(['d-drift']);
    expect(suspects[0]!.drifted_resources).toHaveLength(2);
    const [hypothesis] = rankHypotheses(c, suspects, start, 'test').filter((h) => h.kind === 'deployment');
    expect(hypothesis!.title).toContain('outside Terraform');
    expect(hypothesis!.evidence.map((e) => e.text)).toEqual([
      'aws_dynamodb_table.items changed outside Terraform: billing_mode, read_capacity (infra drift d-drift, 10 min before the problem started)',
      'aws_iam_role.worker was deleted outside Terraform (infra drift d-drift, 10 min before the problem started)',
    ]);
    expect(hypothesis!.next_steps[0]).toBe('faber-cloud infra drift --env test');
    // The timeline and the summary say what the drift check saw; they never call it a deployment.
    const timeline = buildTimeline(c, suspects, start).filter((t) => t.kind === 'deployment');
    expect(timeline.map((t) => [t.at, t.text])).toEqual([
      [suspects[0]!.finished_at, 'infra drift d-drift saw changes made outside Terraform: aws_dynamodb_table.items changed outside Terraform: billing_mode, read_capacity; aws_iam_role.worker was deleted outside Terraform'],
    ]);
    const summary = summarise(c, suspects, rankHypotheses(c, suspects, start, 'test'), start);
    expect(summary).not.toContain('last deployment');
    expect(summary).toContain('changes made outside Terraform seen before it: aws_dynamodb_table.items, aws_iam_role.worker (infra drift d-drift, 10 min earlier)');
    const withDeploy = suspectDeployments([history('d-near', 55), drift('d-drift', 60, [{ address: 'aws_dynamodb_table.items', action: 'update', attributes: ['billing_mode'] }])], start, window, c.lookbackMs, []);
    expect(summarise(c, withDeploy, [], start)).toMatch(/last deployment before it: d-near, 5 min earlier; changes made outside Terraform seen before it: aws_dynamodb_table\.items \(infra drift d-drift, 10 min earlier\)/);
  });

  it('names reports by time and issue, and weighs the issue\'s words', () => {
    expect(slugOf('500 errors on /checkout!!')).toBe('500-errors-on-checkout');
    expect(slugOf('¡¡¡')).toBe('incident');
    expect(issueTerms('500 errors on the checkout API')).toEqual(['500', 'checkout', 'api']);
  });
});

describe('monitoring errors', () => {
  // What ops reports for a failed monitoring read, as AwsMonitoring raises it.
  const problem = (error: unknown, action: string) => problemOf(new ProviderCallError(classifyAwsError(error, action, { region: 'us-east-1' })), 'test', 'x');

  it('classifies denials (moto\'s XML body included), missing resources, outages and credentials', () => {
    const motoDenial = Object.assign(new SyntaxError('Deserialization error'), {
      $metadata: { httpStatusCode: 403 },
      $responseBodyText: '<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/u is not authorized to perform: monitoring:GetMetricData</Message></Error></ErrorResponse>',
    });
    expect(problem(motoDenial, 'cloudwatch:GetMetricData')).toMatchObject({ failure: 'denied', action: 'cloudwatch:GetMetricData' });
    const awsDenial = Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:/g:log-stream: because no identity-based policy allows the logs:FilterLogEvents action'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(problem(awsDenial, 'logs:FilterLogEvents')).toMatchObject({ failure: 'denied', action: 'logs:FilterLogEvents' });
    expect(problem(Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }), 'logs:FilterLogEvents').failure).toBe('not-found');
    expect(problem(Object.assign(new Error('x'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }), 'cloudwatch:DescribeAlarmHistory').failure).toBe('unavailable');
    expect(problem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'ecs:DescribeServices').failure).toBe('unavailable');
    expect(problem(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }), 'sqs:GetQueueAttributes').failure).toBe('credentials');
  });

  it('turns a denial into the permission manager\'s command, and an unknown error into a rethrow', () => {
    const problem = problemOf(new ProviderCallError({ reason: 'permission-denied', action: 'logs:FilterLogEvents', message: 'denied' }), 'test', "log group /aws/lambda/it's");
    expect(problem.message).toBe('logs:FilterLogEvents was denied');
    expect(problem.grant).toBe("faber-cloud permissions grant --env test --action logs:FilterLogEvents --reason 'faber-cloud ops reads log group /aws/lambda/it'\\''s'");
    const stop = (reason: 'permission-denied' | 'unavailable') => opsError(new ProviderCallError({ reason, action: 'logs:FilterLogEvents', message: 'x' }), 'test', 'log group /g', 'ops-monitor');
    expect(stop('permission-denied')).toMatchObject({ code: 'E_OPS_PERMISSION_DENIED', exitCode: 4, details: { problem: { failure: 'denied', grant: expect.stringContaining('--action logs:FilterLogEvents') } } });
    expect(stop('unavailable')).toMatchObject({ code: 'E_OPS_SERVICE_UNAVAILABLE', exitCode: 1 });
    expect(() => problemOf(new TypeError('bug'), 'test', 'x')).toThrow(TypeError);
  });
});
