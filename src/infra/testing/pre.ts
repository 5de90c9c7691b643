import type { FaberConfig } from '../../core/config/schema.js';
import type { PlannedResource } from '../../handlers/iac/types.js';
import { runAdapters } from './adapters.js';
import { ruleCatalogue } from './catalogue.js';
import { estimateCost } from './cost.js';
import { evaluateGate } from './gate.js';
import type { PreTestResult } from './results.js';
import { runRules } from './rules.js';
import { SEVERITY_RANK } from './catalogue.js';

export interface PreTestInput {
  env: string;
  planId: string;
  region: string;
  resources: readonly PlannedResource[];
  testing: FaberConfig['testing'];
  trigger: PreTestResult['trigger'];
  /** Writes the full plan JSON for the adapters; they run only if given. */
  writePlanJson?: (out: string) => Promise<void>;
  /** checkov's --framework for what writePlanJson writes (the IaC handler's); default terraform_plan. */
  scanFramework?: string;
  processEnv: NodeJS.ProcessEnv;
}

/** Security rules, adapters, cost estimate and the gate over one plan. Reads only. */
export async function runPreTests(input: PreTestInput): Promise<PreTestResult> {
  const ranAt = new Date().toISOString();
  const { iamCatalogue } = await import('../../handlers/hosting/aws/iam-catalogue.js');
  const own = await runRules(input.resources, ruleCatalogue, iamCatalogue);
  const adapters = input.writePlanJson
    ? await runAdapters(input.testing.adapters, input.writePlanJson, input.processEnv, input.scanFramework)
    : { runs: [], findings: [] };
  const findings = [...own.findings, ...adapters.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const cost = estimateCost(input.resources, undefined, input.region);
  const gate = evaluateGate(findings, cost, input.testing);
  return {
    schema_version: 1,
    phase: 'pre',
    env: input.env,
    plan_id: input.planId,
    ran_at: ranAt,
    trigger: input.trigger,
    passed: gate.passed,
    gate,
    findings,
    unchecked: own.unchecked,
    cost,
    adapters: adapters.runs,
    rules: own.rules,
    resources: input.resources.filter((r) => r.action !== 'delete').length,
  };
}
