import { z } from 'zod';
import { describeIssues, formatPath, suggestKey, type ConfigProblem } from '../core/config/issues.js';
import { UsageError } from '../core/errors.js';
import { LOGICAL_NAME, settingsSchema, type Catalogue } from './catalogue.js';
import { resourceName } from './naming.js';

/**
 * A design file: `designs/<slug>.md`, JSON front matter between two `---` lines, then the
 * markdown a person or the agent reads and edits. The front matter is the machine-readable
 * part (`infra engineer` builds from it); the CLI validates it and names the failing field.
 */

export const DESIGN_FORMAT_VERSION = 1;
export const DESIGN_SLUG = /^[a-z][a-z0-9-]{0,58}[a-z0-9]$|^[a-z]$/;

export const DesignResourceSchema = z.strictObject({
  kind: z.string().min(1),
  name: z.string().regex(LOGICAL_NAME, "must be lowercase letters, digits and '-', starting with a letter (at most 40 characters)"),
  settings: z.record(z.string(), z.unknown()).default({}),
});

export const DesignFrontMatterSchema = z.strictObject({
  faber_cloud_design: z.literal(DESIGN_FORMAT_VERSION),
  slug: z.string().regex(DESIGN_SLUG, "must be lowercase letters, digits and '-', starting with a letter (at most 60 characters)"),
  title: z.string().min(1),
  feature: z.string().min(1),
  created_at: z.string().min(1),
  resources: z.array(DesignResourceSchema),
});
export type DesignFrontMatter = z.output<typeof DesignFrontMatterSchema>;
export type DesignResource = z.output<typeof DesignResourceSchema>;

/** What naming checks need from the project config. */
export interface NamingContext {
  pattern: string;
  project: string;
  subsystem: string;
  environments: readonly string[];
}

/** Split a design file into its front matter text (with the line it starts on) and body. */
export function splitFrontMatter(text: string, displayPath: string): { json: string; firstLine: number; body: string } {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') {
    throw invalid(displayPath, [{ path: '(front matter)', message: "the file must start with a '---' line, then the JSON front matter, then another '---' line" }]);
  }
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end === -1) throw invalid(displayPath, [{ path: '(front matter)', message: "no closing '---' line after the JSON front matter" }]);
  return { json: lines.slice(1, end).join('\n'), firstLine: 2, body: lines.slice(end + 1).join('\n') };
}

/** The front matter of a design file's text as parsed JSON, and the body; E_DESIGN_INVALID when it is not JSON. */
function readFrontMatter(text: string, displayPath: string): { raw: unknown; body: string } {
  const { json, firstLine, body } = splitFrontMatter(text, displayPath);
  try {
    return { raw: JSON.parse(json), body };
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    const line = Number.isNaN(position) ? undefined : firstLine + json.slice(0, position).split('\n').length - 1;
    const reason = message.replace(/ in JSON at position \d+.*$/s, '');
    throw invalid(displayPath, [{ path: '(front matter)', message: `invalid JSON${line ? ` at line ${line}` : ''}: ${reason}` }]);
  }
}

/**
 * The structure of a design file alone (front matter present, JSON, fields typed), without the
 * catalogue or the project's naming: what the artifact catalogue checks before a command runs.
 */
export function checkDesignStructure(text: string, displayPath: string): DesignFrontMatter {
  const { raw } = readFrontMatter(text, displayPath);
  const parsed = DesignFrontMatterSchema.safeParse(raw);
  if (!parsed.success) throw invalid(displayPath, describeIssues(DesignFrontMatterSchema, parsed.error.issues, raw));
  return parsed.data;
}

/** Parse and validate a design file's text against the catalogue and the project's naming. */
export function parseDesign(text: string, displayPath: string, catalogue: Catalogue, naming: NamingContext): { design: DesignFrontMatter; body: string } {
  const { raw, body } = readFrontMatter(text, displayPath);
  return { design: validateDesign(raw, displayPath, catalogue, naming), body };
}

