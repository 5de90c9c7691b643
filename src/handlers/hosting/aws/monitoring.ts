import { ProviderCallError } from '../failures.js';
import {
  type Alarm,
  type AlarmState,
  type AlarmStateChange,
  type ContainerServiceState,
  type LogEventPage,
  type LogFilterRequest,
  type MetricQuery,
  type MetricValue,
  type MonitoringApi,
  type QueueState,
  type TimeWindow,
} from '../monitoring.js';
import { createAwsClient, type AwsClientOptions } from './clients.js';

/**
 * MonitoringApi on AWS: CloudWatch (alarms, alarm history, GetMetricData), CloudWatch Logs
 * (FilterLogEvents), ECS (DescribeServices) and SQS (GetQueueAttributes). Each SDK package is
 * imported the first time a method needs it, and every client comes from createAwsClient.
 * Errors leave as ProviderCallError (./errors.ts) naming the IAM action that failed.
 */

type Lazy<T> = () => Promise<T>;

function once<T>(make: () => Promise<T>): Lazy<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

/** The classifier (and the denial parser behind it) is loaded only when a call has failed. */
async function failure(error: unknown, action: string, region: string, resource?: string): Promise<ProviderCallError> {
  const { classifyAwsError } = await import('./errors.js');
  return new ProviderCallError(classifyAwsError(error, action, { region, ...(resource !== undefined ? { resource } : {}) }), error);
}

/** Metric data queries per GetMetricData call (the API allows 500). */
const QUERIES_PER_CALL = 500;

/** The whole window as one period: a multiple of 60 s, as CloudWatch requires. */
function periodFor(window: TimeWindow): number {
  return Math.max(60, Math.ceil((window.end.getTime() - window.start.getTime()) / 60_000) * 60);
}

