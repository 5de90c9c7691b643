/**
 * The registry's schema (zod): the reference for what a registry.json may hold. Its own module so
 * the registry build loads zod only when a registry read from disk fails the structural check
 * (`isRegistryShape` in ./registry.ts; performance, docs/PERFORMANCE.md).
 */
import { z } from 'zod';
import { REGISTRY_SCHEMA_VERSION } from './version.js';

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
  /**
   * Set by `infra drift` when the resource was changed (update) or deleted (delete) outside the
   * IaC tool: when that was seen and which attributes. Gone once state is rebuilt (deploy, --accept).
   */
  drift: z
    .strictObject({ seen_at: z.string(), action: z.enum(['update', 'delete']), attributes: z.array(z.string()) })
    .optional(),
  /** When the resource was imported into state by a deploy of `infra adopt`'s import blocks (it existed before). Kept across rebuilds. */
  adopted_at: z.string().optional(),
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
