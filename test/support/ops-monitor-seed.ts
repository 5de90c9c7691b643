import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from './moto.js';

/**
 * Seeding moto for the ops commands, straight through the SDK (no IaC run): alarms, metric
 * data, log events in batches, and the registry.json / history.jsonl a deploy would have
 * written for those resources (our own formats).
 */

const sdkConfig = () => ({ region: MOTO_REGION, endpoint: process.env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });

export const cloudwatch = () => new CloudWatchClient(sdkConfig());
export const logsClient = () => new CloudWatchLogsClient(sdkConfig());

export interface RegistryEntry {
  address: string;
  type: string;
  id: string;
  arn?: string | null;
  tags?: Record<string, string>;
  deployment_id?: string | null;
  updated_at?: string;
}

/** deployments/{env}/registry.json as `infra deploy` writes it (schema_version 1). */
export async function writeRegistry(projectDir: string, env: string, entries: RegistryEntry[], now = new Date()): Promise<string> {
  const file = path.join(projectDir, '.fractary', 'plugins', 'faber-cloud', 'deployments', env, 'registry.json');
  await writeRegistryFile(file, env, entries, now);
  return file;
}

/** A registry file at `file` for `entries`: every field a deploy writes, in schema order. */
export async function writeRegistryFile(file: string, env: string, entries: RegistryEntry[], now = new Date()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const at = now.toISOString();
  const registry = {
    schema_version: 1,
    env,
    project: 'life',
    account: MOTO_ACCOUNT_ID,
    region: MOTO_REGION,
    updated_at: at,
    resources: entries.map((e) => ({
      address: e.address,
      type: e.type,
      name: e.address.split('.').pop()!,
      id: e.id,
      arn: e.arn ?? null,
      region: MOTO_REGION,
      console_url: null,
      tags: e.tags ?? {},
      created_at: at,
      updated_at: e.updated_at ?? at,
      deployment_id: e.deployment_id ?? null,
      fingerprint: `fp-${e.address}`,
    })),
  };
  await writeFile(file, `${JSON.stringify(registry, null, 2)}\n`);
}

export interface HistoryLine {
  id: string;
  started_at: string;
  finished_at: string;
  outcome?: 'success' | 'failed';
  plan_id?: string;
  add?: number;
  change?: number;
}

/** deployments/{env}/history.jsonl lines as deploys write them. */
export async function writeHistory(projectDir: string, env: string, lines: HistoryLine[]): Promise<void> {
  const file = path.join(projectDir, '.fractary', 'plugins', 'faber-cloud', 'deployments', env, 'history.jsonl');
  await mkdir(path.dirname(file), { recursive: true });
  const text = lines
    .map((l) =>
      JSON.stringify({
        id: l.id,
        operation: 'deploy',
        env,
        started_at: l.started_at,
        finished_at: l.finished_at,
        duration_ms: Date.parse(l.finished_at) - Date.parse(l.started_at),
        outcome: l.outcome ?? 'success',
        profile: 'life-test-deploy',
        account: MOTO_ACCOUNT_ID,
        caller_arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/life-test-deploy`,
        plan_id: l.plan_id ?? null,
        add: l.add ?? 0,
        change: l.change ?? 1,
        destroy: 0,
        auto_fix_rounds: 0,
        error_codes: [],
      }),
    )
    .join('\n');
  await writeFile(file, `${text}\n`);
}

export async function putMetric(namespace: string, metric: string, dimensions: Record<string, string>, values: { value: number; at: Date }[], unit: StandardUnit = 'Count'): Promise<void> {
  const cw = cloudwatch();
  await cw.send(
    new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: values.map((v) => ({ MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })), Value: v.value, Timestamp: v.at, Unit: unit })),
    }),
  );
  cw.destroy();
}

export async function alarm(name: string, spec: { namespace: string; metric: string; dimensions: Record<string, string>; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; reason?: string }): Promise<void> {
  const cw = cloudwatch();
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: spec.namespace,
      MetricName: spec.metric,
      Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  if (spec.state !== 'OK') await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: spec.state, StateReason: spec.reason ?? `seeded ${spec.state}` }));
  cw.destroy();
}

/** Log events, spread over streams and sent in batches of at most 2,000 (oldest first per batch). */
export async function putLogEvents(group: string, events: { timestamp: number; message: string }[], streams: number): Promise<void> {
  const logs = logsClient();
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((e: Error) => {
    if (e.name !== 'ResourceAlreadyExistsException') throw e;
  });
  const byStream: { timestamp: number; message: string }[][] = Array.from({ length: streams }, () => []);
  events.forEach((e, i) => byStream[i % streams]!.push(e));
  for (let s = 0; s < streams; s++) {
    const logStreamName = `2026/11/26/[$LATEST]stream${s}`;
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName }));
    const sorted = byStream[s]!.sort((a, b) => a.timestamp - b.timestamp);
    for (let i = 0; i < sorted.length; i += 2_000) await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName, logEvents: sorted.slice(i, i + 2_000) }));
  }
  logs.destroy();
}

/** A deterministic uuid-shaped request id. */
export function requestId(i: number): string {
  const hex = (i * 2654435761).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(0, 3)}-a${hex.slice(3, 6)}-${hex}`;
}

export function lambdaLine(at: number, i: number, level: string, text: string): string {
  return `${new Date(at).toISOString()}\t${requestId(i)}\t${level}\t${text}`;
}
