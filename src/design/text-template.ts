/**
 * The template language of templates/design and templates/terraform, deliberately small:
 * `{{key}}` is replaced by a value; a line holding only `{{#if key}}` or `{{#unless key}}`
 * starts a section kept only when the key is truthy (resp. falsy), up to a line `{{/if}}`
 * or `{{/unless}}`. Sections nest. An unknown key is an error (a template bug).
 */

export interface TemplateValues {
  /** The text for `{{key}}`, or undefined when the key is unknown. */
  text(key: string): string | undefined;
  /** Whether a section on `key` is kept; undefined when the key is unknown. */
  truthy(key: string): boolean | undefined;
}

const SECTION_START = /^\s*\{\{#(if|unless) ([a-z][a-z0-9_]*)\}\}\s*$/;
const SECTION_END = /^\s*\{\{\/(if|unless)\}\}\s*$/;

export class TemplateError extends Error {}

export function renderTemplate(template: string, values: TemplateValues, name: string): string {
  const kept: string[] = [];
  const open: { kind: string; keep: boolean; line: number }[] = [];
  template.split('\n').forEach((line, index) => {
    const start = SECTION_START.exec(line);
    if (start) {
      const truthy = values.truthy(start[2] as string);
      if (truthy === undefined) throw new TemplateError(`${name}:${index + 1}: unknown key '${start[2]}'`);
      open.push({ kind: start[1] as string, keep: start[1] === 'if' ? truthy : !truthy, line: index + 1 });
      return;
    }
    const end = SECTION_END.exec(line);
    if (end) {
      if (open.at(-1)?.kind !== end[1]) throw new TemplateError(`${name}:${index + 1}: {{/${end[1]}}} without its {{#${end[1]}}}`);
      open.pop();
      return;
    }
    if (open.some((section) => !section.keep)) return;
    kept.push(
      line.replace(/\{\{([a-z][a-z0-9_]*)\}\}/g, (_, key: string) => {
        const text = values.text(key);
        if (text === undefined) throw new TemplateError(`${name}:${index + 1}: unknown key '${key}'`);
        return text;
      }),
    );
  });
  const unclosed = open.at(-1);
  if (unclosed) throw new TemplateError(`${name}:${unclosed.line}: section never closed`);
  return kept.join('\n');
}

/** Values from a plain record of strings (the design template). */
export function textValues(record: Readonly<Record<string, string>>): TemplateValues {
  return {
    text: (key) => (Object.hasOwn(record, key) ? record[key] : undefined),
    truthy: (key) => (Object.hasOwn(record, key) ? record[key] !== '' : undefined),
  };
}
