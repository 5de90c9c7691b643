/**
 * The incident report `ops investigate` writes (incidents/{id}.json, with its markdown twin from
 * incident-md.ts): the record's shape, apart from how it is built.
 */
import type { Diagnosis } from '../debugger/debugger.js';
import type { AlarmStateChange } from '../handlers/hosting/monitoring.js';
import type { HistoryEntry } from '../infra/history.js';
import type { MessageGroup } from './logs.js';
import type { OpsProblem } from './problems.js';

export const INCIDENT_SCHEMA_VERSION = 1;

export interface TimelineEntry {
  at: string;
  kind: 'deployment' | 'alarm' | 'errors' | 'problem-start';
  text: string;
}

export interface Evidence {
  kind: 'deployment' | 'alarm' | 'logs' | 'debugger' | 'issue';
  text: string;
  at?: string | undefined;
}

export interface Hypothesis {
  rank: number;
  kind: 'deployment' | 'known-issue' | 'alarm' | 'error-pattern';
  title: string;
  /** 0..1: how strongly the evidence points here (docs/OPS.md explains the scoring). */
  score: number;
  confidence: 'high' | 'medium' | 'low';
  evidence: Evidence[];
  next_steps: string[];
}

export interface DeploymentSuspect {
  id: string;
  operation: HistoryEntry['operation'];
  outcome: HistoryEntry['outcome'];
  started_at: string;
  finished_at: string;
  plan_id: string | null;
  profile: string;
  counts: { add: number; change: number; destroy: number };
  /** Minutes from the end of the deployment to the start of the problem (negative: after it). */
  minutes_before_problem: number | null;
  /** Registry resources of the investigated scope this deployment last changed. */
  changed_resources: string[];
  /** operation drift: the resources `infra drift` found changed (attributes) or deleted outside the IaC tool. */
  drifted_resources?: { address: string; action: 'update' | 'delete'; attributes: string[] }[];
}

export interface IncidentReport {
  schema_version: typeof INCIDENT_SCHEMA_VERSION;
  id: string;
  created_at: string;
  env: string;
  issue: string;
  service: string | null;
  window: { since: string; start: string; end: string };
  identity: { account: string; region: string; profile: string; caller: string };
  problem_started_at: string | null;
  summary: string;
  timeline: TimelineEntry[];
  hypotheses: Hypothesis[];
  errors: { log_groups: string[]; events_read: number; events_matched: number; truncated: boolean; groups: MessageGroup[] };
  alarms: { name: string; state: string; metric: string | null; changes: AlarmStateChange[] }[];
  deployments: DeploymentSuspect[];
  diagnoses: { pattern: string; count: number; diagnosis: Diagnosis }[];
  /** What could not be read, and why: the report is built from the rest. */
  gaps: OpsProblem[];
  files: { json: string; markdown: string };
}
