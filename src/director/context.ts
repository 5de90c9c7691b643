import type { FaberConfig } from '../core/config/schema.js';
import type { RouteContext } from './types.js';

/** What the router needs from a project's configuration: its environments, and which deploy with the prod profile. */
export function routeContextOf(config: FaberConfig | undefined): RouteContext {
  // Without a project the router still works: environments named in the request are taken as given.
  if (!config) return { environments: [], prodEnvironments: [] };
  const envs = Object.entries(config.environments);
  return { environments: envs.map(([name]) => name), prodEnvironments: envs.filter(([, e]) => e.profile === 'prod').map(([name]) => name) };
}
