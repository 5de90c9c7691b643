import { UsageError } from '../core/errors.js';
import type { Registry, RegistryResource } from '../registry/registry.js';

/** The cloud name of a resource: the last segment of its ARN, else of its id (queue URL, name). */
export function resourceName(r: Pick<RegistryResource, 'id' | 'arn'>): string | null {
  const from = r.arn ?? r.id;
  if (!from) return null;
  return from.split(/[/:]/).filter(Boolean).pop() ?? null;
}

/** The registry entry `query` names (address, id, ARN or cloud name), of one of `types`. */
export function resolveTarget(registry: Registry, query: string, types: readonly string[], env: string, role = '--target'): RegistryResource {
  const q = query.trim();
  const matches = registry.resources.filter((r) => r.address === q || r.id === q || r.arn === q || resourceName(r) === q);
  const usable = matches.filter((r) => types.includes(r.type));
  if (usable.length === 1) return usable[0] as RegistryResource;
  if (usable.length > 1) {
    throw new UsageError(`${role} ${q} matches ${usable.length} resources of '${env}': ${usable.map((r) => r.address).join(', ')}`, {
      code: 'E_USAGE_TARGET_AMBIGUOUS',
      hint: `name one by its address, e.g. ${role} ${usable[0]?.address}`,
    });
  }
  const candidates = registry.resources.filter((r) => types.includes(r.type));
  const list = candidates.length > 0 ? `the ${types.join('/')} resources of '${env}': ${candidates.map((r) => `${r.address} (${resourceName(r) ?? r.id ?? '?'})`).join(', ')}` : `'${env}' has no ${types.join('/')} resources`;
  if (matches.length > 0) {
    throw new UsageError(`${role} ${q} is an ${matches[0]?.type ?? 'unknown type'}, not ${types.join(' or ')}`, {
      code: 'E_USAGE_TARGET_TYPE',
      hint: list,
    });
  }
  throw new UsageError(`${role} ${q} is not a resource of '${env}' (not in its registry); only the environment's own resources can be changed`, {
    code: 'E_USAGE_TARGET_NOT_IN_REGISTRY',
    hint: list,
  });
}
