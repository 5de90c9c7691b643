import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic, type WriteScope } from '../../core/files/atomic.js';
import type { ResourceCheck } from '../../handlers/hosting/types.js';
import type { TestResultSummary } from '../history.js';
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

function fileName(result: TestResult): string {
  return `${result.ran_at.replace(/[-:.]/g, '')}-${result.phase}.json`;
}

/** Save a result atomically; returns its path. */
export async function saveTestResult(testsDir: string, result: TestResult, scope: WriteScope): Promise<string> {
  const file = path.join(testsDir, fileName(result));
  await writeJsonAtomic(file, result, scope);
  return file;
}

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
 * `limit` (the newest ones). Unreadable files are skipped: history must not fail on them.
 */
export async function resultsSince(envDir: string, testsDir: string, since: string | undefined, limit = 10): Promise<TestResultSummary[]> {
  const names = await readdir(testsDir).catch(() => [] as string[]);
  const summaries: TestResultSummary[] = [];
  for (const name of names.filter((n) => /^\d{8}T\d{9}Z-(pre|post)\.json$/.test(n)).sort()) {
    try {
      const result = JSON.parse(await readFile(path.join(testsDir, name), 'utf8')) as TestResult;
      if (since !== undefined && result.ran_at <= since) continue;
      summaries.push(summarise(result, path.relative(envDir, path.join(testsDir, name))));
    } catch {
      // a foreign or damaged file is not ours to judge here
    }
  }
  return summaries.slice(-limit);
}
