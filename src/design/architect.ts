import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadProjectConfig } from '../core/config/load.js';
import type { FaberConfig } from '../core/config/schema.js';
import { GuardError, UsageError, isFaberError } from '../core/errors.js';
import { writeTextAtomic } from '../core/files/atomic.js';
import { readInputFileText } from '../core/files/input-text.js';
import { sanitizeOutput, singleLine } from '../core/text.js';
import type { ProjectPaths } from '../core/paths.js';
import { loadCatalogue, resolveKind, withDefaults, type Catalogue } from './catalogue.js';
import { DESIGN_FORMAT_VERSION, DESIGN_SLUG, parseDesign, serializeDesign, validateDesign, type DesignFrontMatter, type NamingContext } from './design-file.js';
import { renderDesignBody } from './design-body.js';
import { inferResources, loadKeywordTable, type InferredResource } from './keywords.js';
import { resourceName } from './naming.js';
import { readTemplate } from './template-files.js';

export interface ArchitectOptions {
  feature?: string;
  /** Requirements file, relative to the working directory. */
  fromFile?: string;
  /** Explicit resources as kind:name; replaces the ones inferred from the text. */
  resources: string[];
  /** name.setting=value, applied after the resources are chosen. */
  sets: string[];
  slug?: string;
  title?: string;
  force: boolean;
}

export interface ArchitectResult {
  file: string;
  slug: string;
  title: string;
  replaced: boolean;
  /** How the resources were chosen: from keywords of the text, or given with --resource. */
  source: 'keywords' | 'explicit';
  resources: { kind: string; name: string; names: Record<string, string>; matched?: string[] }[];
}

export function namingContext(config: FaberConfig): NamingContext {
  return {
    pattern: config.resource_naming.pattern,
    project: config.project.name,
    subsystem: config.project.subsystem,
    environments: Object.keys(config.environments),
  };
}

/** Lowercase words joined by '-', cut at a word boundary to fit a slug. */
export function slugify(text: string, max = 48): string | undefined {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (words.length && !/^[a-z]/.test(words[0] as string)) words.shift();
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > max) break;
    slug = next;
  }
  if (!slug && words[0]) slug = words[0].slice(0, max);
  return slug || undefined;
}

/** Title of a requirements file: its first markdown heading. */
function headingOf(text: string): string | undefined {
  return /^#{1,3}\s+(.+?)\s*#*\s*$/m.exec(text)?.[1];
}

async function readRequirements(cwd: string, file: string): Promise<string> {
  try {
    return await readInputFileText(path.resolve(cwd, file), `--from-file ${file}`);
  } catch (error) {
    if (isFaberError(error)) throw error;
    throw new UsageError(`--from-file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      hint: 'give the path of a requirements file (markdown or text), relative to the current directory',
    });
  }
}

function parseResourceFlag(catalogue: Catalogue, flag: string): { kind: string; name: string } {
  const match = /^([^:]+):(.+)$/.exec(flag.trim());
  const kind = match ? resolveKind(catalogue, match[1] as string) : undefined;
  if (!match || !kind) {
    throw new UsageError(`--resource ${flag}: ${match ? `unknown kind '${match[1]}'` : 'expected kind:name, e.g. s3_bucket:uploads'}`, {
      hint: `kinds: ${catalogue.names.join(', ')} (aliases: \`faber-cloud infra architect --kinds\`)`,
    });
  }
  return { kind, name: (match[2] as string).trim() };
}

