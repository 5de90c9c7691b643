import { findOnPath, runProcess } from '../../../core/process.js';
import type { Diagnostic } from '../types.js';

/**
 * cfn-lint, when it is on PATH (an optional adapter, like checkov for plans): its findings join
 * `infra validate`'s diagnostics with file and line. Absent, validation is CloudFormation's
 * ValidateTemplate alone.
 */

/**
 * `cfn-lint --format json`: a list of matches, each with Rule.Id, Level (Error, Warning,
 * Informational), Message and Location.Start (LineNumber, ColumnNumber).
 */
export function parseCfnLintJson(output: string, file: string): Diagnostic[] {
  const parsed: unknown = JSON.parse(output);
  if (!Array.isArray(parsed)) throw new Error('cfn-lint output is not a list');
  return parsed.map((raw) => {
    const m = raw as { Rule?: { Id?: string }; Level?: string; Message?: string; Location?: { Start?: { LineNumber?: number; ColumnNumber?: number } } };
    const start = m.Location?.Start;
    return {
      severity: m.Level === 'Error' ? 'error' : 'warning',
      summary: `${m.Rule?.Id ? `${m.Rule.Id}: ` : ''}${m.Message ?? 'cfn-lint finding'}`,
      file,
      ...(typeof start?.LineNumber === 'number' ? { line: start.LineNumber } : {}),
      ...(typeof start?.ColumnNumber === 'number' ? { column: start.ColumnNumber } : {}),
    } satisfies Diagnostic;
  });
}

export async function lintTemplate(templateFile: string, shownAs: string, env: NodeJS.ProcessEnv): Promise<Diagnostic[]> {
  const binary = await findOnPath('cfn-lint', env);
  if (!binary) return [];
  const result = await runProcess(binary, ['--format', 'json', '--', templateFile], { env: { ...process.env, ...env }, timeoutMs: 120_000 });
  // cfn-lint exits non-zero when it finds something; only unreadable output is a failure.
  try {
    return parseCfnLintJson(result.stdout || '[]', shownAs);
  } catch {
    return [{ severity: 'warning', summary: `cfn-lint gave no JSON report: ${result.stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`}`, file: shownAs }];
  }
}
