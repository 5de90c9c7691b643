/**
 * The built-in knowledge base (templates/debugger/knowledge-base.json): common Terraform and
 * AWS failures with their usual fixes, kept as data. It seeds every project's issue log;
 * the log then keeps the project's own statistics for those solutions.
 */
import { z } from 'zod';
import data from '../../plugin/templates/debugger/knowledge-base.json' with { type: 'json' };
import { CATEGORIES } from './categories.js';
import { factsOf } from './facts.js';
import { emptyIssueLog, type Issue, type IssueLog } from './issue-log.js';
import { createNormaliser } from './normalise.js';

/** Placeholders a solution's steps and commands may use, filled in when proposed. */
export const SOLUTION_PLACEHOLDERS = ['env', 'address', 'resource_type', 'region', 'iac'] as const;

const kebab = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
const placeholdersKnown = (text: string) => [...text.matchAll(/\{([a-z_]+)\}/g)].every((m) => (SOLUTION_PLACEHOLDERS as readonly string[]).includes(m[1] ?? ''));

const KnowledgeSolutionSchema = z.strictObject({
  id: kebab,
  title: z.string().min(1),
  steps: z.array(z.string().min(1).refine(placeholdersKnown, 'unknown {placeholder}')).min(1).max(5),
  commands: z.array(z.string().min(1).refine(placeholdersKnown, 'unknown {placeholder}')).max(4),
});

export const KnowledgeEntrySchema = z.strictObject({
  id: kebab,
  title: z.string().min(1),
  category: z.enum(CATEGORIES),
  error_code: z.string().nullable(),
  service: z.string().nullable(),
  operation: z.string().nullable(),
  resource_type: z.string().nullable(),
  patterns: z.array(z.string().min(1)).min(1).max(4),
  example: z.string().min(1),
  explanation: z.string().min(1),
  solutions: z.array(KnowledgeSolutionSchema).min(1).max(3),
});
export type KnowledgeEntry = z.output<typeof KnowledgeEntrySchema>;

export const KnowledgeBaseSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.string().min(1),
  entries: z.array(KnowledgeEntrySchema).min(1),
});
export type KnowledgeBase = z.output<typeof KnowledgeBaseSchema>;

let cached: KnowledgeBase | undefined;

/** The bundled knowledge base, validated once (a broken one is a build bug, caught by tests). */
export function knowledgeBase(): KnowledgeBase {
  cached ??= KnowledgeBaseSchema.parse(data);
  return cached;
}

/**
 * A knowledge-base entry as an issue. Its signature comes from its example under a
 * project-neutral normaliser, so it is the same in every project.
 */
export function issueFromEntry(entry: KnowledgeEntry): Issue {
  const facts = factsOf({ text: entry.example }, createNormaliser());
  return {
    id: entry.id,
    source: 'builtin',
    signature: facts.signature,
    title: entry.title,
    category: entry.category,
    error_code: entry.error_code,
    service: entry.service,
    operation: entry.operation,
    resource_type: entry.resource_type,
    normalized_message: facts.normalisedMessage,
    patterns: entry.patterns,
    explanation: entry.explanation,
    example: { message: entry.example, address: null, env: null, at: null },
    first_seen: null,
    last_seen: null,
    occurrences: {},
    solutions: entry.solutions.map((s) => ({ ...s, source: 'builtin' as const, attempts: 0, successes: 0, last_used: null, added_at: null })),
  };
}

/**
 * The log with the current knowledge base merged in: new entries are added, known ones
 * get the current text while keeping the project's counts and its own added solutions.
 * Entries the knowledge base dropped stay: they carry the project's history.
 */
export function withKnowledgeBase(log: IssueLog | undefined, kb: KnowledgeBase = knowledgeBase()): IssueLog {
  const merged = log ?? emptyIssueLog();
  if (merged.knowledge_base_version === kb.version && log) return merged;
  const byId = new Map(merged.issues.map((issue, index) => [issue.id, index] as const));
  const signatures = new Set(merged.issues.map((i) => i.signature));
  for (const entry of kb.entries) {
    const fresh = issueFromEntry(entry);
    const index = byId.get(entry.id);
    if (index === undefined) {
      if (signatures.has(fresh.signature)) continue; // an observed issue already is this entry
      merged.issues.push(fresh);
      continue;
    }
    const current = merged.issues[index] as Issue;
    if (current.source !== 'builtin') continue;
    const stats = new Map(current.solutions.map((s) => [s.id, s] as const));
    merged.issues[index] = {
      ...fresh,
      signature: current.signature,
      first_seen: current.first_seen,
      last_seen: current.last_seen,
      occurrences: current.occurrences,
      example: current.example?.at ? current.example : fresh.example,
      solutions: [
        ...fresh.solutions.map((s) => {
          const known = stats.get(s.id);
          return known ? { ...s, attempts: known.attempts, successes: known.successes, last_used: known.last_used } : s;
        }),
        ...current.solutions.filter((s) => s.source === 'user' || !fresh.solutions.some((f) => f.id === s.id)),
      ],
    };
  }
  merged.knowledge_base_version = kb.version;
  return merged;
}
