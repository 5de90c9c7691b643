import path from 'node:path';
import { validateBeforeMutation } from '../artifacts/catalogue.js';
import { loadProjectConfig } from '../core/config/load.js';
import { environmentOf } from '../core/guard.js';
import type { DebugContext } from '../debugger/debugger.js';

/**
 * The project's debugger for `infra debug`: the environment, when named, must be configured,
 * and the artifacts the command may write (the issue log) or reads (the environment's history)
 * are judged before anything is read or learnt.
 */
export async function openDebugContext(cwd: string, processEnv: NodeJS.ProcessEnv, env: string | undefined): Promise<DebugContext> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  if (env !== undefined) environmentOf(config, env);
  await validateBeforeMutation('infra debug', paths, env);
  return { config, paths, display: (file) => path.relative(paths.root, file) || '.' };
}
