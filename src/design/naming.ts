import { fillNamingPattern } from '../core/config/schema.js';

/**
 * Resource names from resource_naming.pattern ({project}-{subsystem}-{environment}-{resource}
 * by default): the concrete name per environment for designs, and the same pattern as an
 * HCL string for the generated Terraform, where the environment comes from the workspace.
 */

export interface NameParts {
  project: string;
  subsystem: string;
  environment: string;
  resource: string;
}

/** The concrete name of one resource in one environment. */
export function resourceName(pattern: string, parts: NameParts): string {
  return fillNamingPattern(pattern, parts);
}

/** Text as the inside of an HCL quoted string: escapes quotes, backslashes and template sequences. */
export function hclStringContent(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

const HCL_PARTS: Record<string, string> = {
  project: '${var.project}',
  subsystem: '${var.subsystem}',
  environment: '${local.environment}',
};

/**
 * The pattern as an HCL string expression with {resource} left in place: each generated
 * resource file replaces it with its logical name, so the pattern lives in one place.
 */
export function hclNamePattern(pattern: string): string {
  const pieces = pattern.split(/(\{(?:project|subsystem|environment)\})/);
  const body = pieces.map((piece) => {
    const key = /^\{(project|subsystem|environment)\}$/.exec(piece)?.[1];
    return key ? HCL_PARTS[key] : hclStringContent(piece);
  });
  return `"${body.join('')}"`;
}
