import { createHash } from 'node:crypto';
import { localDigestFile, readLocalDigest, writeLocalDigest } from './local-digest.js';

/**
 * What a plan's `show -json` says about the configuration that a saved plan cannot say without
 * the provider schemas: which resources each attribute refers to (what the preflight and the
 * stored plan read), which root variables are sensitive, and the JSON format's version. Kept
 * from the last `show -json` of the same configuration so that a plan made from it again (a
 * deploy after its preview, the next preview) is read from the plan file (plan-file/). Keyed by
 * the configuration snapshot inside the plan file itself, the lock file and the tool: any
 * change to any of them is a miss, and `show -json` runs again. It holds no values: names,
 * addresses and references only. Read only in the `.terraform/` that wrote it: a committed
 * digest could say a variable is not sensitive.
 */
export interface ConfigurationDigest {
  key: string;
  /** Which `.terraform/` wrote it (local-digest.ts). */
  data_directory?: string;
  format_version: string;
  /** `configuration` reduced to resources' references, module calls and root variables' sensitivity. */
  configuration: ReducedModule & { root_module?: ReducedModule };
  /** Sensitive root variables that have a default (`show -json` shows defaults the plan file lacks). */
  sensitive_defaults: string[];
}
interface ReducedModule {
  resources?: { address: string; mode?: string; expressions: Record<string, { references: string[] }> }[];
  module_calls?: Record<string, { module?: ReducedModule }>;
  variables?: Record<string, { sensitive?: true }>;
}

const DIGEST_FORMAT = 1;
const MAX_DEPTH = 64;

const FILE = 'faber-cloud-configuration-digest.json';

export function configurationDigestFile(directory: string): string {
  return localDigestFile(directory, FILE);
}

/** The key: the configuration snapshot's files (names and contents), the lock file and the tool. */
export function configurationDigestKey(tool: { kind: string; version: string }, lockFileText: string, snapshot: ReadonlyMap<string, Buffer>): string {
  const hash = createHash('sha256').update(`${DIGEST_FORMAT}\n${tool.kind} ${tool.version}\n`).update(lockFileText);
  for (const name of [...snapshot.keys()].sort()) {
    const content = snapshot.get(name) as Buffer;
    hash.update(`\n${name.length}:${name}\n${content.length}\n`).update(content);
  }
  return hash.digest('hex');
}

function referencesIn(expression: unknown, into: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || expression === null || typeof expression !== 'object') return;
  if (Array.isArray(expression)) {
    for (const item of expression) referencesIn(item, into, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(expression)) {
    if (key === 'references' && Array.isArray(value)) {
      for (const ref of value) if (typeof ref === 'string') into.add(ref);
    } else referencesIn(value, into, depth + 1);
  }
}

interface ShownModule {
  resources?: { address?: unknown; mode?: unknown; expressions?: Record<string, unknown> }[];
  module_calls?: Record<string, { module?: ShownModule }>;
  variables?: Record<string, { sensitive?: unknown }>;
}

function reduceModule(module: ShownModule | undefined, depth: number): ReducedModule {
  const out: ReducedModule = {};
  if (!module || depth > MAX_DEPTH) return out;
  if (Array.isArray(module.resources)) {
    out.resources = module.resources.filter((r) => typeof r?.address === 'string').map((r) => {
      const expressions: Record<string, { references: string[] }> = {};
      for (const [attribute, expression] of Object.entries(r.expressions ?? {})) {
        const found = new Set<string>();
        referencesIn(expression, found, 0);
        if (found.size) expressions[attribute] = { references: [...found] };
      }
      return { address: r.address as string, ...(typeof r.mode === 'string' ? { mode: r.mode } : {}), expressions };
    });
  }
  if (module.module_calls && typeof module.module_calls === 'object') {
    out.module_calls = Object.fromEntries(Object.entries(module.module_calls).map(([name, call]) => [name, { module: reduceModule(call?.module, depth + 1) }]));
  }
  if (module.variables && typeof module.variables === 'object') {
    out.variables = Object.fromEntries(Object.entries(module.variables).map(([name, v]) => [name, v?.sensitive === true ? { sensitive: true as const } : {}]));
  }
  return out;
}

/** The digest of a plan's `show -json`, or undefined when it has no configuration to keep. */
export function digestConfiguration(key: string, shown: { format_version?: unknown; configuration?: unknown }): ConfigurationDigest | undefined {
  const configuration = shown.configuration as { root_module?: ShownModule & { variables?: Record<string, { sensitive?: unknown; default?: unknown }> } } | undefined;
  if (typeof shown.format_version !== 'string' || !configuration || typeof configuration !== 'object') return undefined;
  const rootVariables = configuration.root_module?.variables ?? {};
  const sensitiveDefaults = Object.entries(rootVariables).filter(([, v]) => v?.sensitive === true && v.default !== undefined).map(([name]) => name);
  return { key, format_version: shown.format_version, configuration: { root_module: reduceModule(configuration.root_module, 0) }, sensitive_defaults: sensitiveDefaults };
}

/** The digest on disk for `key`, or undefined: missing, another key, not one, or not written here (local-digest.ts). */
export async function readConfigurationDigest(directory: string, key: string): Promise<ConfigurationDigest | undefined> {
  const d = (await readLocalDigest(directory, FILE, key)) as Partial<ConfigurationDigest> | undefined;
  if (!d || typeof d.format_version !== 'string' || !Array.isArray(d.sensitive_defaults) || !d.sensitive_defaults.every((n) => typeof n === 'string')) return undefined;
  if (!d.configuration || typeof d.configuration !== 'object' || !isModule(d.configuration.root_module, 0)) return undefined;
  return d as ConfigurationDigest;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isModule(m: unknown, depth: number): boolean {
  if (!isRecord(m) || depth > MAX_DEPTH) return false;
  if (m.resources !== undefined) {
    if (!Array.isArray(m.resources)) return false;
    for (const r of m.resources) {
      if (!isRecord(r) || typeof r.address !== 'string' || (r.mode !== undefined && typeof r.mode !== 'string') || !isRecord(r.expressions)) return false;
      for (const e of Object.values(r.expressions)) if (!isRecord(e) || !Array.isArray(e.references) || !e.references.every((x) => typeof x === 'string')) return false;
    }
  }
  if (m.module_calls !== undefined && (!isRecord(m.module_calls) || !Object.values(m.module_calls).every((c) => isRecord(c) && (c.module === undefined || isModule(c.module, depth + 1))))) return false;
  if (m.variables !== undefined && (!isRecord(m.variables) || !Object.values(m.variables).every((v) => isRecord(v) && (v.sensitive === undefined || v.sensitive === true)))) return false;
  return true;
}

export async function writeConfigurationDigest(directory: string, digest: ConfigurationDigest): Promise<void> {
  await writeLocalDigest(directory, FILE, digest);
}
