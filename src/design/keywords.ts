import { z } from 'zod';
import type { Catalogue } from './catalogue.js';
import { LOGICAL_NAME } from './catalogue.js';
import { readTemplateJson } from './template-files.js';

/**
 * The default resources of a new design, from words in the feature text
 * (templates/design/keywords.json): a small, documented table, kept as data.
 */

const KeywordTableSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  rules: z.array(
    z.strictObject({
      keywords: z.array(z.string().min(1)).min(1),
      why: z.string().min(1),
      resources: z.array(z.strictObject({ kind: z.string(), name: z.string().regex(LOGICAL_NAME), settings: z.record(z.string(), z.unknown()).optional() })).min(1),
    }),
  ),
});
export type KeywordTable = z.output<typeof KeywordTableSchema>;

export interface InferredResource {
  kind: string;
  name: string;
  settings: Record<string, unknown>;
  /** The words of the text that brought it in. */
  matched: string[];
  why: string;
}

export async function loadKeywordTable(catalogue: Catalogue): Promise<KeywordTable> {
  const table = KeywordTableSchema.parse(await readTemplateJson('design/keywords.json'));
  for (const rule of table.rules) {
    for (const r of rule.resources) if (!(r.kind in catalogue.kinds)) throw new Error(`design/keywords.json: unknown kind '${r.kind}'`);
  }
  return table;
}

/** Lowercase words separated by single spaces, so phrases match across punctuation and line breaks. */
function normalise(text: string): string {
  return ` ${text.toLowerCase().replace(/[^a-z0-9/-]+/g, ' ').trim()} `;
}

/** Resources whose keywords appear in the text, in table order, each name once. */
export function inferResources(table: KeywordTable, text: string): InferredResource[] {
  const haystack = normalise(text);
  const out = new Map<string, InferredResource>();
  for (const rule of table.rules) {
    const matched = rule.keywords.filter((k) => haystack.includes(normalise(k)));
    if (matched.length === 0) continue;
    for (const r of rule.resources) {
      const existing = out.get(r.name);
      if (existing) existing.matched.push(...matched.filter((m) => !existing.matched.includes(m)));
      else out.set(r.name, { kind: r.kind, name: r.name, settings: { ...r.settings }, matched: [...matched], why: rule.why });
    }
  }
  return [...out.values()];
}
