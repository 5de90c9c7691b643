/**
 * How an artifact's content is judged: one set of rules for every JSON and JSON-lines file
 * faber-cloud keeps. Bad content (truncated, not JSON, valid JSON that is not a record, wrong
 * types, a newer schema_version) is an ArtifactError (E_ARTIFACT_CORRUPT, exit 2) naming the
 * file (and line), never an internal error, and the file is never reset.
 */
import type { z } from 'zod';
import { describeIssues } from './config/issues.js';
import { ArtifactError } from './errors.js';

const MAX_PROBLEMS = 20;

export function restoreHint(displayPath: string): string {
  return `restore ${displayPath} from version control or a backup (or fix the named field by hand); faber-cloud never resets it silently`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parse JSON text; a truncated or malformed file is an ArtifactError naming it. */
export function parseJsonText(text: string, displayPath: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const truncated = /end of (JSON )?input|Unterminated/i.test((error as Error).message);
    throw new ArtifactError(`${displayPath} is not valid JSON${truncated ? ' (truncated?)' : ''}: ${(error as Error).message}`, {
      hint: restoreHint(displayPath),
      details: { file: displayPath },
    });
  }
}

/**
 * A record that carries `schema_version`: one this CLI does not know is refused before its
 * fields are judged, so a newer file says "upgrade" rather than listing its new fields.
 */
export function checkSchemaVersion(data: Record<string, unknown>, known: number, displayPath: string): void {
  const version = data.schema_version;
  if (version === known) return;
  const newer = typeof version === 'number' && version > known;
  throw new ArtifactError(`${displayPath} has schema_version ${JSON.stringify(version) ?? '(none)'}; this faber-cloud reads ${known}`, {
    hint: newer ? `it was written by a newer faber-cloud: upgrade faber-cloud (nothing was changed)` : restoreHint(displayPath),
    details: { file: displayPath, schema_version: version ?? null, known },
  });
}

export interface RecordRules<S extends z.ZodType> {
  /** What the file is, for messages: "a registry", "an IAM audit log". */
  what: string;
  schema: S;
  /** The schema_version this CLI reads, when the record carries one. */
  schemaVersion?: number;
  /** "line 3" for JSON lines. */
  where?: string;
}

/** Judge parsed JSON as one record: an object, a known schema_version, every field typed. */
export function validateRecord<S extends z.ZodType>(data: unknown, displayPath: string, rules: RecordRules<S>): z.output<S> {
  const at = rules.where ? `${displayPath}:${rules.where.replace(/^line /, '')}` : displayPath;
  if (!isRecord(data)) {
    throw new ArtifactError(`${at}: is ${describeValue(data)}, not ${rules.what} (expected a JSON object)`, { hint: restoreHint(displayPath), details: { file: displayPath } });
  }
  if (rules.schemaVersion !== undefined) checkSchemaVersion(data, rules.schemaVersion, displayPath);
  const parsed = rules.schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(rules.schema, parsed.error.issues, data);
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  // The first problems are enough to start; a large damaged file must not flood the envelope.
  throw new ArtifactError(`${at}: ${first?.path}: ${first?.message}${more}`, { hint: restoreHint(displayPath), details: { file: displayPath, problems: problems.slice(0, MAX_PROBLEMS), problem_count: problems.length } });
}

/** Parse and judge a JSON file's text as one record. */
export function parseJsonRecord<S extends z.ZodType>(text: string, displayPath: string, rules: RecordRules<S>): z.output<S> {
  return validateRecord(parseJsonText(text, displayPath), displayPath, rules);
}

/**
 * Parse JSON lines, each one record. Every line must be whole: a torn last line (a crash
 * mid-append) is reported like any other bad line, since the next append would run into it.
 */
export function parseJsonLines<S extends z.ZodType>(text: string, displayPath: string, rules: Omit<RecordRules<S>, 'where'>): z.output<S>[] {
  const lines = text.split('\n');
  const out: z.output<S>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const where = `${displayPath}:${i + 1}`;
    const last = i === lines.length - 1;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      throw new ArtifactError(`${where}: not a JSON line${last ? ' (the last line is incomplete: a crash mid-write, or a truncated file)' : ''}: ${(error as Error).message}`, {
        hint: `fix or remove line ${i + 1} of ${displayPath}, or restore it from version control; faber-cloud never resets it silently`,
        details: { file: displayPath, line: i + 1 },
      });
    }
    try {
      out.push(validateRecord(data, displayPath, { ...rules, where: `line ${i + 1}` }));
    } catch (error) {
      if (error instanceof ArtifactError) error.addDetails({ line: i + 1 });
      throw error;
    }
  }
  return out;
}