/** `name.setting=value`, the value typed by the setting's catalogue type. */
function applySet(catalogue: Catalogue, resources: { kind: string; name: string; settings: Record<string, unknown> }[], flag: string): void {
  const match = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(flag);
  if (!match) throw new UsageError(`--set ${flag}: expected name.setting=value, e.g. uploads.versioning=false`);
  const [, name, key, rawValue] = match as unknown as [string, string, string, string];
  const resource = resources.find((r) => r.name === name);
  if (!resource) throw new UsageError(`--set ${flag}: no resource named '${name}' in this design`, { hint: `resources: ${resources.map((r) => r.name).join(', ') || 'none'}` });
  const setting = catalogue.kinds[resource.kind]?.settings[key];
  if (!setting) {
    throw new UsageError(`--set ${flag}: a ${resource.kind} has no setting '${key}'`, { hint: `settings: ${Object.keys(catalogue.kinds[resource.kind]?.settings ?? {}).join(', ')}` });
  }
  const value = rawValue.trim();
  let typed: unknown = value;
  if (setting.type === 'boolean') typed = value === 'true' ? true : value === 'false' ? false : value;
  else if (setting.type === 'number' || (setting.type === 'enum' && typeof setting.default === 'number')) typed = value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
  else if (setting.type === 'string_list') typed = value === '' ? [] : value.split(',').map((v) => v.trim());
  if (value === 'null' || (value === '' && setting.type !== 'string_list')) typed = null;
  resource.settings[key] = typed;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Write designs/<slug>.md: the resources (inferred from the text, or given), named by the
 * project's pattern per environment, with the sections the agent completes. Everything is
 * validated before anything is written; an existing design is replaced only with force.
 */
export async function createDesign(cwd: string, options: ArchitectOptions, processEnv: NodeJS.ProcessEnv): Promise<ArchitectResult> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  const catalogue = await loadCatalogue();
  if (!options.feature && !options.fromFile) {
    throw new UsageError('say what to design: --feature "<text>" or --from-file <requirements.md>', { hint: 'e.g. faber-cloud infra architect --feature "user uploads"' });
  }
  // Copied into the design (a committed file): line endings normalised, other control characters made visible.
  const requirementsFile = options.fromFile ? sanitizeOutput((await readRequirements(cwd, options.fromFile)).replace(/\r\n?/g, '\n')) : undefined;
  // The feature text and title go into the design's front matter and heading: one clean line each.
  const feature = singleLine(options.feature ?? headingOf(requirementsFile ?? '') ?? path.basename(options.fromFile ?? '', path.extname(options.fromFile ?? ''))).trim();
  const slug = options.slug ?? slugify(feature);
  if (!slug || !DESIGN_SLUG.test(slug)) {
    throw new UsageError(`${options.slug ? `--slug ${options.slug}` : `cannot derive a slug from '${feature}'`}: a slug is lowercase letters, digits and '-', starting with a letter (at most 60 characters)`, {
      hint: 'pass --slug <slug>',
    });
  }
  const file = path.join(paths.designsDir, `${slug}.md`);
  const replaced = await exists(file);
  if (replaced && !options.force) {
    throw new GuardError('E_GUARD_DESIGN_EXISTS', `${path.relative(paths.root, file)} already exists; it was left untouched`, {
      hint: 'edit it, choose another --slug, or re-run with --force to replace it',
    });
  }

  let chosen: (Pick<InferredResource, 'kind' | 'name' | 'settings'> & Partial<Pick<InferredResource, 'matched' | 'why'>>)[];
  let source: ArchitectResult['source'];
  if (options.resources.length) {
    chosen = options.resources.map((flag) => ({ ...parseResourceFlag(catalogue, flag), settings: {} }));
    source = 'explicit';
  } else {
    chosen = inferResources(await loadKeywordTable(catalogue), `${feature}\n${requirementsFile ?? ''}`);
    source = 'keywords';
    if (chosen.length === 0) {
      throw new UsageError(`no resource kinds recognised in '${feature}'`, {
        code: 'E_DESIGN_NO_RESOURCES',
        hint: 'state them with --resource kind:name (repeatable), e.g. --resource s3_bucket:uploads --resource dynamodb_table:items; kinds: `faber-cloud infra architect --kinds`',
      });
    }
  }
  for (const flag of options.sets) applySet(catalogue, chosen, flag);

  const naming = namingContext(config);
  const design: DesignFrontMatter = {
    faber_cloud_design: DESIGN_FORMAT_VERSION,
    slug,
    title: options.title !== undefined ? singleLine(options.title).trim() : titleCase(feature),
    feature,
    created_at: new Date().toISOString(),
    resources: chosen.map((r) => {
      const kind = catalogue.kinds[r.kind];
      const settings = kind ? withDefaults(kind, r.name, r.settings) : r.settings;
      return { kind: r.kind, name: r.name, settings };
    }),
  };
  const display = path.relative(paths.root, file);
  try {
    validateDesign(design, display, catalogue, naming);
  } catch (error) {
    // The user typed these: say which flag to change, not which JSON field.
    if (isFaberError(error)) throw new UsageError(error.message.replace(`${display}: front matter `, ''), { code: 'E_DESIGN_INVALID', hint: 'change the --resource/--set values (or the feature text); `faber-cloud infra architect --kinds` lists kinds and settings', details: error.details });
    throw error;
  }
  const why = new Map(chosen.filter((r) => r.why).map((r) => [r.name, r.why as string]));
  const body = renderDesignBody(await readTemplate('design/design.md'), { design, catalogue, naming, requirements: requirementsFile, why });
  await writeTextAtomic(file, serializeDesign(design, body), paths);
  return {
    file: display,
    slug,
    title: design.title,
    replaced,
    source,
    resources: design.resources.map((r) => ({
      kind: r.kind,
      name: r.name,
      names: Object.fromEntries(naming.environments.map((env) => [env, concreteName(naming, env, r.name)])),
      ...matchedOf(chosen, r.name),
    })),
  };
}

