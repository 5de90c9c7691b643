// The `faber-cloud ...` command lines of the plugin's markdown and documentation: reading the
// markdown (frontmatter, body) and extracting each command line as argv, placeholders filled
// with samples. Shared by test/unit/plugin-contract.test.ts (every line parses) and
// test/integration/executable-docs.test.ts (every line runs and exits as documented).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT as ROOT } from './cli.js';

export interface MarkdownFile {
  /** Path relative to the repo root, for messages. */
  rel: string;
  text: string;
  frontmatter: Record<string, string>;
  /** 1-based line where the body starts (after the frontmatter). */
  bodyStart: number;
}

export function markdownFilesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFilesUnder(rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out.sort();
}

/** The subset of YAML the plugin's frontmatter uses: `key: value`, values plain or quoted. */
export function parseFrontmatter(rel: string, lines: string[]): { fields: Record<string, string>; end: number } {
  if (lines[0] !== '---') return { fields: {}, end: 0 };
  const fields: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '---') return { fields, end: i + 1 };
    const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${rel}:${i + 1}: frontmatter line is not "key: value": ${line}`);
    let value = (m[2] as string).trim();
    if (value.startsWith("'")) {
      if (!/^'(?:[^']|'')*'$/.test(value)) throw new Error(`${rel}:${i + 1}: unbalanced single-quoted value`);
      value = value.slice(1, -1).replace(/''/g, "'");
    } else if (value.startsWith('"')) {
      value = JSON.parse(value) as string;
    } else if (/:\s|\s#/.test(value)) {
      throw new Error(`${rel}:${i + 1}: plain YAML value holds ": " or " #"; quote it`);
    }
    fields[m[1] as string] = value;
  }
  throw new Error(`${rel}: frontmatter is not closed by ---`);
}

export function readMarkdown(rel: string): MarkdownFile {
  const text = readFileSync(path.join(ROOT, rel), 'utf8');
  const { fields, end } = parseFrontmatter(rel, text.split('\n'));
  return { rel, text, frontmatter: fields, bodyStart: end + 1 };
}

// ---------------------------------------------------------------------------------------
// Invocations: extraction, tokenising, placeholders

export interface Invocation {
  /** file:line */
  where: string;
  /** The command line as written. */
  text: string;
  /** argv after `faber-cloud`, placeholders substituted. */
  argv: string[];
  /** Indexes of argv words that are a placeholder alone (`<type>`): an option's choices may replace them. */
  placeholders: number[];
  /** argv after `faber-cloud` as written, placeholders kept (the executable-docs test fills them from its table). */
  words: string[];
  /** The exit the markdown states for this line: `(exit N)` right after its code span, or `# exit N` in a shell block. */
  expectedExit?: number;
  /** The line reads stdin from a pipe (`tofu apply 2>&1 | faber-cloud infra debug`). */
  piped: boolean;
}

/** `(exit 3)` right after a code span. */
const STATED_AFTER_SPAN = /^\s*\(exit (\d)\)/;
/** `# exit 3` at the end of a line of a shell block. */
const STATED_IN_BLOCK = /#\s*exit (\d)\s*$/;

/**
 * Splits a shell line into pipeline segments at unquoted `|`, `||`, `&&` and `;`. A `|`
 * inside a placeholder (`<pre|post>`) or quotes does not split.
 */
export function shellSegments(line: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quote: string | null = null;
  let angle = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"') current += line[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '<' && /[A-Za-z]/.test(line[i + 1] ?? '')) angle++;
    else if (c === '>' && angle > 0) angle--;
    else if (angle === 0 && (c === '|' || c === ';' || (c === '&' && line[i + 1] === '&'))) {
      segments.push(current);
      current = '';
      if (line[i + 1] === c) i++;
      continue;
    }
    current += c;
  }
  segments.push(current);
  return segments.map((s) => s.trim()).filter(Boolean);
}

/**
 * Shell-like words: whitespace-separated, '…' literal, "…" with backslash escapes. Unquoted
 * `[`/`]` (optional parts) are dropped, `…`/`...` words dropped, `# comment` ends the line,
 * and a redirection (`> file`, `2>&1`) drops itself and its target.
 */