function aggregate(stat: MetricQuery['stat'], values: number[]): number | null {
  if (values.length === 0) return null;
  switch (stat) {
    case 'Sum':
    case 'SampleCount':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

const ALARM_STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const asState = (v: unknown): AlarmState | null => (typeof v === 'string' && ALARM_STATES.has(v) ? (v as AlarmState) : null);

export class AwsMonitoring implements MonitoringApi {
  private readonly cloudwatch;
  private readonly logs;
  private readonly ecs;
  private readonly sqs;
  private readonly opened: { destroy(): void }[] = [];

  constructor(private readonly options: AwsClientOptions) {
    this.cloudwatch = once(async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch');
      return { sdk, client: this.track(createAwsClient(sdk.CloudWatchClient, this.options)) };
    });
    this.logs = once(async () => {
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      return { sdk, client: this.track(createAwsClient(sdk.CloudWatchLogsClient, this.options)) };
    });
    this.ecs = once(async () => {
      const sdk = await import('@aws-sdk/client-ecs');
      return { sdk, client: this.track(createAwsClient(sdk.ECSClient, this.options)) };
    });
    this.sqs = once(async () => {
      const sdk = await import('@aws-sdk/client-sqs');
      return { sdk, client: this.track(createAwsClient(sdk.SQSClient, this.options)) };
    });
  }

  private track<C extends { destroy(): void }>(client: C): C {
    this.opened.push(client);
    return client;
  }

  private async fail(error: unknown, action: string, resource?: string): Promise<never> {
    throw await failure(error, action, this.options.region, resource);
  }

  async alarms(filter: { states?: readonly AlarmState[] } = {}): Promise<Alarm[]> {
    const { sdk, client } = await this.cloudwatch();
    const out: Alarm[] = [];
    // One listing per wanted state is cheaper than all alarms when most are OK; none: all alarms.
    const states: (AlarmState | undefined)[] = filter.states?.length ? [...filter.states] : [undefined];
    try {
      for (const StateValue of states) {
        let NextToken: string | undefined;
        do {
          const page = await client.send(new sdk.DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm'], MaxRecords: 100, ...(StateValue ? { StateValue } : {}), ...(NextToken ? { NextToken } : {}) }));
          for (const a of page.MetricAlarms ?? []) {
            out.push({
              name: a.AlarmName ?? '',
              arn: a.AlarmArn ?? null,
              state: asState(a.StateValue) ?? 'INSUFFICIENT_DATA',
              reason: a.StateReason ?? '',
              stateUpdatedAt: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp).toISOString() : null,
              namespace: a.Namespace ?? null,
              metric: a.MetricName ?? null,
              dimensions: Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
            });
          }
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      }
    } catch (error) {
      return this.fail(error, 'cloudwatch:DescribeAlarms');
    }
    return out;
  }

  async alarmHistory(request: { alarmNames?: readonly string[]; start: Date; end: Date }): Promise<AlarmStateChange[]> {
    const { sdk, client } = await this.cloudwatch();
    const names: (string | undefined)[] = request.alarmNames ? [...request.alarmNames] : [undefined];
    const out: AlarmStateChange[] = [];
    try {
      for (const AlarmName of names) {
        let NextToken: string | undefined;
        do {
          const page = await client.send(
            new sdk.DescribeAlarmHistoryCommand({
              HistoryItemType: 'StateUpdate',
              StartDate: request.start,
              EndDate: request.end,
              ScanBy: 'TimestampAscending',
              MaxRecords: 100,
              ...(AlarmName ? { AlarmName } : {}),
              ...(NextToken ? { NextToken } : {}),
            }),
          );
          for (const item of page.AlarmHistoryItems ?? []) {
            let from: AlarmState | null = null;
            let to: AlarmState | null = null;
            try {
              const data = JSON.parse(item.HistoryData ?? '{}') as { oldState?: { stateValue?: string }; newState?: { stateValue?: string } };
              from = asState(data.oldState?.stateValue);
              to = asState(data.newState?.stateValue);
            } catch {
              // HistoryData is documented as JSON; a summary is still worth keeping without it.
            }
            out.push({ alarm: item.AlarmName ?? AlarmName ?? '', at: item.Timestamp ? new Date(item.Timestamp).toISOString() : '', from, to, summary: item.HistorySummary ?? '' });
          }
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      }
    } catch (error) {
      return this.fail(error, 'cloudwatch:DescribeAlarmHistory');
    }
    return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async metricStatistics(queries: readonly MetricQuery[], window: TimeWindow): Promise<MetricValue[]> {
    if (queries.length === 0) return [];
    const { sdk, client } = await this.cloudwatch();
    const Period = periodFor(window);
    const found = new Map<string, number[]>();
    try {
      for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
        const batch = queries.slice(i, i + QUERIES_PER_CALL);
        let NextToken: string | undefined;
        do {
          const page = await client.send(
            new sdk.GetMetricDataCommand({
              StartTime: window.start,
              EndTime: window.end,
              MetricDataQueries: batch.map((q) => ({
                Id: q.id,
                ReturnData: true,
                MetricStat: {
                  Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
                  Period,
                  Stat: q.stat,
                },
              })),
              ...(NextToken ? { NextToken } : {}),
            }),
          );
          for (const r of page.MetricDataResults ?? []) {
            if (!r.Id) continue;
            found.set(r.Id, [...(found.get(r.Id) ?? []), ...(r.Values ?? [])]);
          }
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      }
    } catch (error) {
      return this.fail(error, 'cloudwatch:GetMetricData');
    }
    return queries.map((q) => {
      const values = found.get(q.id) ?? [];
      return { id: q.id, value: aggregate(q.stat, values), datapoints: values.length };
    });
  }

  async containerServices(services: readonly { cluster: string; service: string }[]): Promise<ContainerServiceState[]> {
    if (services.length === 0) return [];
    const { sdk, client } = await this.ecs();
    const byCluster = new Map<string, string[]>();
    for (const s of services) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s.service]);
    const seen = new Map<string, ContainerServiceState>();
    try {
      for (const [cluster, names] of byCluster) {
        // DescribeServices takes at most 10 services per call.
        for (let i = 0; i < names.length; i += 10) {
          const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }));
          for (const s of out.services ?? []) {
            const name = s.serviceName ?? '';
            seen.set(`${cluster}/${name}`, { cluster, service: name, found: s.status !== 'INACTIVE', status: s.status ?? null, desired: s.desiredCount ?? 0, running: s.runningCount ?? 0, pending: s.pendingCount ?? 0 });
          }
        }
      }
    } catch (error) {
      return this.fail(error, 'ecs:DescribeServices');
    }
    return services.map((s) => seen.get(`${s.cluster}/${s.service}`) ?? { cluster: s.cluster, service: s.service, found: false, status: null, desired: 0, running: 0, pending: 0 });
  }

  async queues(queues: readonly { name: string; url?: string | undefined }[]): Promise<QueueState[]> {
    if (queues.length === 0) return [];
    const { sdk, client } = await this.sqs();
    const out: QueueState[] = [];
    for (const q of queues) {
      let url = q.url ?? null;
      try {
        if (!url) url = (await client.send(new sdk.GetQueueUrlCommand({ QueueName: q.name }))).QueueUrl ?? null;
      } catch (error) {
        const failed = await failure(error, 'sqs:GetQueueUrl', this.options.region, q.name);
        if (failed.failure.reason !== 'not-found') throw failed;
      }
      if (!url) {
        out.push({ name: q.name, url: null, arn: null, found: false, visibleMessages: 0, inFlightMessages: 0, deadLetterTargetArn: null });
        continue;
      }
      try {
        const attrs = (await client.send(new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'RedrivePolicy'] }))).Attributes ?? {};
        let deadLetterTargetArn: string | null = null;
        try {
          deadLetterTargetArn = attrs.RedrivePolicy ? ((JSON.parse(attrs.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn ?? null) : null;
        } catch {
          deadLetterTargetArn = null;
        }
        out.push({
          name: q.name,
          url,
          arn: attrs.QueueArn ?? null,
          found: true,
          visibleMessages: Number(attrs.ApproximateNumberOfMessages ?? 0),
          inFlightMessages: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0),
          deadLetterTargetArn,
        });
      } catch (error) {
        const failed = await failure(error, 'sqs:GetQueueAttributes', this.options.region, q.name);
        if (failed.failure.reason !== 'not-found') throw failed;
        out.push({ name: q.name, url, arn: null, found: false, visibleMessages: 0, inFlightMessages: 0, deadLetterTargetArn: null });
      }
    }
    return out;
  }

  async filterLogEvents(request: LogFilterRequest): Promise<LogEventPage> {
    const { sdk, client } = await this.logs();
    try {
      const page = await client.send(
        new sdk.FilterLogEventsCommand({
          logGroupName: request.logGroup,
          startTime: request.start.getTime(),
          endTime: request.end.getTime(),
          limit: request.limit,
          ...(request.pattern ? { filterPattern: request.pattern } : {}),
          ...(request.nextToken ? { nextToken: request.nextToken } : {}),
        }),
      );
      return {
        events: (page.events ?? []).map((e) => ({ logGroup: request.logGroup, logStream: e.logStreamName ?? '', timestamp: e.timestamp ?? 0, message: e.message ?? '' })),
        nextToken: page.nextToken || null,
      };
    } catch (error) {
      return this.fail(error, 'logs:FilterLogEvents', request.logGroup);
    }
  }

  close(): void {
    for (const client of this.opened.splice(0)) client.destroy();
  }
}
