/**
 * What `infra history` and `infra show-resources` read: an environment's records, as data.
 * Reading only; the CLI renders them.
 */
import { readRegistry, type RegistryResource } from '../registry/registry.js';
import { loadEnvironment } from './environment.js';
import { readHistory, type HistoryEntry } from './history.js';

/** The newest `limit` entries of the environment's history, newest first. */
export async function recentHistory(cwd: string, env: string, limit: number, processEnv: NodeJS.ProcessEnv): Promise<{ env: string; entries: HistoryEntry[] }> {
  const view = await loadEnvironment(cwd, env, processEnv);
  const entries = (await readHistory(view.envPaths.historyFile, view.display(view.envPaths.historyFile))).slice(-limit).reverse();
  return { env: view.name, entries };
}

export interface DeployedResources {
  env: string;
  /** The registry file, relative to the project. */
  registry: string;
  account: string | null;
  /** null: nothing was ever recorded for the environment. */
  updated_at: string | null;
  resources: RegistryResource[];
}

/** The environment's registered resources, of one type when `type` is given. */
export async function deployedResources(cwd: string, env: string, type: string | undefined, processEnv: NodeJS.ProcessEnv): Promise<DeployedResources> {
  const view = await loadEnvironment(cwd, env, processEnv);
  const registry = await readRegistry(view.envPaths.registryFile, view.display(view.envPaths.registryFile));
  const resources = (registry?.resources ?? []).filter((r) => !type || r.type === type);
  return { env: view.name, registry: view.display(view.envPaths.registryFile), account: registry?.account ?? null, updated_at: registry?.updated_at ?? null, resources };
}
