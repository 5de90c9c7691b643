import { z } from 'zod';
import { ArtifactError } from '../core/errors.js';
import { readJsonFile, writeJsonAtomic } from '../core/files/atomic.js';
import type { StateResource } from '../handlers/iac/types.js';

export const REGISTRY_SCHEMA_VERSION = 1;

export const RegistryResourceSchema = z.object({
  address: z.string(),
  type: z.string(),
  name: z.string(),
  id: z.string().nullable(),
  arn: z.string().nullable(),
  region: z.string().nullable(),
  console_url: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  deployment_id: z.string().nullable(),
  /** Fingerprint of the resource's values: a change moves updated_at. */
  fingerprint: z.string(),
});

export const RegistrySchema = z.object({
  schema_version: z.literal(REGISTRY_SCHEMA_VERSION),
  env: z.string(),
  project: z.string(),
  account: z.string().nullable(),
  region: z.string(),
  updated_at: z.string(),
  resources: z.array(RegistryResourceSchema),
});

export type Registry = z.infer<typeof RegistrySchema>;
export type RegistryResource = z.infer<typeof RegistryResourceSchema>;

/** Provider-specific facts about a resource: supplied by the hosting handler. */
export type ResourceLinker = (resource: StateResource) => { arn?: string | undefined; consoleUrl?: string | undefined; region?: string | undefined };

export interface RegistryContext {
  env: string;
  project: string;
  account: string | null;
  region: string;
  deploymentId: string | null;
  now: string;
  link: ResourceLinker;
}

function stringTags(values: Record<string, unknown>): Record<string, string> {
  const tags = (values.tags_all ?? values.tags) as Record<string, unknown> | null | undefined;
  if (!tags || typeof tags !== 'object') return {};
  return Object.fromEntries(Object.entries(tags).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** FNV-1a over the canonical JSON of the values: cheap, stable, enough to notice change. */
export function fingerprint(values: unknown): string {
  const text = JSON.stringify(values, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The registry for the current state, merged with the previous one: a resource keeps its
 * created_at; updated_at and deployment_id move only when its values changed; resources
 * no longer in state are dropped.
 */
export function buildRegistry(previous: Registry | undefined, resources: readonly StateResource[], ctx: RegistryContext): Registry {
  const before = new Map((previous?.resources ?? []).map((r) => [r.address, r]));
  const entries: RegistryResource[] = resources.map((resource) => {
    const link = ctx.link(resource);
    const print = fingerprint(resource.values);
    const old = before.get(resource.address);
    const unchanged = old !== undefined && old.fingerprint === print;
    const id = resource.values.id;
    return {
      address: resource.address,
      type: resource.type,
      name: resource.name,
      id: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
      arn: link.arn ?? null,
      region: link.region ?? ctx.region,
      console_url: link.consoleUrl ?? null,
      tags: stringTags(resource.values),
      created_at: old?.created_at ?? ctx.now,
      updated_at: unchanged ? old.updated_at : ctx.now,
      deployment_id: unchanged ? old.deployment_id : ctx.deploymentId,
      fingerprint: print,
    };
  });
  return {
    schema_version: REGISTRY_SCHEMA_VERSION,
    env: ctx.env,
    project: ctx.project,
    account: ctx.account,
    region: ctx.region,
    updated_at: ctx.now,
    resources: entries,
  };
}

export async function readRegistry(file: string, displayPath: string): Promise<Registry | undefined> {
  const raw = await readJsonFile(file, displayPath);
  if (raw === undefined) return undefined;
  const parsed = RegistrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(`${displayPath}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, {
      hint: `restore ${displayPath} from a backup, or delete it and run a deploy to rebuild it from state`,
    });
  }
  return parsed.data;
}

export async function writeRegistry(file: string, registry: Registry): Promise<void> {
  await writeJsonAtomic(file, registry);
}