/** Validate front matter data: shape, kinds, settings, names, references, name lengths. Throws listing every problem. */
export function validateDesign(raw: unknown, displayPath: string, catalogue: Catalogue, naming: NamingContext): DesignFrontMatter {
  const parsed = DesignFrontMatterSchema.safeParse(raw);
  if (!parsed.success) throw invalid(displayPath, describeIssues(DesignFrontMatterSchema, parsed.error.issues, raw));
  const design = parsed.data;
  const problems: ConfigProblem[] = [];
  const byName = new Map<string, { index: number; kind: string }>();
  design.resources.forEach((resource, index) => {
    const at = (...rest: (string | number)[]) => formatPath(['resources', index, ...rest]);
    const kind = catalogue.kinds[resource.kind];
    if (!kind) {
      const suggestion = suggestKey(resource.kind, catalogue.names);
      problems.push({ path: at('kind'), message: `unknown kind '${resource.kind}'${suggestion ? `, did you mean '${suggestion}'?` : ''} (kinds: ${catalogue.names.join(', ')})` });
      return;
    }
    const other = byName.get(resource.name);
    if (other) problems.push({ path: at('name'), message: `'${resource.name}' is already the name of resources[${other.index}]: names must be unique in a design` });
    else byName.set(resource.name, { index, kind: resource.kind });
    const schema = settingsSchema(kind);
    const settings = schema.safeParse(resource.settings);
    if (!settings.success) {
      for (const p of describeIssues(schema, settings.error.issues, resource.settings)) {
        problems.push({ path: p.path === '(root)' ? at('settings') : `${at('settings')}.${p.path}`, message: p.message });
      }
    }
    problems.push(...nameProblems(resource, at('name'), kind.name_max_length, kind.name_regex, naming));
  });
  // References need every name first.
  design.resources.forEach((resource, index) => {
    const kind = catalogue.kinds[resource.kind];
    for (const [key, setting] of Object.entries(kind?.settings ?? {})) {
      const value = resource.settings[key];
      if (setting.type !== 'ref' || typeof value !== 'string') continue;
      const target = byName.get(value);
      if (target?.kind !== setting.ref_kind) {
        const candidates = design.resources.filter((r) => r.kind === setting.ref_kind).map((r) => `'${r.name}'`);
        problems.push({
          path: formatPath(['resources', index, 'settings', key]),
          message: `'${value}' is not a ${setting.ref_kind} in this design (${candidates.length ? `${setting.ref_kind}: ${candidates.join(', ')}` : `add a ${setting.ref_kind} to resources`})`,
        });
      }
    }
  });
  if (problems.length) throw invalid(displayPath, problems);
  return design;
}

function nameProblems(resource: DesignResource, at: string, maxLength: number, nameRegex: string | undefined, naming: NamingContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const environment of naming.environments) {
    const name = resourceName(naming.pattern, { project: naming.project, subsystem: naming.subsystem, environment, resource: resource.name });
    if (name.length > maxLength) {
      problems.push({ path: at, message: `gives '${name}' in environment ${environment}: ${name.length} characters, a ${resource.kind} allows ${maxLength}; choose a shorter name` });
      break;
    }
    if (nameRegex && !new RegExp(nameRegex).test(name)) {
      problems.push({ path: at, message: `gives '${name}' in environment ${environment}, which is not a valid ${resource.kind} name (${nameRegex})` });
      break;
    }
  }
  return problems;
}

function invalid(displayPath: string, problems: ConfigProblem[]): UsageError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new UsageError(`${displayPath}: front matter ${first?.path}: ${first?.message}${more}`, {
    code: 'E_DESIGN_INVALID',
    hint: `fix the JSON front matter between the '---' lines of ${displayPath}; \`faber-cloud infra architect --kinds\` lists every kind and its settings`,
    details: { file: displayPath, problems },
  });
}

/** The design file text: front matter block, then the body. */
export function serializeDesign(design: DesignFrontMatter, body: string): string {
  return `---\n${JSON.stringify(design, null, 2)}\n---\n${body.startsWith('\n') ? body : `\n${body}`}`;
}
