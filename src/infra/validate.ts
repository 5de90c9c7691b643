import path from 'node:path';
import type { Diagnostic } from '../handlers/iac/types.js';
import { loadEnvironment, openEnvironment, iacDirectory } from './environment.js';

export interface ValidateResult {
  env: string;
  directory: string;
  valid: boolean;
  /** Files whose formatting differs from `fmt`. */
  unformatted: string[];
  diagnostics: Diagnostic[];
  tool: { tool: string; version: string };
}

/** Config (already valid once loaded) + fmt -check + validate. Reads only; needs no credentials. */
export async function validateInfrastructure(cwd: string, env: string, processEnv: NodeJS.ProcessEnv): Promise<ValidateResult> {
  const view = await loadEnvironment(cwd, env, processEnv);
  const directory = await iacDirectory(view);
  const open = await openEnvironment(view, undefined, processEnv);
  const tool = await open.iac.describe();
  const unformatted = (await open.iac.fmtCheck()).map((file) => path.relative(view.paths.root, path.resolve(directory, file)));
  await open.iac.init({ backend: false });
  const diagnostics = await open.iac.validate();
  for (const d of diagnostics) if (d.file) d.file = path.relative(view.paths.root, path.resolve(directory, d.file));
  const valid = unformatted.length === 0 && !diagnostics.some((d) => d.severity === 'error');
  return { env, directory: view.display(directory), valid, unformatted, diagnostics, tool: { tool: tool.tool, version: tool.version } };
}