export function shellWords(segment: string): string[] {
  const words: string[] = [];
  const quotedWords = new Set<number>();
  let word = '';
  let has = false;
  let quoted = false;
  let angle = 0;
  const flush = () => {
    if (has) {
      if (quoted) quotedWords.add(words.length);
      words.push(word);
    }
    word = '';
    has = false;
    quoted = false;
  };
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === "'") {
      const close = segment.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in: ${segment}`);
      word += segment.slice(i + 1, close);
      has = true;
      quoted = true;
      i = close;
    } else if (c === '"') {
      i++;
      while (i < segment.length && segment[i] !== '"') {
        if (segment[i] === '\\' && i + 1 < segment.length) i++;
        word += segment[i];
        i++;
      }
      if (i >= segment.length) throw new Error(`unclosed " in: ${segment}`);
      has = true;
      quoted = true;
    } else if (angle === 0 && /\s/.test(c)) {
      flush();
    } else if (angle === 0 && (c === '[' || c === ']')) {
      flush();
    } else if (angle === 0 && c === '#' && !has) {
      break;
    } else {
      if (c === '<' && /[A-Za-z]/.test(segment[i + 1] ?? '')) angle++;
      else if (c === '>' && angle > 0) angle--;
      word += c;
      has = true;
    }
  }
  flush();
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (quotedWords.has(i)) {
      out.push(w);
      continue;
    }
    if (w === '...' || w === '…') continue;
    if (/^\d*>/.test(w)) {
      if (/^\d*>&?$/.test(w)) i++; // `> file`: skip the target too
      continue;
    }
    out.push(w);
  }
  return out;
}

/**
 * Sample values for placeholders, by name; `<a|b>` takes its first alternative; other names
 * get 'sample', or the first of the option's choices when it has some (see withChoices).
 */
export const SAMPLES: Record<string, string> = { env: 'test', 'plan-id': '0123456789ab', since: '1h', 'iso-date': '2026-01-01' };

export function substitute(word: string): string {
  return word.replace(/<([^<>]+)>/g, (_, name: string) => {
    if (name.includes('|')) return name.split('|')[0] as string;
    return SAMPLES[name] ?? 'sample';
  });
}

export function invocationFrom(where: string, segment: string, context: { line?: string; stated?: RegExpExecArray | null } = {}): Invocation | undefined {
  const text = segment.replace(/^\$\s+/, '');
  if (!/^faber-cloud(\s|$)/.test(text)) return undefined;
  const words = shellWords(text).slice(1);
  if (words.length === 0) return undefined; // the program's name in prose, not a command line
  const placeholders = words.flatMap((w, i) => (/^<[^<>|]+>$/.test(w) && !(w.slice(1, -1) in SAMPLES) ? [i] : []));
  const piped = context.line !== undefined && new RegExp(`\\|\\s*(\\$\\s+)?${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(context.line);
  const stated = context.stated ? Number(context.stated[1]) : undefined;
  return { where, text, argv: words.map(substitute), placeholders, words, piped, ...(stated !== undefined ? { expectedExit: stated } : {}) };
}

/** Every `faber-cloud ...` command line of a markdown body: inline code, fenced blocks, JSON strings. */
export function extractInvocations(file: Pick<MarkdownFile, 'rel' | 'text' | 'bodyStart'>): Invocation[] {
  const lines = file.text.split('\n');
  const found: Invocation[] = [];
  let fence: { marker: string; lang: string } | null = null;
  for (let n = file.bodyStart; n <= lines.length; n++) {
    const line = lines[n - 1] as string;
    const where = `${file.rel}:${n}`;
    const open = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence) {
      if (open && line.trim().startsWith(fence.marker) && line.trim() === line.trim().replace(/[\w-]+$/, '')) {
        fence = null;
        continue;
      }
      if (fence.lang === 'json') {
        for (const m of line.matchAll(/"(faber-cloud (?:[^"\\]|\\.)*)"/g)) {
          const inv = invocationFrom(where, JSON.parse(`"${m[1]}"`) as string);
          if (inv) found.push(inv);
        }
      } else {
        for (const segment of shellSegments(line)) {
          const inv = invocationFrom(where, segment, { line, stated: STATED_IN_BLOCK.exec(line) });
          if (inv) found.push(inv);
        }
      }
      continue;
    }
    if (open) {
      fence = { marker: open[1] as string, lang: (open[2] ?? '').toLowerCase() };
      continue;
    }
    for (const m of line.matchAll(/(`+)(.+?)\1/g)) {
      const stated = STATED_AFTER_SPAN.exec(line.slice((m.index ?? 0) + m[0].length));
      for (const segment of shellSegments((m[2] as string).trim())) {
        const inv = invocationFrom(where, segment, { line: m[2] as string, stated });
        if (inv) found.push(inv);
      }
    }
  }
  return found;
}

