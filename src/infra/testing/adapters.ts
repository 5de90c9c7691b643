import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findOnPath, runProcess } from '../../core/process.js';
import type { AdapterRun, Finding, Severity } from './types.js';

/**
 * Optional third-party scanners over the plan JSON: checkov and trivy, run only when they
 * are on PATH (and not turned off in testing.adapters). Their findings join faber-cloud's own,
 * in the same shape, and count towards the same gate.
 */

export type AdapterTool = 'checkov' | 'trivy';

const SEVERITY_WORDS: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', INFO: 'low', UNKNOWN: 'low' };

function severityOf(value: unknown, fallback: Severity): Severity {
  return typeof value === 'string' ? (SEVERITY_WORDS[value.toUpperCase()] ?? fallback) : fallback;
}

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' && value.trim() ? value.trim() : fallback);

/**
 * `checkov -o json`: one report object, or an array of them (one per framework), each with
 * results.failed_checks[] (check_id, check_name, resource, guideline, severity). A scan with
 * nothing to check prints a bare summary object. Severity is null without a Prisma Cloud
 * API key: such findings count as medium.
 */
export function parseCheckovJson(output: string): Finding[] {
  const parsed: unknown = JSON.parse(output);
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const findings: Finding[] = [];
  for (const report of reports) {
    const failed = (report as { results?: { failed_checks?: unknown[] } })?.results?.failed_checks ?? [];
    for (const raw of failed) {
      const check = raw as Record<string, unknown>;
      const id = text(check.check_id, 'CKV_UNKNOWN');
      const guideline = text(check.guideline);
      findings.push({
        rule: id,
        severity: severityOf(check.severity, 'medium'),
        title: text(check.check_name, id),
        address: text(check.resource, text(check.file_path, '(unknown resource)')),
        message: text(check.check_name, id),
        why: `checkov ${id}${check.severity ? '' : ' (no severity given: counted as medium)'}`,
        fix: guideline ? `see ${guideline}` : 'see the checkov documentation for this check',
        source: 'checkov',
      });
    }
  }
  return findings;
}

/**
 * `trivy config --format json`: Results[] with Misconfigurations[] (ID, AVDID, Title,
 * Description, Message, Resolution, Severity, Status, PrimaryURL, CauseMetadata.Resource).
 * Only Status FAIL is a finding (passed checks appear with --include-non-failures).
 */
export function parseTrivyJson(output: string): Finding[] {
  const parsed = JSON.parse(output) as { Results?: { Target?: string; Misconfigurations?: Record<string, unknown>[] | null }[] | null };
  const findings: Finding[] = [];
  for (const result of parsed.Results ?? []) {
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status !== undefined && m.Status !== 'FAIL') continue;
      const id = text(m.AVDID, text(m.ID, 'TRIVY'));
      const cause = (m.CauseMetadata ?? {}) as Record<string, unknown>;
      const url = text(m.PrimaryURL);
      findings.push({
        rule: id,
        severity: severityOf(m.Severity, 'low'),
        title: text(m.Title, id),
        address: text(cause.Resource, text(result.Target, '(unknown resource)')),
        message: text(m.Message, text(m.Title, id)),
        why: text(m.Description, `trivy ${id}`),
        fix: `${text(m.Resolution, 'see the trivy documentation')}${url ? ` (${url})` : ''}`,
        source: 'trivy',
      });
    }
  }
  return findings;
}

const COMMANDS: Record<AdapterTool, (planJson: string, framework: string) => string[]> = {
  checkov: (planJson, framework) => ['-f', planJson, '--framework', framework, '-o', 'json', '--compact'],
  trivy: (planJson) => ['config', '--format', 'json', '--quiet', planJson],
};

const PARSERS: Record<AdapterTool, (output: string) => Finding[]> = { checkov: parseCheckovJson, trivy: parseTrivyJson };

export interface AdapterSettings {
  checkov: 'auto' | 'off';
  trivy: 'auto' | 'off';
  timeout_seconds: number;
}

/**
 * Run every enabled, installed adapter on the plan. `writePlanJson` writes the tool's full plan
 * JSON (values included) to a file; it goes to a private temporary directory and is deleted
 * right after, whatever happens. Nothing is written when no adapter runs.
 */
export async function runAdapters(
  settings: AdapterSettings,
  writePlanJson: (out: string) => Promise<void>,
  env: NodeJS.ProcessEnv,
  /** What writePlanJson writes, as checkov's --framework names it (the IaC handler says). */
  framework = 'terraform_plan',
): Promise<{ runs: AdapterRun[]; findings: Finding[] }> {
  const runs: AdapterRun[] = [];
  const findings: Finding[] = [];
  const ready: [AdapterTool, string][] = [];
  for (const tool of ['checkov', 'trivy'] as const) {
    if (settings[tool] === 'off') {
      runs.push({ tool, status: 'disabled', detail: `off (testing.adapters.${tool})`, findings: 0 });
      continue;
    }
    const binary = await findOnPath(tool, env);
    if (binary) ready.push([tool, binary]);
    else runs.push({ tool, status: 'not-installed', detail: 'not installed, skipped', findings: 0 });
  }
  if (ready.length === 0) return { runs, findings };
  const dir = await mkdtemp(path.join(tmpdir(), 'faber-plan-'));
  try {
    const planJson = path.join(dir, framework === 'terraform_plan' ? 'tfplan.json' : 'template.json');
    await writePlanJson(planJson);
    for (const [tool, binary] of ready) {
      const result = await runProcess(binary, COMMANDS[tool](planJson, framework), { env: { ...process.env, ...env }, timeoutMs: settings.timeout_seconds * 1000 });
      // Both exit non-zero when they find something; only unreadable output is a failure.
      try {
        const found = PARSERS[tool](result.stdout);
        findings.push(...found);
        runs.push({ tool, status: 'ran', detail: `ran ${binary}`, findings: found.length });
      } catch {
        const reason = result.timedOut ? `timed out after ${settings.timeout_seconds}s` : (result.stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`);
        runs.push({ tool, status: 'failed', detail: `${binary} gave no JSON report: ${reason}`, findings: 0 });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { runs, findings };
}
