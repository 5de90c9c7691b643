/**
 * Error text as IaC tools and AWS SDKs print it, split into one block per error: the
 * `-json` diagnostic stream, Terraform/OpenTofu human output (`Error:` blocks framed with
 * │ ╷ ╵, `with ADDRESS,` locators, 0.11-era `* ADDRESS:` bullets), AWS CLI errors, and SDK
 * errors as JSON or as thrown objects. Shared by the denial parser and the debugger.
 * Pure: no I/O.
 */

/** One error, with the resource address it is about when the output says. */
export interface ErrorBlock {
  text: string;
  address?: string | undefined;
  /** The block is an error by the tool's own marking (an `Error:` header, a diagnostic), not surrounding output. */
  marked?: boolean;
}

/**
 * A thrown AWS SDK error (v3 JavaScript, or anything shaped like one) as text this parser
 * reads: code and message, HTTP status, and the raw response body when the SDK kept it
 * (`$responseBodyText`, the body of moto's XML answer to a JSON-protocol call).
 */
export function sdkErrorText(error: unknown, depth = 0): string {
  try {
    if (typeof error === 'string') return error;
    if (error === null || typeof error !== 'object') return error === undefined ? '' : String(error);
    const get = (key: string): unknown => {
      try {
        return (error as Record<string, unknown>)[key];
      } catch {
        return undefined;
      }
    };
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const inner = get('Error');
    const innerGet = (key: string) => (inner && typeof inner === 'object' ? (inner as Record<string, unknown>)[key] : undefined);
    const name = str(get('name'));
    const code = (str(get('Code')) ?? str(innerGet('Code')) ?? str(get('__type')) ?? str(get('errorCode')) ?? str(get('code')))?.replace(/^.*#/, '');
    const message = str(get('message')) ?? str(get('Message')) ?? str(innerGet('Message')) ?? str(get('errorMessage'));
    const metadata = get('$metadata');
    const response = get('$response');
    const statusOf = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const status =
      statusOf(metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).httpStatusCode : undefined) ??
      statusOf(get('statusCode')) ??
      statusOf(response && typeof response === 'object' ? (response as Record<string, unknown>).statusCode : undefined);
    const body = str(get('$responseBodyText')) ?? str(response && typeof response === 'object' ? (response as Record<string, unknown>).body : undefined);
    const label = code ?? name ?? 'Error';
    const lines = [message !== undefined ? `${label}: ${message}` : label];
    if (status !== undefined) lines.push(`status code: ${status}`);
    if (body) lines.push(body);
    const cause = get('cause');
    if (cause !== undefined && depth < 3) lines.push(sdkErrorText(cause, depth + 1));
    return lines.join('\n');
  } catch {
    return '';
  }
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;
const ADDRESS_SRC = String.raw`(?:module\.[A-Za-z0-9_-]+(?:\[[^\]\n]*\])?\.)*(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\[[^\]\n]*\])?`;
const BULLET = new RegExp(String.raw`^\s*\*\s+(${ADDRESS_SRC}):\s`);
const WITH_LINE = new RegExp(String.raw`^\s*with (${ADDRESS_SRC}),?\s*$`);
const IN_RESOURCE = /^\s*on .{1,500} line \d+, in resource "([^"]+)" "([^"]+)":?\s*$/;
const HEADER = /^\s*(Error|Warning):\s/;
const CLI_ERROR = /An error occurred \([^)\n]*\) when calling|A client error \([^)\n]*\) occurred when calling/;

export function clean(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n');
}

