import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { PLANNED_HOSTING_HANDLERS, PLANNED_IAC_HANDLERS } from './schema.js';

/** One configuration problem, located by its JSON path. */
export interface ConfigProblem {
  path: string;
  message: string;
}

type Segment = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join('');
}

interface ZodInternals {
  _zod: { def: { type: string; shape?: Record<string, unknown>; innerType?: unknown; valueType?: unknown; element?: unknown; in?: unknown } };
}

/** Follow a data path through the schema to the object schema found there, if any. */
function schemaAt(schema: unknown, path: readonly Segment[]): ZodInternals | undefined {
  let node = unwrap(schema);
  for (const seg of path) {
    if (!node) return undefined;
    const def = node._zod.def;
    if (def.type === 'object') node = def.shape && Object.hasOwn(def.shape, String(seg)) ? unwrap(def.shape[String(seg)]) : undefined;
    else if (def.type === 'record') node = unwrap(def.valueType);
    else if (def.type === 'array') node = unwrap(def.element);
    else return undefined;
  }
  return node;
}

function unwrap(schema: unknown): ZodInternals | undefined {
  let node = schema as ZodInternals | undefined;
  while (node?._zod) {
    const def = node._zod.def;
    if (['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(def.type)) node = def.innerType as ZodInternals;
    else if (def.type === 'pipe') node = def.in as ZodInternals;
    // A union of a scalar and an object (a path or { file, values }): keys belong to the object.
    else if (def.type === 'union') node = ((def as { options?: unknown[] }).options ?? []).map(unwrap).find((o) => o?._zod.def.type === 'object');
    else return node;
  }
  return undefined;
}

/** Nearest known key, when it is close enough to be a likely typo. */
export function suggestKey(unknownKey: string, known: readonly string[]): string | undefined {
  const candidates = known.filter((k) => !k.startsWith('$'));
  if (candidates.length === 0) return undefined;
  const best = closest(unknownKey, candidates);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(unknownKey.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg as string];
  }
  return node;
}

/** Turn zod issues into one sentence each, named by JSON path. */
export function describeIssues(schema: unknown, issues: readonly z.core.$ZodIssue[], data: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Unknown keys first: a misspelt key also makes its correct twin "missing", and the typo is the cause.
  const ordered = [...issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  for (const issue of ordered) {
    const path = issue.path as Segment[];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = Object.keys(schemaAt(schema, path)?._zod.def.shape ?? {});
        for (const key of issue.keys) {
          const suggestion = suggestKey(key, known);
          const listed = known.filter((k) => !k.startsWith('$')).map((k) => `'${k}'`).join(', ');
          problems.push({
            path: formatPath([...path, key]),
            message: suggestion ? `unknown key, did you mean '${suggestion}'?` : `unknown key (expected one of ${listed})`,
          });
        }
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(data, path);
        problems.push({
          path: formatPath(path),
          message: actual === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}, got ${describeType(actual)}`,
        });
        break;
      }
      case 'invalid_value': {
        const actual = valueAt(data, path);
        const planned: readonly unknown[] = [...PLANNED_HOSTING_HANDLERS, ...PLANNED_IAC_HANDLERS];
        const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
        problems.push({
          path: formatPath(path),
          message: actual === undefined
            ? `is required (one of ${allowed})`
            : planned.includes(actual)
            ? `${JSON.stringify(actual)} is a planned handler, not available yet (available: ${allowed})`
            : `must be one of ${allowed}, got ${JSON.stringify(actual)}`,
        });
        break;
      }
      case 'invalid_union': {
        // The branch the value was meant for (its type matched) says what is wrong in a sentence;
        // when no branch's type matched, the union's own message does.
        const meant = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
        if (meant.length === 1) {
          const inner = (meant[0] ?? []).map((i) => ({ ...i, path: [...path, ...i.path] }) as z.core.$ZodIssue);
          problems.push(...describeIssues(schema, inner, data));
        } else {
          problems.push({ path: formatPath(path), message: issue.message });
        }
        break;
      }
      case 'invalid_key':
        problems.push({ path: formatPath(path), message: `invalid key: ${issue.issues[0]?.message ?? issue.message}` });
        break;
      default:
        problems.push({ path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}
