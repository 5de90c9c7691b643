/** The registry.json format's version: its own module so ./schema.ts (zod) and ./registry.ts share it without importing each other. */
export const REGISTRY_SCHEMA_VERSION = 1;
