/**
 * What the ops commands read from a provider's monitoring services: alarms and their history,
 * metric statistics, container-service and queue state, and log events. Deliberately narrow:
 * every method is one read the ops modules need, so a GCP or Azure handler implements the same
 * few calls (Cloud Monitoring / Azure Monitor alert policies, metrics, Cloud Logging queries).
 * Read-only: nothing here changes a resource. A failed call throws ProviderCallError (./failures.ts).
 */
export interface MonitoringApi {
  /** Metric alarms, optionally only those in some states. */
  alarms(filter?: { states?: readonly AlarmState[] }): Promise<Alarm[]>;
  /** State changes of alarms in a time range, oldest first. */
  alarmHistory(request: { alarmNames?: readonly string[]; start: Date; end: Date }): Promise<AlarmStateChange[]>;
  /** One aggregate per query over the whole window (no data: `value` null). */
  metricStatistics(queries: readonly MetricQuery[], window: TimeWindow): Promise<MetricValue[]>;
  /** Desired and running task counts of container services. */
  containerServices(services: readonly { cluster: string; service: string }[]): Promise<ContainerServiceState[]>;
  /** Queue depth and redrive settings. `url` when known; otherwise it is looked up by name. */
  queues(queues: readonly { name: string; url?: string | undefined }[]): Promise<QueueState[]>;
  /** One page of log events matching a server-side filter, oldest first. */
  filterLogEvents(request: LogFilterRequest): Promise<LogEventPage>;
  /** Release connections. */
  close(): void;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface Alarm {
  name: string;
  arn: string | null;
  state: AlarmState;
  reason: string;
  /** When the alarm entered its current state. */
  stateUpdatedAt: string | null;
  namespace: string | null;
  metric: string | null;
  dimensions: Record<string, string>;
}

export interface AlarmStateChange {
  alarm: string;
  at: string;
  from: AlarmState | null;
  to: AlarmState | null;
  summary: string;
}

export interface MetricQuery {
  /** Caller's key for the answer (letters, digits, underscore; starts with a lowercase letter). */
  id: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat: 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount';
}

export interface MetricValue {
  id: string;
  /** The statistic over the window; null when the metric has no data points in it. */
  value: number | null;
  datapoints: number;
}

export interface ContainerServiceState {
  cluster: string;
  service: string;
  /** False when the provider does not know the service (deleted, wrong cluster). */
  found: boolean;
  status: string | null;
  desired: number;
  running: number;
  pending: number;
}

export interface QueueState {
  name: string;
  url: string | null;
  arn: string | null;
  found: boolean;
  visibleMessages: number;
  inFlightMessages: number;
  /** The queue failed messages go to (its redrive policy), when it has one. */
  deadLetterTargetArn: string | null;
}

export interface LogFilterRequest {
  logGroup: string;
  start: Date;
  end: Date;
  /** The provider's server-side filter expression (CloudWatch Logs filter pattern). */
  pattern?: string | undefined;
  /** Most events this page may return. */
  limit: number;
  nextToken?: string | undefined;
}

export interface LogEvent {
  logGroup: string;
  logStream: string;
  timestamp: number;
  message: string;
}

export interface LogEventPage {
  events: LogEvent[];
  nextToken: string | null;
}
