/**
 * CloudFormation templates in YAML, read into the same JSON value a JSON template gives: the
 * short-form intrinsic tags become their long form (`!Ref X` -> `{"Ref": "X"}`, `!GetAtt A.Arn`
 * -> `{"Fn::GetAtt": ["A", "Arn"]}`, `!Sub ...` -> `{"Fn::Sub": ...}`), as CloudFormation reads them.
 *
 * No YAML library is a dependency, so this reads the subset templates use: block mappings and
 * sequences (compact `- key: value` items too), plain, quoted and block (`|`, `>`) scalars, flow
 * collections over several lines, comments and tags. Anchors, aliases, merge keys, complex keys
 * and several documents are refused with the line (CloudFormation itself refuses aliases).
 */

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** The tags CloudFormation reads, besides `!Ref` and `!Condition` (which keep their names). */
const FN_TAGS = new Set(['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length', 'ForEach']);

function applyTag(tag: string, value: unknown, line: number): unknown {
  if (tag === 'Ref' || tag === 'Condition') return { [tag]: value };
  if (tag === '!str') return value === null ? '' : String(value);
  if (!FN_TAGS.has(tag)) throw new TemplateSyntaxError(`unknown tag !${tag}`, line);
  if (tag === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${tag}`]: value ?? '' };
}

/** A plain scalar's value: null, a boolean, a number, else the text. */
function plainValue(text: string): unknown {
  if (text === '' || text === '~' || /^(null|Null|NULL)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?$/.test(text) || /^[-+]?[0-9]+[eE][-+]?[0-9]+$/.test(text)) return Number(text);
  return text;
}

const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };

/** The end (index after the closing quote) of a quoted scalar starting at `start`, or -1. */
function quoteEnd(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

/** A quoted scalar over several lines: each line break folds to a space, an empty line to a newline. */
function foldLines(raw: string): string {
  const lines = raw.split('\n');
  let out = (lines[0] as string).trimEnd();
  let broke = false;
  for (const [i, l] of lines.slice(1).entries()) {
    const text = i === lines.length - 2 ? l.trimStart() : l.trim();
    if (text === '') {
      out += '\n';
      broke = true;
    } else {
      out += broke ? text : ` ${text}`;
      broke = false;
    }
  }
  return out;
}

function unquote(raw: string, line: number): string {
  const folded = raw.includes('\n') ? foldLines(raw) : raw;
  const body = folded.slice(1, -1);
  if (raw[0] === "'") return body.replace(/''/g, "'");
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] as string;
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex) {
      const code = body.slice(i + 1, i + 1 + hex);
      if (!/^[0-9a-fA-F]+$/.test(code) || code.length !== hex) throw new TemplateSyntaxError(`bad escape \\${e}${code}`, line);
      out += String.fromCodePoint(Number.parseInt(code, 16));
      i += hex;
    } else if (e in ESCAPES) out += ESCAPES[e];
    else throw new TemplateSyntaxError(`unknown escape \\${e}`, line);
  }
  return out;
}

/** The text before a comment (` #` outside quotes), trimmed at the end. */
function stripComment(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const atStart = i === 0 || /[\s[{,:]/.test(text[i - 1] as string);
    if ((c === '"' || c === "'") && atStart) {
      const end = quoteEnd(text, i);
      if (end < 0) return text.trimEnd();
      i = end - 1;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** `key: value` at the start of `text`: the key and where its value starts, or undefined. */
function mappingEntry(text: string, line: number): { key: string; rest: string } | undefined {
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const end = quoteEnd(text, 0);
    if (end < 0) return undefined;
    const colon = /^\s*:(\s|$)/.exec(text.slice(end));
    if (!colon) return undefined;
    key = unquote(text.slice(0, end), line);
    after = end + colon[0].length;
  } else {
    if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s]/.test(text)) return undefined;
    const m = /^([^#]*?)\s*:(\s|$)/.exec(text);
    if (!m) return undefined;
    key = m[1] as string;
    after = m[0].length;
  }
  if (key === '<<') throw new TemplateSyntaxError('merge keys (<<) are not supported', line);
  return { key, rest: text.slice(after).trim() };
}

/** Flow collections (`[a, !Ref B]`, `{Key: v}`) and scalars inside them. */
class FlowParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
  ) {}

  parseAll(): unknown {
    const value = this.value();
    this.ws();
    if (this.i < this.s.length) throw new TemplateSyntaxError(`unexpected ${JSON.stringify(this.s.slice(this.i, this.i + 10))}`, this.line);
    return value;
  }

  private ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  private value(inMapKey = false): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '!') {
      const m = /^!(!?[A-Za-z0-9:]+)/.exec(this.s.slice(this.i));
      if (!m) throw new TemplateSyntaxError('bad tag', this.line);
      this.i += m[0].length;
      this.ws();
      const next = this.s[this.i];
      const inner = next === undefined || next === ',' || next === ']' || next === '}' ? null : this.value();
      return applyTag(m[1] as string, inner, this.line);
    }
    if (c === '&' || c === '*') throw new TemplateSyntaxError('anchors and aliases are not supported', this.line);
    if (c === '[') {
      this.i++;
      const items: unknown[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ']') {
          this.i++;
          return items;
        }
        items.push(this.value());
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== ']') throw new TemplateSyntaxError('expected , or ] in a flow sequence', this.line);
      }
    }
    if (c === '{') {
      this.i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        this.ws();
        if (this.s[this.i] === '}') {
          this.i++;
          return out;
        }
        const key = this.value(true);
        if (key !== null && typeof key === 'object') throw new TemplateSyntaxError('complex keys (a collection as a key) are not supported', this.line);
        this.ws();
        let value: unknown = null;
        if (this.s[this.i] === ':') {
          this.i++;
          this.ws();
          value = this.s[this.i] === ',' || this.s[this.i] === '}' ? null : this.value();
        }
        out[String(key)] = value;
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== '}') throw new TemplateSyntaxError('expected , or } in a flow mapping', this.line);
      }
    }
    if (c === '"' || c === "'") {
      const end = quoteEnd(this.s, this.i);
      if (end < 0) throw new TemplateSyntaxError('unterminated quoted string', this.line);
      const text = unquote(this.s.slice(this.i, end), this.line);
      this.i = end;
      return text;
    }
    const start = this.i;
    while (this.i < this.s.length) {
      const ch = this.s[this.i] as string;
      if (ch === ',' || ch === ']' || ch === '}') break;
      if (inMapKey && ch === ':' && /[\s,}\]]/.test(this.s[this.i + 1] ?? ' ')) break;
      this.i++;
    }
    return plainValue(this.s.slice(start, this.i).trim());
  }
}