function concreteName(naming: NamingContext, environment: string, resource: string): string {
  return resourceName(naming.pattern, { project: naming.project, subsystem: naming.subsystem, environment, resource });
}

function matchedOf(chosen: { name: string; matched?: string[] }[], name: string): { matched?: string[] } {
  const matched = chosen.find((c) => c.name === name)?.matched;
  return matched ? { matched } : {};
}

function titleCase(text: string): string {
  const first = text.trim().split('\n')[0] ?? '';
  return first.charAt(0).toUpperCase() + first.slice(1);
}

export interface DesignSummary {
  slug: string;
  file: string;
  title: string | null;
  resources: number | null;
  modified: string;
  /** Why the design cannot be built as it is (invalid front matter), if so. */
  error?: { code: string; message: string };
}

/** Every design in designs/, newest first; an invalid one is listed with its problem. */
export async function listDesigns(cwd: string, processEnv: NodeJS.ProcessEnv): Promise<{ dir: string; designs: DesignSummary[] }> {
  const { config, paths } = await loadProjectConfig(cwd, processEnv);
  const catalogue = await loadCatalogue();
  const names = await readdir(paths.designsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const designs: DesignSummary[] = [];
  for (const name of names.filter((n) => n.endsWith('.md')).sort()) {
    const file = path.join(paths.designsDir, name);
    const display = path.relative(paths.root, file);
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const summary: DesignSummary = { slug: name.slice(0, -3), file: display, title: null, resources: null, modified: info.mtime.toISOString() };
    try {
      const { design } = parseDesign(text, display, catalogue, namingContext(config));
      Object.assign(summary, { title: design.title, resources: design.resources.length });
    } catch (error) {
      if (!isFaberError(error)) throw error;
      summary.error = { code: error.code, message: error.message };
    }
    designs.push(summary);
  }
  designs.sort((a, b) => b.modified.localeCompare(a.modified) || a.slug.localeCompare(b.slug));
  return { dir: path.relative(paths.root, paths.designsDir), designs };
}

/** Read and validate one design by slug. */
export async function readDesign(paths: ProjectPaths, config: FaberConfig, slug: string): Promise<{ design: DesignFrontMatter; file: string }> {
  if (!DESIGN_SLUG.test(slug)) throw new UsageError(`--design ${slug}: not a design slug (lowercase letters, digits and '-')`, { hint: 'list designs with `faber-cloud infra architect --list`' });
  const file = path.join(paths.designsDir, `${slug}.md`);
  const display = path.relative(paths.root, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UsageError(`no design '${slug}': ${display} does not exist`, {
      code: 'E_DESIGN_NOT_FOUND',
      hint: 'list designs with `faber-cloud infra architect --list`, or create one with `faber-cloud infra architect --feature "<text>"`',
    });
  }
  const { design } = parseDesign(text, display, await loadCatalogue(), namingContext(config));
  if (design.slug !== slug) {
    throw new UsageError(`${display}: front matter slug: is '${design.slug}', but the file is named for '${slug}'`, { code: 'E_DESIGN_INVALID', hint: `make them agree: rename the file or set "slug": "${slug}"` });
  }
  return { design, file: display };
}
