import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseJsonRecord } from '../../core/artifact-content.js';
import { writeJsonAtomic, type WriteScope } from '../../core/files/atomic.js';
import type { ResourceCheck } from '../../handlers/hosting/types.js';
import type { AdapterRun, CostEstimate, Finding, GateResult, Unchecked } from './types.js';

/** deployments/{env}/tests/{timestamp}-pre.json */
export interface PreTestResult {
  schema_version: 1;
  phase: 'pre';
  env: string;
  plan_id: string;
  ran_at: string;
  /** Who ran it: a person (infra test) or the deployer before applying (infra deploy). */
  trigger: 'infra test' | 'infra deploy';
  passed: boolean;
  gate: GateResult;
  findings: Finding[];
  unchecked: Unchecked[];
  cost: CostEstimate;
  adapters: AdapterRun[];
  rules: string[];
  /** Resources the plan leaves in place (what was tested). */
  resources: number;
}

/** deployments/{env}/tests/{timestamp}-post.json */
export interface PostTestResult {
  schema_version: 1;
  phase: 'post';
  env: string;
  ran_at: string;
  passed: boolean;
  account: string;
  /** The registry the checks were made from (its updated_at and last deployment). */
  registry: { updated_at: string; resources: number };
  counts: Record<ResourceCheck['status'], number>;
  checks: ResourceCheck[];
}

export type TestResult = PreTestResult | PostTestResult;

export const TEST_RESULT_SCHEMA_VERSION = 1;
export const TEST_RESULT_FILE = /^\d{8}T\d{9}Z-(pre|post)\.json$/;

/**
 * What a saved result must hold for the history to summarise it: the fields it reads, typed.
 * Loose on the rest (findings, adapters, checks): those are reports, shown as they are.
 */
const counts = z.record(z.string(), z.number());
export const TestResultRecordSchema = z.discriminatedUnion('phase', [
  z.looseObject({ schema_version: z.literal(TEST_RESULT_SCHEMA_VERSION), phase: z.literal('pre'), env: z.string(), plan_id: z.string(), ran_at: z.string(), passed: z.boolean(), gate: z.looseObject({ counts }) }),
  z.looseObject({ schema_version: z.literal(TEST_RESULT_SCHEMA_VERSION), phase: z.literal('post'), env: z.string(), ran_at: z.string(), passed: z.boolean(), counts }),
]);

/** Judge one saved result's text; bad content is an ArtifactError naming the file. */
export function parseTestResult(text: string, displayPath: string): TestResult {
  return parseJsonRecord(text, displayPath, { what: 'an infra test result', schema: TestResultRecordSchema, schemaVersion: TEST_RESULT_SCHEMA_VERSION }) as unknown as TestResult;
}

function fileName(result: TestResult): string {
  return `${result.ran_at.replace(/[-:.]/g, '')}-${result.phase}.json`;
}

/** Save a result atomically; returns its path. */
export async function saveTestResult(testsDir: string, result: TestResult, scope: WriteScope): Promise<string> {
  const file = path.join(testsDir, fileName(result));
  await writeJsonAtomic(file, result, scope);
  return file;
}

/** What a history entry (infra/history.ts) says about one saved infra test result. */
export const TestResultSummarySchema = z.strictObject({
  /** The result file, relative to deployments/{env}/. */
  file: z.string(),
  phase: z.enum(['pre', 'post']),
  ran_at: z.string(),
  passed: z.boolean(),
  plan_id: z.string().optional(),
  /** pre: findings per severity; post: checks per status. */
  counts: z.record(z.string(), z.number()),
});
export type TestResultSummary = z.output<typeof TestResultSummarySchema>;

export function summarise(result: TestResult, relativeFile: string): TestResultSummary {
  return {
    file: relativeFile,
    phase: result.phase,
    ran_at: result.ran_at,
    passed: result.passed,
    ...(result.phase === 'pre' ? { plan_id: result.plan_id } : {}),
    counts: result.phase === 'pre' ? { ...result.gate.counts } : { ...result.counts },
  };
}

/**
 * Summaries of the results saved after `since` (all when undefined), oldest first, at most
 * `limit` (the newest ones). A damaged result is an ArtifactError naming it (callers that write
 * history validate the results before their mutation, see artifacts/catalogue.ts).
 */
export async function resultsSince(envDir: string, testsDir: string, since: string | undefined, limit = 10, display: (file: string) => string = (f) => f): Promise<TestResultSummary[]> {
  const names = await readdir(testsDir).catch(() => [] as string[]);
  const summaries: TestResultSummary[] = [];
  for (const name of names.filter((n) => TEST_RESULT_FILE.test(n)).sort()) {
    const file = path.join(testsDir, name);
    const result = parseTestResult(await readFile(file, 'utf8'), display(file));
    if (since !== undefined && result.ran_at <= since) continue;
    summaries.push(summarise(result, path.relative(envDir, file)));
  }
  return summaries.slice(-limit);
}