export function splitErrorBlocks(input: string): ErrorBlock[] {
  const text = clean(input);
  const trimmed = text.trim();
  // One JSON document (SDK error, `validate -json`, a saved diagnostics array, …).
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    const whole = tryJson(trimmed);
    if (whole !== undefined && !(trimmed.startsWith('{') && /\}\s*\n\s*\{/.test(trimmed))) {
      const blocks: ErrorBlock[] = [];
      fromJson(whole, 0, blocks, false);
      return blocks;
    }
  }
  // A stream: JSON lines and plain lines, in order.
  const blocks: ErrorBlock[] = [];
  let plain: string[] = [];
  const flushPlain = () => {
    if (plain.length) pushAll(blocks, splitText(plain.join('\n')));
    plain = [];
  };
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      const value = tryJson(t);
      if (value !== undefined && value !== null && typeof value === 'object') {
        flushPlain();
        fromJson(value, 0, blocks, true);
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

function looksLikeSdkError(o: Record<string, unknown>): boolean {
  return (
    typeof o.message === 'string' ||
    typeof o.Message === 'string' ||
    typeof o.errorMessage === 'string' ||
    typeof o.__type === 'string' ||
    typeof o.Code === 'string' ||
    isRecord(o.$metadata) ||
    isRecord(o.Error)
  );
}

/** JSON values -> blocks. `streamLine`: a line of a -json stream (only diagnostics count). */
function fromJson(value: unknown, depth: number, out: ErrorBlock[], streamLine: boolean): void {
  if (depth > 8) return;
  if (typeof value === 'string') {
    pushAll(out, splitText(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 10_000)) fromJson(item, depth + 1, out, false);
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
    fromJson(value.diagnostics, depth + 1, out, false);
    return;
  }
  if ('@level' in value || streamLine) {
    // A UI line that is not a diagnostic (version, planned_change, apply_errored, …), or
    // some other JSON log line: only an error-level message can carry an AWS error.
    if (value['@level'] === 'error' && typeof value['@message'] === 'string') pushAll(out, splitText(value['@message']));
    else if (!('@level' in value) && looksLikeSdkError(value)) pushAll(out, splitText(sdkErrorText(value)));
    return;
  }
  if (looksLikeSdkError(value)) {
    pushAll(out, splitText(sdkErrorText(value)));
    for (const key of ['error', 'errors', 'cause']) if (key in value) fromJson(value[key], depth + 1, out, false);
    return;
  }
  for (const item of Object.values(value)) fromJson(item, depth + 1, out, false);
}

/** Human output -> one block per error (Terraform `Error:` blocks, CLI errors, 0.11 bullets). */
function splitText(text: string): ErrorBlock[] {
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
    if (header || bullet || CLI_ERROR.test(line)) {
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

// ---------------------------------------------------------------------------------------------
// Facts every AWS error states somewhere: its code, HTTP status and the call that failed

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

/** Where SDKs, the AWS CLI and the AWS provider put the error code. */
export const AWS_ERROR_CODE_PATTERNS: readonly RegExp[] = [
  /api error ([A-Za-z][\w.]{0,100}):/g,
  /An error occurred \(([\w.]{1,100})\) when calling/g,
  /A client error \(([\w.]{1,100})\) occurred when calling/g,
  /<Code>\s*([\w.]{1,100})\s*<\/Code>/g,
  /"(?:Code|code|__type|errorCode)"\s*:\s*"(?:[\w.]{0,200}#)?([\w.]{1,100})"/g,
  /\b(?:Code|code|name)\s*:\s*'([\w.]{1,100})'/g,
  /Error Code: ([\w.]{1,100})/g,
];

export const STATUS_PATTERN = /(?:StatusCode|status code|Status Code|httpStatusCode"?)\s*[:=]\s*(\d{3})\b|An error occurred \((\d{3})\) when calling/gi;

/** `service: true`: the first group is the SDK service id, the second the operation. */
export const OPERATION_PATTERNS: readonly { re: RegExp; service: boolean }[] = [
  { re: /operation error ([A-Za-z0-9][A-Za-z0-9 ._-]{0,60}?): ([A-Za-z0-9]{1,100})\b/g, service: true },
  { re: /when calling the ([A-Za-z0-9]{1,100}) operation/g, service: false },
];

/** JavaScript error class names that are not AWS error codes. */
const NOT_CODES = new Set(['Error', 'SyntaxError', 'TypeError', 'RangeError', 'ReferenceError', 'TimeoutError', 'AbortError']);

export function normaliseErrorCode(code: string): string {
  return code.replace(/^.*#/, '').replace(/^(?:Client|Server)\./, '');
}

/** Every error code `patterns` find in `text`, in order of appearance. */
export function findErrorCodes(text: string, patterns: readonly RegExp[] = AWS_ERROR_CODE_PATTERNS): Hit[] {
  const hits: Hit[] = [];
  for (const re of patterns) for (const h of allMatches(text, re)) hits.push({ ...h, value: normaliseErrorCode(h.value) });
  return hits.filter((h) => h.value && !NOT_CODES.has(h.value)).sort((a, b) => a.index - b.index);
}
