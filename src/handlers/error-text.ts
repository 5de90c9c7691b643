/**
 * IaC tool output split into one block per error: the `-json` diagnostic stream,
 * Terraform/OpenTofu human output (`Error:` blocks framed with │ ╷ ╵, `with ADDRESS,`
 * locators, 0.11-era `* ADDRESS:` bullets). Which lines and JSON objects are a cloud's own
 * errors (the AWS CLI's `An error occurred (…)`, SDK errors as JSON) comes from the caller as
 * an ErrorDialect: the AWS one is handlers/hosting/aws/error-text.ts. Handler-neutral, because
 * the hosting side (the denial parser) reads what the IaC side printed, and the debugger reads
 * both. Pure: no I/O.
 */

/** One error, with the resource address it is about when the output says. */
export interface ErrorBlock {
  text: string;
  address?: string | undefined;
  /** The block is an error by the tool's own marking (an `Error:` header, a diagnostic), not surrounding output. */
  marked?: boolean;
}

/** How a cloud's own errors look inside tool output (none by default: Terraform's framing only). */
export interface ErrorDialect {
  /** A line that starts an error block of its own (e.g. the AWS CLI's `An error occurred (…) when calling`). */
  errorLine?: RegExp;
  /** The text of a JSON object that is one of the cloud's errors; undefined when it is not one. */
  errorObjectText?: (value: Record<string, unknown>) => string | undefined;
}

const NO_DIALECT: ErrorDialect = {};

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;
const ADDRESS_SRC = String.raw`(?:module\.[A-Za-z0-9_-]+(?:\[[^\]\n]*\])?\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\[[^\]\n]*\])?`;
const BULLET = new RegExp(String.raw`^\s*\*\s+(${ADDRESS_SRC}):\s`);
const WITH_LINE = new RegExp(String.raw`^\s*with (${ADDRESS_SRC}),?\s*$`);
const IN_RESOURCE = /^\s*on .{1,500} line \d+, in resource "([^"]+)" "([^"]+)":?\s*$/;
const HEADER = /^\s*(Error|Warning):\s/;

export function clean(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n');
}

export function splitErrorBlocks(input: string, dialect: ErrorDialect = NO_DIALECT): ErrorBlock[] {
  const text = clean(input);
  const trimmed = text.trim();
  // One JSON document (SDK error, `validate -json`, a saved diagnostics array, …).
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    const whole = tryJson(trimmed);
    if (whole !== undefined && !(trimmed.startsWith('{') && /\}\s*\n\s*\{/.test(trimmed))) {
      const blocks: ErrorBlock[] = [];
      fromJson(whole, 0, blocks, false, dialect);
      return blocks;
    }
  }
  // A stream: JSON lines and plain lines, in order.
  const blocks: ErrorBlock[] = [];
  let plain: string[] = [];
  const flushPlain = () => {
    if (plain.length) pushAll(blocks, splitText(plain.join('\n'), dialect));
    plain = [];
  };
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      const value = tryJson(t);
      if (value !== undefined && value !== null && typeof value === 'object') {
        flushPlain();
        fromJson(value, 0, blocks, true, dialect);
        continue;
      }
    }
    plain.push(line);
  }
  flushPlain();
  return blocks;
}

/**
 * `out.push(...items)` passes every item as an argument: a log with a few hundred thousand
 * short errors overflowed the stack (E_INTERNAL on a 9 MB file). A loop has no such limit.
 */
function pushAll<T>(out: T[], items: readonly T[]): void {
  for (const item of items) out.push(item);
}

export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** JSON values -> blocks. `streamLine`: a line of a -json stream (only diagnostics count). */
function fromJson(value: unknown, depth: number, out: ErrorBlock[], streamLine: boolean, dialect: ErrorDialect): void {
  if (depth > 8) return;
  if (typeof value === 'string') {
    pushAll(out, splitText(value, dialect));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 10_000)) fromJson(item, depth + 1, out, false, dialect);
    return;
  }
  if (!isRecord(value)) return;
  const diagnostic = isRecord(value.diagnostic) ? value.diagnostic : value.type === 'diagnostic' || (typeof value.severity === 'string' && 'summary' in value) ? value : undefined;
  if (diagnostic) {
    if (diagnostic.severity === 'warning' || value['@level'] === 'warn' || value['@level'] === 'warning') return;
    const text = [asString(diagnostic.summary), asString(diagnostic.detail)].filter((s) => s).join('\n') || asString(value['@message']) || '';
    if (text.trim()) out.push({ text: clean(text), address: asString(diagnostic.address) || undefined, marked: true });
    return;
  }
  if (Array.isArray(value.diagnostics)) {
    fromJson(value.diagnostics, depth + 1, out, false, dialect);
    return;
  }
  if ('@level' in value || streamLine) {
    // A UI line that is not a diagnostic (version, planned_change, apply_errored, …), or
    // some other JSON log line: only an error-level message can carry a cloud error.
    if (value['@level'] === 'error' && typeof value['@message'] === 'string') pushAll(out, splitText(value['@message'], dialect));
    else if (!('@level' in value)) {
      const text = dialect.errorObjectText?.(value);
      if (text !== undefined) pushAll(out, splitText(text, dialect));
    }
    return;
  }
  const text = dialect.errorObjectText?.(value);
  if (text !== undefined) {
    pushAll(out, splitText(text, dialect));
    for (const key of ['error', 'errors', 'cause']) if (key in value) fromJson(value[key], depth + 1, out, false, dialect);
    return;
  }
  for (const item of Object.values(value)) fromJson(item, depth + 1, out, false, dialect);
}

/** Human output -> one block per error (Terraform `Error:` blocks, 0.11 bullets, the dialect's error lines). */
function splitText(text: string, dialect: ErrorDialect): ErrorBlock[] {
  const blocks: ErrorBlock[] = [];
  let lines: string[] = [];
  let address: string | undefined;
  let skip = false;
  let marked = false;
  const flush = () => {
    if (!skip && lines.some((l) => l.trim())) blocks.push({ text: lines.join('\n'), address, marked });
    lines = [];
    address = undefined;
    skip = false;
    marked = false;
  };
  for (const rawLine of clean(text).split('\n')) {
    const line = rawLine.replace(/^[ \t]*[│╷╵┃][ \t]?/, '');
    const header = HEADER.exec(line);
    const bullet = BULLET.exec(line);
    if (header || bullet || dialect.errorLine?.test(line)) {
      flush();
      skip = header?.[1] === 'Warning';
      marked = true;
      address = bullet?.[1];
      lines.push(line);
      continue;
    }
    if (address === undefined) {
      const w = WITH_LINE.exec(line);
      if (w) address = w[1];
      else {
        const r = IN_RESOURCE.exec(line);
        if (r) address = `${r[1]}.${r[2]}`;
      }
    }
    lines.push(line);
  }
  flush();
  return blocks;
}

/** One regex match: the captured value and where the whole match is. */
export interface Hit {
  value: string;
  index: number;
  length: number;
}

export function allMatches(text: string, re: RegExp, group = 1): Hit[] {
  const hits: Hit[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const value = m[group] ?? m.slice(1).find((g) => g !== undefined);
    if (value !== undefined) hits.push({ value, index: m.index, length: m[0].length });
    if (m[0].length === 0) re.lastIndex++;
  }
  return hits;
}
