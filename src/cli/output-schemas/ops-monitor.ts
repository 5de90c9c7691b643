/** Output schemas of ops check-health, query-logs and investigate (src/cli/command-sets/ops-monitor.ts). */
import { z } from 'zod';
import { DriftRecordSchema, HistoryEntrySchema } from '../../infra/history.js';
import { ApplyCountsSchema, DiagnosisSchema, OpsProblemSchema, WindowSchema, count } from './common.js';

const status = z.enum(['healthy', 'degraded', 'down', 'unknown']);

export const opsCheckHealth = z.strictObject({
  env: z.string(),
  service: z.string().nullable(),
  window: WindowSchema,
  source: z.enum(['registry', 'tags']).describe('how the resources were found'),
  registry: z.string().nullable(),
  status: status.describe('anything but healthy exits 1'),
  resources: z.array(
    z.strictObject({
      key: z.string().describe('registry address, or the ARN of a resource found by tag'),
      address: z.string().nullable(),
      type: z.string(),
      kind: z.enum(['lambda', 'ecs-service', 'dynamodb-table', 'sqs-queue', 'api-gateway-rest', 'api-gateway-http', 'log-group', 'alarm', 'other']),
      name: z.string(),
      service: z.string().nullable(),
      status,
      findings: z.array(
        z.strictObject({
          check: z.string(),
          level: z.enum(['ok', 'notice', 'degraded', 'down', 'unknown']),
          message: z.string(),
          value: z.number().nullable(),
          threshold: z.number().nullable(),
        }),
      ),
    }),
  ),
  skipped: count.describe('resources with nothing to check'),
  alarms: z.strictObject({ in_alarm: count, insufficient_data: count }),
  problems: z.array(OpsProblemSchema),
});

const MessageGroupSchema = z.strictObject({
  pattern: z.string().describe('the message with ids, numbers, times and names replaced'),
  example: z.string(),
  count,
  first_seen: z.string(),
  last_seen: z.string(),
  log_groups: z.array(z.string()),
  streams: count,
});

export const opsQueryLogs = z.strictObject({
  env: z.string(),
  service: z.string(),
  source: z.enum(['registry', 'tags']),
  window: WindowSchema,
  level: z.enum(['error', 'warn', 'info', 'debug']).nullable(),
  server_filter: z.string().nullable(),
  log_groups: z.array(z.strictObject({ name: z.string(), events: count, pages: count, missing: z.boolean() })),
  events_read: count,
  events_matched: count,
  truncated: z.boolean(),
  limit: count,
  groups: z.array(MessageGroupSchema),
});

const alarmState = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** The incident report (incidents/{id}.json), as written. */
export const opsInvestigate = z.strictObject({
  schema_version: z.literal(1).describe('of the incident file'),
  id: z.string(),
  created_at: z.string(),
  env: z.string(),
  issue: z.string(),
  service: z.string().nullable(),
  window: WindowSchema,
  identity: z.strictObject({ account: z.string(), region: z.string(), profile: z.string(), caller: z.string() }),
  problem_started_at: z.string().nullable(),
  summary: z.string(),
  timeline: z.array(z.strictObject({ at: z.string(), kind: z.enum(['deployment', 'alarm', 'errors', 'problem-start']), text: z.string() })),
  hypotheses: z.array(
    z.strictObject({
      rank: z.number().int(),
      kind: z.enum(['deployment', 'known-issue', 'alarm', 'error-pattern']),
      title: z.string(),
      score: z.number().min(0).max(1),
      confidence: z.enum(['high', 'medium', 'low']),
      evidence: z.array(z.strictObject({ kind: z.enum(['deployment', 'alarm', 'logs', 'debugger', 'issue']), text: z.string(), at: z.string().optional() })),
      next_steps: z.array(z.string()),
    }),
  ),
  errors: z.strictObject({ log_groups: z.array(z.string()), events_read: count, events_matched: count, truncated: z.boolean(), groups: z.array(MessageGroupSchema) }),
  alarms: z.array(
    z.strictObject({
      name: z.string(),
      state: z.string(),
      metric: z.string().nullable(),
      changes: z.array(z.strictObject({ alarm: z.string(), at: z.string(), from: alarmState.nullable(), to: alarmState.nullable(), summary: z.string() })),
    }),
  ),
  deployments: z.array(
    z.strictObject({
      id: z.string(),
      operation: HistoryEntrySchema.shape.operation,
      outcome: HistoryEntrySchema.shape.outcome,
      started_at: z.string(),
      finished_at: z.string(),
      plan_id: z.string().nullable(),
      profile: z.string(),
      counts: ApplyCountsSchema,
      minutes_before_problem: z.number().nullable(),
      changed_resources: z.array(z.string()),
      /** operation drift: what `infra drift` found changed or deleted outside the IaC tool. */
      drifted_resources: DriftRecordSchema.shape.resources.optional(),
    }),
  ),
  diagnoses: z.array(z.strictObject({ pattern: z.string(), count, diagnosis: DiagnosisSchema })),
  gaps: z.array(OpsProblemSchema),
  files: z.strictObject({ json: z.string(), markdown: z.string() }),
});
