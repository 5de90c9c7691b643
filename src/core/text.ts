/**
 * Terminal hygiene (CLI contract, issue 13): text that came from outside — arguments, files, cloud output —
 * is shown with its control characters made visible (`\x1b`, `\r`, `\u009b`), so an echoed
 * value cannot move the cursor, recolour or retitle the terminal, hide text or forge extra
 * lines. Escaping, not stripping: a hostile value never collapses into a valid one
 * (`te\x1bst` must not become `test`). One module for every place that echoes.
 */

/** C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** The same, plus colour sequences (SGR) the CLI's own styling writes. */
const CONTROL_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of user text: every control character, newlines and tabs included, made visible. */
export function sanitizeLine(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** A name or title kept in a file (a design's title): line breaks and tabs become spaces, other controls visible. */
export function singleLine(text: string): string {
  return sanitizeLine(text.replace(/[\r\n\t\u2028\u2029]+/g, ' '));
}

/** A user value quoted for a message: `'te\x1bst'`. */
export function quoted(value: string): string {
  return `'${sanitizeLine(value)}'`;
}

/**
 * Text about to be written to a terminal or log: the layout the CLI formats itself (newlines,
 * tabs, and its colour sequences when colour is on) is kept, every other control character is
 * made visible. A carriage return is escaped too: it could overwrite a line already shown.
 */
export function sanitizeOutput(text: string, options: { colors?: boolean } = {}): string {
  return text.replace(CONTROL_OR_SGR, (match) => {
    if (match === '\n' || match === '\t') return match;
    if (match.length > 1) return options.colors ? match : match.replace(CONTROL, escapeControl);
    return escapeControl(match);
  });
}

/** True when the text holds a control character other than newline and tab. */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(text);
}

/**
 * Every string inside a JSON-able value passed through `fn` (object keys too). Used on error
 * envelopes: JSON.stringify escapes control characters, but the message a caller shows a
 * person must already be clean.
 */
export function mapStrings(value: unknown, fn: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return fn(value);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(value)) out[fn(key)] = mapStrings(v, fn, depth + 1);
  return out;
}
