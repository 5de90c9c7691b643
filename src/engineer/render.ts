import type { FaberConfig } from '../core/config/schema.js';
import { derivedValues, withDefaults, type Catalogue } from '../design/catalogue.js';
import type { DesignResource } from '../design/design-file.js';
import { hclNamePattern, hclStringContent } from '../design/naming.js';
import { readTemplate } from '../design/template-files.js';
import { renderTemplate, type TemplateValues } from '../design/text-template.js';
import type { Origin } from './generated-file.js';
import { hclIdentifier, hclLiteral } from './hcl.js';
import { ownValue } from '../core/own.js';

/** A file the engineer would write: its path in the terraform directory, origin and body (no header). */
export interface RenderedFile {
  path: string;
  origin: Origin;
  body: string;
}

/** Generated files shared by every design, and their templates under templates/terraform/shared/. */
export const SHARED_FILES = { main: 'faber-cloud.tf', provider: 'faber-cloud.provider.tf' } as const;

/** One file per resource: `<kind>.<name>.tf`. */
export function resourceFileName(resource: Pick<DesignResource, 'kind' | 'name'>): string {
  return `${resource.kind}.${resource.name}.tf`;
}

function isOn(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== '' && !(Array.isArray(value) && value.length === 0);
}

/**
 * The values a resource template sees: `id` (HCL identifier), `name` (quoted),
 * `name_text` (inside a string), each setting as an HCL literal, except references, which
 * are the referenced resource's identifier (as in aws_sqs_queue.{{sqs_trigger}}.arn).
 */
export function resourceValues(catalogue: Catalogue, resource: DesignResource): TemplateValues {
  const kind = catalogue.kinds[resource.kind];
  if (!kind) throw new Error(`unknown kind ${resource.kind}`);
  const settings = withDefaults(kind, resource.name, resource.settings);
  const values = new Map<string, { text: string; on: boolean }>([
    ['id', { text: hclIdentifier(resource.name), on: true }],
    ['name', { text: hclLiteral(resource.name), on: true }],
    ['name_text', { text: hclStringContent(resource.name), on: true }],
  ]);
  for (const [key, value] of Object.entries(settings)) {
    const isRef = kind.settings[key]?.type === 'ref';
    values.set(key, { text: isRef && typeof value === 'string' ? hclIdentifier(value) : hclLiteral(value), on: isOn(value) });
  }
  for (const [key, value] of Object.entries(derivedValues(kind, settings))) values.set(key, { text: hclLiteral(value), on: isOn(value) });
  return { text: (key) => values.get(key)?.text, truthy: (key) => values.get(key)?.on };
}

export async function renderResourceFile(catalogue: Catalogue, resource: DesignResource, slug: string): Promise<RenderedFile> {
  const template = `resources/${resource.kind}.tf.tmpl`;
  const body = renderTemplate(await readTemplate(`terraform/${template}`), resourceValues(catalogue, resource), `templates/terraform/${template}`);
  return { path: resourceFileName(resource), origin: { kind: 'design', slug }, body: normaliseEnd(body) };
}

/** Workspace name -> environment name, from handlers.iac.terraform.workspaces (default: the same name). */
export function workspaceEnvironments(config: FaberConfig): Record<string, string> {
  const workspaces = config.handlers.iac.terraform?.workspaces ?? {};
  return Object.fromEntries(Object.keys(config.environments).map((env) => [ownValue(workspaces, env) ?? env, env]));
}

export async function renderSharedFiles(config: FaberConfig, options: { provider: boolean }): Promise<RenderedFile[]> {
  const values: Record<string, string> = {
    project: hclLiteral(config.project.name),
    subsystem: hclLiteral(config.project.subsystem),
    workspace_environments: hclLiteral(workspaceEnvironments(config)),
    name_pattern: hclNamePattern(config.resource_naming.pattern),
  };
  const lookup: TemplateValues = { text: (key) => values[key], truthy: (key) => (key in values ? values[key] !== '' : undefined) };
  const names = options.provider ? [SHARED_FILES.main, SHARED_FILES.provider] : [SHARED_FILES.main];
  return Promise.all(
    names.map(async (name) => {
      const template = `templates/terraform/shared/${name}.tmpl`;
      return { path: name, origin: { kind: 'shared' } as const, body: normaliseEnd(renderTemplate(await readTemplate(`terraform/shared/${name}.tmpl`), lookup, template)) };
    }),
  );
}

function normaliseEnd(text: string): string {
  return `${text.trimEnd()}\n`;
}
