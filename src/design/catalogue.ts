import { z } from 'zod';
import { readTemplateJson } from './template-files.js';
import { nullRecord } from '../core/own.js';

/**
 * The engineer's catalogue (templates/terraform/catalogue.json): the resource kinds a design
 * may list, their settings with types and defaults, naming limits, and the notes the
 * architect copies into a design. Kept as data so a kind is added without code.
 */

const settingBase = { description: z.string().min(1), required: z.boolean().optional(), nullable: z.boolean().optional() };
const SettingSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...settingBase, type: z.literal('boolean'), default: z.boolean() }),
  z.strictObject({ ...settingBase, type: z.literal('number'), integer: z.boolean().optional(), min: z.number().optional(), max: z.number().optional(), default: z.number() }),
  z.strictObject({ ...settingBase, type: z.literal('string'), default: z.string().nullable(), default_template: z.string().optional() }),
  z.strictObject({ ...settingBase, type: z.literal('enum'), values: z.array(z.union([z.string(), z.number()])).min(1), default: z.union([z.string(), z.number()]) }),
  z.strictObject({ ...settingBase, type: z.literal('string_list'), default: z.array(z.string()) }),
  z.strictObject({
    ...settingBase,
    type: z.literal('ref'),
    ref_kind: z.string().min(1),
    default: z.null().optional(),
    /** How the design's data flow describes the link: "<from> <verb> <to>", from the target when from_target. */
    flow: z.strictObject({ from_target: z.boolean(), verb: z.string().min(1) }),
  }),
]);
export type SettingDefinition = z.output<typeof SettingSchema>;

const KindSchema = z.strictObject({
  title: z.string().min(1),
  service: z.string().min(1),
  aliases: z.array(z.string().min(1)),
  purpose: z.string().min(1),
  name_max_length: z.number().int().min(3),
  primary_type: z.string().regex(/^aws_[a-z0-9_]+$/),
  settings: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), SettingSchema),
  /** Values computed from a setting, e.g. the database port from the engine. */
  derived: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.strictObject({ from: z.string(), map: z.record(z.string(), z.union([z.string(), z.number()])) })).optional(),
  /** A regular expression every concrete name must match (e.g. S3's bucket-name rules). */
  name_regex: z.string().optional(),
  security: z.strictObject({ encryption: z.array(z.string().min(1)), iam: z.array(z.string().min(1)), network: z.array(z.string().min(1)) }),
  /** Questions the architect lists for the agent to answer. */
  questions: z.array(z.string().min(1)),
  cost: z.strictObject({ monthly_usd: z.number().min(0), basis: z.string().min(1) }),
});
export type KindDefinition = z.output<typeof KindSchema>;

const CatalogueSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  kinds: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), KindSchema),
});

export interface Catalogue {
  kinds: Readonly<Record<string, KindDefinition>>;
  /** Kind names in catalogue order. */
  names: readonly string[];
}

let cached: Catalogue | undefined;

/** The bundled catalogue, validated once (a broken one is a packaging bug, caught by tests). */
export async function loadCatalogue(): Promise<Catalogue> {
  if (cached) return cached;
  const parsed = CatalogueSchema.parse(await readTemplateJson('terraform/catalogue.json'));
  for (const [kind, def] of Object.entries(parsed.kinds)) {
    for (const [name, setting] of Object.entries(def.settings)) {
      if (setting.type === 'ref' && !(setting.ref_kind in parsed.kinds)) throw new Error(`catalogue: ${kind}.settings.${name}.ref_kind '${setting.ref_kind}' is not a kind`);
    }
  }
  // Kinds and settings are looked up by what users type (--resource, --set, design files):
  // null-prototype records, so `constructor` or `__proto__` is simply not a kind or a setting.
  const kinds = nullRecord(Object.entries(parsed.kinds).map(([name, def]) => [name, { ...def, settings: nullRecord(Object.entries(def.settings)) }] as const));
  cached = { kinds, names: Object.keys(parsed.kinds) };
  return cached;
}

/** The kind a user typed: its catalogue name or one of its aliases (case-insensitive, '-' = '_'). */
export function resolveKind(catalogue: Catalogue, typed: string): string | undefined {
  const wanted = typed.trim().toLowerCase().replace(/-/g, '_');
  if (wanted in catalogue.kinds) return wanted;
  return catalogue.names.find((name) => catalogue.kinds[name]?.aliases.some((alias) => alias.replace(/-/g, '_') === wanted));
}

/** The zod schema of one kind's settings: strict, every setting optional unless required. */
export function settingsSchema(kind: KindDefinition): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, setting] of Object.entries(kind.settings)) {
    let schema = settingValueSchema(setting);
    if (setting.default === null || setting.type === 'ref' || setting.nullable) schema = schema.nullable();
    shape[name] = setting.required ? schema : schema.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
}

function settingValueSchema(setting: SettingDefinition): z.ZodType {
  switch (setting.type) {
    case 'boolean':
      return z.boolean();
    case 'number': {
      let n = z.number();
      if (setting.integer) n = n.int();
      if (setting.min !== undefined) n = n.min(setting.min);
      if (setting.max !== undefined) n = n.max(setting.max);
      return n;
    }
    case 'string':
      return z.string().min(1).max(256);
    case 'enum':
      return z.literal(setting.values as [string | number, ...(string | number)[]]);
    case 'string_list':
      return z.array(z.string().min(1));
    case 'ref':
      return z.string().regex(LOGICAL_NAME, `must be the logical name of a ${setting.ref_kind} in this design`);
  }
}

/** Logical resource names: lowercase letters, digits and '-', starting with a letter. */
export const LOGICAL_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Settings with the catalogue's defaults filled in (default_template uses {name}); null stays off. */
export function withDefaults(kind: KindDefinition, name: string, settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(kind.settings)) {
    const given = settings[key];
    if (given !== undefined && given !== null) out[key] = given;
    else if (setting.type === 'string' && setting.default_template) out[key] = setting.default_template.replaceAll('{name}', name);
    else out[key] = given === null ? null : (setting.default ?? null);
  }
  return out;
}

/** Values computed from settings (e.g. the database port from the engine), for templates. */
export function derivedValues(kind: KindDefinition, settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kind.derived ?? {}).map(([key, rule]) => [key, rule.map[String(settings[rule.from])] ?? null]));
}

/** What a design may use, for `infra architect --kinds`: each kind with its settings, types and defaults. */
export function describeKinds(catalogue: Catalogue) {
  return catalogue.names.map((name) => {
    const kind = catalogue.kinds[name]!;
    return {
      kind: name,
      title: kind.title,
      aliases: kind.aliases,
      purpose: kind.purpose,
      settings: Object.entries(kind.settings).map(([key, s]) => ({ name: key, type: s.type === 'ref' ? `ref ${s.ref_kind}` : s.type, default: s.default ?? null, description: s.description, ...(s.type === 'enum' ? { values: s.values } : {}) })),
    };
  });
}