class BlockParser {
  private i = 0;
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  }

  /** The next line with content (skipping blank and comment-only lines), not consumed. */
  private peek(): { indent: number; text: string; n: number } | undefined {
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i] as string;
      if (/^\t/.test(raw) && raw.trim() !== '') throw new TemplateSyntaxError('tabs are not allowed for indentation', this.i + 1);
      const text = stripComment(raw);
      if (text.trim() === '') {
        this.i++;
        continue;
      }
      return { indent: indentOf(text), text: text.trimStart(), n: this.i + 1 };
    }
    return undefined;
  }

  parseDocument(): unknown {
    let first = this.peek();
    if (first && first.indent === 0 && /^%/.test(first.text)) throw new TemplateSyntaxError('directives are not supported', first.n);
    if (first && first.indent === 0 && /^---(\s|$)/.test(first.text)) {
      const rest = first.text.slice(3).trim();
      if (rest !== '') throw new TemplateSyntaxError('content on the --- line is not supported', first.n);
      this.i++;
      first = this.peek();
    }
    const value = first ? this.block(0) : null;
    const next = this.peek();
    if (next) {
      if (next.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(next.text)) {
        this.i++;
        if (this.peek()) throw new TemplateSyntaxError('a template is one YAML document', next.n);
      } else {
        throw new TemplateSyntaxError(`unexpected content (indentation ${next.indent})`, next.n);
      }
    }
    return value;
  }

  /** The block node at the current line (indented at least `min`). */
  private block(min: number): unknown {
    const line = this.peek();
    if (!line || line.indent < min) return null;
    if (/^-(\s|$)/.test(line.text)) return this.sequence(line.indent);
    if (mappingEntry(line.text, line.n)) return this.mapping(line.indent);
    this.i = line.n;
    return this.inline(line.text, line.indent - 1, line.n);
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const line = this.peek();
      if (!line || line.indent < indent) return out;
      if (line.indent > indent) throw new TemplateSyntaxError('bad indentation of a mapping entry', line.n);
      if (/^(---|\.\.\.)(\s|$)/.test(line.text) && indent === 0) return out;
      if (/^\?(\s|$)/.test(line.text)) throw new TemplateSyntaxError('complex keys (?) are not supported', line.n);
      const entry = mappingEntry(line.text, line.n);
      if (!entry) throw new TemplateSyntaxError(`expected "key: value", found ${JSON.stringify(line.text.slice(0, 30))}`, line.n);
      if (Object.hasOwn(out, entry.key)) throw new TemplateSyntaxError(`duplicate key ${entry.key}`, line.n);
      this.i = line.n;
      out[entry.key] = this.inline(entry.rest, indent, line.n, true);
    }
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const line = this.peek();
      if (!line || line.indent < indent || !/^-(\s|$)/.test(line.text)) {
        if (line && line.indent > indent) throw new TemplateSyntaxError('bad indentation of a sequence item', line.n);
        return out;
      }
      if (line.indent > indent) throw new TemplateSyntaxError('bad indentation of a sequence item', line.n);
      const rest = line.text.slice(1).trimStart();
      const column = line.indent + (line.text.length - rest.length);
      if (rest === '') {
        this.i = line.n;
        const next = this.peek();
        out.push(next && next.indent > indent ? this.block(indent + 1) : null);
      } else if (/^-(\s|$)/.test(rest) || mappingEntry(rest, line.n)) {
        // A compact item (`- Key: v` or `- - x`): the rest is a node at its own column.
        this.lines[line.n - 1] = ' '.repeat(column) + rest;
        this.i = line.n - 1;
        out.push(this.block(column));
      } else {
        this.i = line.n;
        out.push(this.inline(rest, indent, line.n));
      }
    }
  }

  /**
   * The value whose text starts on the line already consumed (`rest`: after `key:` or `- `),
   * continuing on lines indented more than `parent` (or, for a mapping value, a sequence at the
   * key's own indentation).
   */
  private inline(rest: string, parent: number, n: number, mappingValue = false): unknown {
    if (rest.startsWith('!')) {
      const m = /^!(!?[A-Za-z0-9:]+)(\s+|$)/.exec(rest);
      if (!m) throw new TemplateSyntaxError(`bad tag ${rest.split(/\s/)[0]}`, n);
      return applyTag(m[1] as string, this.inline(rest.slice(m[0].length), parent, n, mappingValue), n);
    }
    if (rest.startsWith('&') || rest.startsWith('*')) throw new TemplateSyntaxError('anchors and aliases are not supported', n);
    if (rest === '') {
      const next = this.peek();
      if (!next) return null;
      if (next.indent > parent) return this.block(parent + 1);
      if (mappingValue && next.indent === parent && /^-(\s|$)/.test(next.text)) return this.sequence(parent);
      return null;
    }
    if (/^[|>]/.test(rest)) return this.blockScalar(rest, parent, n);
    if (rest.startsWith('[') || rest.startsWith('{')) return new FlowParser(this.continued(rest, true), n).parseAll();
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const text = quoteEnd(rest, 0) < 0 ? this.continued(rest, false) : rest;
      const end = quoteEnd(text, 0);
      if (end < 0) throw new TemplateSyntaxError('unterminated quoted string', n);
      if (text.slice(end).trim() !== '') throw new TemplateSyntaxError(`unexpected ${JSON.stringify(text.slice(end).trim())} after a quoted string`, n);
      return unquote(text, n);
    }
    // A plain scalar may go on over more-indented lines: they fold into one line.
    const parts = [rest];
    for (let next = this.peek(); next && next.indent > parent && !mappingEntry(next.text, next.n) && !/^-(\s|$)/.test(next.text); next = this.peek()) {
      parts.push(next.text);
      this.i = next.n;
    }
    return plainValue(parts.join(' '));
  }

  /** A flow collection or quoted string over several lines: the lines until it closes. */
  private continued(first: string, flow: boolean): string {
    let text = first;
    const closed = () => (flow ? flowClosed(text) : quoteEnd(text, 0) >= 0);
    while (!closed()) {
      if (this.i >= this.lines.length) break;
      const raw = this.lines[this.i] as string;
      this.i++;
      if (flow && raw.trim() === '') continue;
      text += `\n${flow ? stripComment(raw) : raw}`;
    }
    return text;
  }

  private blockScalar(header: string, parent: number, n: number): string {
    const m = /^([|>])([-+]?)([1-9]?)([-+]?)$/.exec(header);
    if (!m) throw new TemplateSyntaxError(`bad block scalar header ${header}`, n);
    const folded = m[1] === '>';
    const chomp = m[2] || m[4];
    const lines: string[] = [];
    let indent = m[3] ? parent + Number(m[3]) : -1;
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i] as string;
      if (raw.trim() === '') {
        lines.push('');
        this.i++;
        continue;
      }
      const own = indentOf(raw);
      if (indent < 0) indent = own;
      if (own < indent || own <= parent) break;
      lines.push(raw.slice(indent));
      this.i++;
    }
    let trailing = 0;
    while (lines.length > 0 && lines[lines.length - 1] === '') {
      lines.pop();
      trailing++;
    }
    let text = '';
    if (folded) {
      lines.forEach((l, i) => {
        if (i === 0) text = l;
        else if (l === '') text += '\n';
        else if (lines[i - 1] === '') text += l;
        else if (/^\s/.test(l) || /^\s/.test(lines[i - 1] as string)) text += `\n${l}`;
        else text += ` ${l}`;
      });
    } else {
      text = lines.join('\n');
    }
    if (lines.length === 0) return chomp === '+' ? '\n'.repeat(trailing) : '';
    if (chomp === '-') return text;
    if (chomp === '+') return `${text}\n${'\n'.repeat(trailing)}`;
    return `${text}\n`;
  }
}

/** Whether every bracket opened in `text` (outside quotes) is closed. */
function flowClosed(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = quoteEnd(text, i);
      if (end < 0) return false;
      i = end - 1;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth <= 0;
}

/** A YAML template as the JSON value CloudFormation reads from it. Throws TemplateSyntaxError. */
export function parseYamlTemplate(text: string): unknown {
  return new BlockParser(text).parseDocument();
}

/**
 * A template's body (JSON or YAML) as its JSON value; a string saying why when it cannot be
 * read. JSON is tried first: it is what JSON templates are, exactly.
 */
export function parseTemplate(body: string): { template: unknown } | { error: string } {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return { template: JSON.parse(body) };
    } catch (error) {
      return { error: `not valid JSON: ${(error as Error).message}` };
    }
  }
  try {
    return { template: parseYamlTemplate(body) };
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return { error: `not readable as YAML: ${error.message}` };
    throw error;
  }
}
