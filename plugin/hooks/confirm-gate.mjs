#!/usr/bin/env node
// PreToolUse hook of the faber-cloud plugin: makes Claude Code ask the user before a
// faber-cloud call that changes real things (--confirm, --apply, --force, --skip-pre-tests,
// `infra destroy`, `permissions grant`), and denies reaching the CLI any other way than a
// plain `faber-cloud ...` command line when such an operation is involved. The commands'
// `allowed-tools: Bash(faber-cloud:*)` pre-approves every faber-cloud line; this hook is
// what turns "ask first" from an instruction into a rule. docs/PLUGIN.md explains it.
//
// Protocol (Claude Code hooks reference, https://code.claude.com/docs/en/hooks, PreToolUse):
//   stdin:  {"session_id", "transcript_path", "cwd", "permission_mode", "hook_event_name": "PreToolUse",
//            "tool_name": "Bash", "tool_input": {"command": "...", "description", "timeout", ...}, "tool_use_id"}
//   stdout (exit 0), only when deciding:
//           {"hookSpecificOutput": {"hookEventName": "PreToolUse",
//             "permissionDecision": "allow" | "deny" | "ask",
//             "permissionDecisionReason": "..."}}      (ask: shown to the user; deny: shown to Claude)
//   exit 0 with no output: no decision (the normal permission flow applies). Exit 2 would block
//   with stderr as the reason; any other exit is a non-blocking error, so this script never
//   throws out: an internal failure on a line that mentions faber-cloud is a deny.
//
// No dependencies, no build: plain Node (>= 18), started once per Bash call, so it stays small.

import { appendFileSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------
// Shell words: a tokenizer for the POSIX/bash syntax a Bash tool command can use.

/**
 * @typedef {{ raw: string, value: string, quoted: boolean, dynamic: boolean }} Word
 *   raw: the source text; value: after quote removal and escapes; quoted: any quote or
 *   backslash was used; dynamic: the shell would expand it (parameter, command or arithmetic
 *   substitution, glob, brace), so `value` is not what the program receives.
 * @typedef {{ type: 'word', word: Word } | { type: 'op', op: string } | { type: 'redir', op: string, heredoc?: string }} Token
 * @typedef {{ words: Word[], assignments: Word[], redirects: { op: string, target?: Word, heredoc?: string }[], nested: boolean }} SimpleCommand
 * @typedef {{ commands: SimpleCommand[], operators: string[], compound: boolean, substitutions: string[], heredocs: string[] }} Parsed
 */

export class ShellSyntaxError extends Error {}

const OPERATORS = ['&&', '||', ';;&', ';;', ';&', '|&', '|', ';', '&', '(', ')'];
const REDIRECTS = ['<<<', '<<-', '<<', '&>>', '&>', '>>', '>|', '>&', '<&', '<>', '>', '<'];
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac', 'select', 'function', '{', '}', '!', '[[', ']]', 'time', 'coproc']);

/** Index after the `)` closing a `$(` / `<(` whose body starts at `i` (quotes and nesting respected). */
function closeParen(src, i) {
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') i += 2;
    else if (c === "'") i = closeQuote(src, i + 1, "'");
    else if (c === '"') i = closeDouble(src, i + 1);
    else if (c === '`') i = closeQuote(src, i + 1, '`');
    else if (c === '(') { depth++; i++; }
    else if (c === ')') { if (depth === 0) return i + 1; depth--; i++; }
    else if (c === '#' && (i === 0 || /[\s;&|(]/.test(src[i - 1]))) { const nl = src.indexOf('\n', i); i = nl < 0 ? src.length : nl; }
    else i++;
  }
  throw new ShellSyntaxError('unclosed ( in a substitution');
}

function closeQuote(src, i, q) {
  while (i < src.length) {
    if (q === '`' && src[i] === '\\') { i += 2; continue; }
    if (src[i] === q) return i + 1;
    i++;
  }
  throw new ShellSyntaxError(`unclosed ${q}`);
}

function closeDouble(src, i) {
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if (c === '`') i = closeQuote(src, i + 1, '`');
    else if (c === '$' && src[i + 1] === '(') i = closeParen(src, i + 2);
    else if (c === '$' && src[i + 1] === '{') i = closeBrace(src, i + 2);
    else i++;
  }
  throw new ShellSyntaxError('unclosed "');
}

function closeBrace(src, i) {
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') i += 2;
    else if (c === "'") i = closeQuote(src, i + 1, "'");
    else if (c === '"') i = closeDouble(src, i + 1);
    else if (c === '{') { depth++; i++; }
    else if (c === '}') { if (depth === 0) return i + 1; depth--; i++; }
    else i++;
  }
  throw new ShellSyntaxError('unclosed ${');
}

const ANSI_C = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** The value of a $'...' body (bash ANSI-C quoting). */
function ansiC(body) {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs, (_, e) => {
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e[0] === 'c') return String.fromCharCode(e.charCodeAt(1) & 31);
    return ANSI_C[e] ?? `\\${e}`;
  });
}

/**
 * Split a command line into words, operators and redirections, the way bash reads it:
 * quotes ('...', "...", $'...'), backslash escapes and line continuations, comments,
 * $(...), `...`, ${...}, $((...)), <(...) (their bodies are kept in `substitutions`
 * and parsed too), here-documents (bodies kept in `heredocs`). Throws ShellSyntaxError
 * on what it cannot read with confidence (an unclosed quote or substitution).
 * @returns {{ tokens: Token[], substitutions: string[], heredocs: string[] }}
 */
export function tokenize(src) {
  /** @type {Token[]} */
  const tokens = [];
  const substitutions = [];
  const heredocs = [];
  /** @type {{ delimiter: string, strip: boolean, token: any }[]} */
  const pendingHeredocs = [];
  let word = null;
  let unquoted = ''; // the unquoted characters of the current word, for glob and brace detection

  const start = () => { if (!word) { word = { raw: '', value: '', quoted: false, dynamic: false }; unquoted = ''; } };
  const finish = () => {
    if (!word) return;
    if (/[*?[]/.test(unquoted) || /\{[^{}]*(,|\.\.)[^{}]*\}/.test(unquoted)) word.dynamic = true;
    tokens.push({ type: 'word', word });
    word = null;
  };
  const readHeredocs = (i) => {
    // At a newline: the bodies of the here-documents opened on the line just read.
    for (const h of pendingHeredocs.splice(0)) {
      const lines = [];
      for (;;) {
        if (i >= src.length) break;
        const nl = src.indexOf('\n', i);
        const line = src.slice(i, nl < 0 ? src.length : nl);
        i = nl < 0 ? src.length : nl + 1;
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
        lines.push(line);
      }
      const body = lines.join('\n');
      h.token.heredoc = body;
      heredocs.push(body);
    }
    return i;
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      if (src[i + 1] === '\n') { i += 2; continue; } // line continuation
      if (i + 1 >= src.length) throw new ShellSyntaxError('trailing backslash');
      start();
      word.raw += src.slice(i, i + 2);
      word.value += src[i + 1];
      word.quoted = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      start();
      const end = closeQuote(src, i + 1, "'");
      word.raw += src.slice(i, end);
      word.value += src.slice(i + 1, end - 1);
      word.quoted = true;
      i = end;
      continue;
    }
    if (c === '$' && src[i + 1] === "'") {
      start();
      let j = i + 2;
      while (j < src.length && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new ShellSyntaxError("unclosed $'");
      word.raw += src.slice(i, j + 1);
      word.value += ansiC(src.slice(i + 2, j));
      word.quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '"' || (c === '$' && src[i + 1] === '"')) {
      start();
      const open = c === '"' ? i + 1 : i + 2;
      const end = closeDouble(src, open);
      word.raw += src.slice(i, end);
      word.quoted = true;
      // Inside double quotes only $, ` and \ are special.
      for (let j = open; j < end - 1; ) {
        const d = src[j];
        if (d === '\\' && '$`"\\\n'.includes(src[j + 1])) { if (src[j + 1] !== '\n') word.value += src[j + 1]; j += 2; }
        else if (d === '`') { const e = closeQuote(src, j + 1, '`'); substitutions.push(src.slice(j + 1, e - 1).replace(/\\([`$\\])/g, '$1')); word.dynamic = true; word.value += src.slice(j, e); j = e; }
        else if (d === '$' && /[({A-Za-z0-9_@*#?$!-]/.test(src[j + 1] ?? '')) { const e = expansionEnd(src, j, substitutions); word.dynamic = true; word.value += src.slice(j, e); j = e; }
        else { word.value += d; j++; }
      }
      i = end;
      continue;
    }
    if (c === '`') {
      start();
      const end = closeQuote(src, i + 1, '`');
      substitutions.push(src.slice(i + 1, end - 1).replace(/\\([`$\\])/g, '$1'));
      word.raw += src.slice(i, end);
      word.value += src.slice(i, end);
      word.dynamic = true;
      i = end;
      continue;
    }
    if (c === '$' && /[({A-Za-z0-9_@*#?$!-]/.test(src[i + 1] ?? '')) {
      start();
      const end = expansionEnd(src, i, substitutions);
      word.raw += src.slice(i, end);
      word.value += src.slice(i, end);
      word.dynamic = true;
      i = end;
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      // Process substitution: a word whose value is a /dev/fd path.
      start();
      const end = closeParen(src, i + 2);
      substitutions.push(src.slice(i + 2, end - 1));
      word.raw += src.slice(i, end);
      word.value += src.slice(i, end);
      word.dynamic = true;
      i = end;
      continue;
    }
    if (c === '#' && !word) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { finish(); i++; continue; }
    if (c === '\n') {
      finish();
      tokens.push({ type: 'op', op: '\n' });
      i = readHeredocs(i + 1);
      continue;
    }
    const redirect = REDIRECTS.find((r) => src.startsWith(r, i));
    if (redirect) {
      // `2>` / `10<`: digits right before a redirection are its file descriptor, not a word.
      if (word && /^\d+$/.test(word.raw)) word = null;
      finish();
      const token = { type: 'redir', op: redirect };
      tokens.push(token);
      i += redirect.length;
      if (redirect === '<<' || redirect === '<<-') {
        while (src[i] === ' ' || src[i] === '\t') i++;
        const delimiter = readDelimiter(src, i);
        pendingHeredocs.push({ delimiter: delimiter.value, strip: redirect === '<<-', token });
        i = delimiter.end;
      }
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) { finish(); tokens.push({ type: 'op', op }); i += op.length; continue; }
    start();
    word.raw += c;
    word.value += c;
    unquoted += c;
    i++;
  }
  finish();
  if (pendingHeredocs.length > 0) readHeredocs(src.length);
  return { tokens, substitutions, heredocs };
}

/** End of a $-expansion starting at `i` ($name, $1, $@, ${...}, $(...), $((...))); command bodies go to `subs`. */
function expansionEnd(src, i, subs) {
  const n = src[i + 1];
  if (n === '(') {
    if (src[i + 2] === '(') return closeParen(src, i + 3) + 1; // $(( arithmetic ))
    const end = closeParen(src, i + 2);
    subs.push(src.slice(i + 2, end - 1));
    return end;
  }
  if (n === '{') return closeBrace(src, i + 2);
  if (/[A-Za-z_]/.test(n)) { let j = i + 1; while (j < src.length && /\w/.test(src[j])) j++; return j; }
  return i + 2;
}

/** A here-document delimiter word: its value with quotes removed. */
function readDelimiter(src, i) {
  let value = '';
  while (i < src.length && !/[\s;&|<>()]/.test(src[i])) {
    const c = src[i];
    if (c === "'" || c === '"') { const end = closeQuote(src, i + 1, c); value += src.slice(i + 1, end - 1); i = end; }
    else if (c === '\\') { value += src[i + 1] ?? ''; i += 2; }
    else { value += c; i++; }
  }
  if (value === '') throw new ShellSyntaxError('here-document without a delimiter');
  return { value, end: i };
}

/**
 * A command line as simple commands (words with their leading assignments and redirections),
 * the operators between them, and whether compound syntax (subshells, groups, if/for/while,
 * reserved words) was used. Substitution bodies are parsed too; their commands are `nested`.
 * @returns {Parsed}
 */
export function parseCommandLine(src, depth = 0) {
  if (depth > 8) throw new ShellSyntaxError('substitutions nested too deep');
  const { tokens, substitutions, heredocs } = tokenize(src);
  /** @type {SimpleCommand[]} */
  const commands = [];
  const operators = [];
  let compound = false;
  let current = { words: [], assignments: [], redirects: [], nested: depth > 0 };
  const flush = () => {
    if (current.words.length || current.assignments.length || current.redirects.length) commands.push(current);
    current = { words: [], assignments: [], redirects: [], nested: depth > 0 };
  };
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.type === 'op') {
      flush();
      operators.push(token.op);
      if (token.op === '(' || token.op === ')' || token.op.startsWith(';;') || token.op === ';&') compound = true;
      continue;
    }
    if (token.type === 'redir') {
      const next = tokens[t + 1];
      // `<<` / `<<-` take their body from the following lines; every other redirection (`<<<` too) a word.
      const target = next && next.type === 'word' && token.op !== '<<' && token.op !== '<<-' ? next.word : undefined;
      if (target) t++;
      current.redirects.push({ op: token.op, target, heredoc: token.heredoc });
      continue;
    }
    const w = token.word;
    if (current.words.length === 0 && !w.quoted && RESERVED.has(w.value)) { compound = true; continue; }
    if (current.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(w.raw)) { current.assignments.push(w); continue; }
    current.words.push(w);
  }
  flush();
  const nested = [];
  for (const body of substitutions) {
    // Each body once: its own substitutions come back already parsed.
    const inner = parseCommandLine(body, depth + 1);
    commands.push(...inner.commands);
    operators.push(...inner.operators);
    nested.push(...inner.substitutions);
    heredocs.push(...inner.heredocs);
    compound ||= inner.compound;
  }
  return { commands, operators, compound, substitutions: [...substitutions, ...nested], heredocs };
}

// ---------------------------------------------------------------------------------------
// What is gated, and what it does (worded for the user who is asked).

/** Flags whose presence is the decision a user must make. Checked against the CLI's options by test/unit/confirm-gate.test.ts. */
export const GATED_FLAGS = ['--confirm', '--apply', '--force', '--skip-pre-tests'];
/** Commands that change cloud resources or IAM whatever their flags. */
export const GATED_COMMANDS = ['infra destroy', 'permissions grant'];

const FORCE_EFFECT = {
  init: 'replaces the existing project configuration (devops.json; the old one is kept as a .bak file)',
  'infra architect': 'replaces an existing design of the same slug',
  'infra engineer': 'overwrites or removes generated Terraform files that were edited by hand',
};

/** A gated flag a word spells, `--confirm=prod` and `--Apply` included; undefined otherwise. */
export function gatedFlagOf(value) {
  const v = value.toLowerCase();
  return GATED_FLAGS.find((f) => v === f || v.startsWith(`${f}=`));
}

/** The value of option `name` in argv (`--env prod` or `--env=prod`). */
function optionValue(args, name) {
  for (let k = 0; k < args.length; k++) {
    if (args[k] === name) return args[k + 1];
    if (args[k].startsWith(`${name}=`)) return args[k].slice(name.length + 1);
  }
  return undefined;
}

const GLOBAL_WITH_VALUE = new Set(['--cwd']);

/** The command path of a faber-cloud argv: the leading words that are not options, global options skipped. */
function commandPath(args) {
  const path = [];
  for (let k = 0; k < args.length && path.length < 2; k++) {
    const a = args[k];
    if (GLOBAL_WITH_VALUE.has(a)) { k++; continue; }
    if (a.startsWith('-')) { if (path.length) break; continue; }
    path.push(a);
  }
  return path.join(' ');
}

/**
 * The gated operations of one plain faber-cloud argv (the words after `faber-cloud`), each
 * with what it will do. Empty when the call only reads or asks for help.
 * @returns {{ what: string, effect: string }[]}
 */
export function gatesOf(args) {
  const cmd = commandPath(args);
  const afterPath = args.slice(args.indexOf(cmd.split(' ').at(-1)) + 1);
  // `faber-cloud infra destroy --help` prints help; with any other word, `--help` could be an option's value.
  if (afterPath.length === 1 && (afterPath[0] === '--help' || afterPath[0] === '-h')) return [];
  const env = optionValue(args, '--env');
  const inEnv = env ? ` in environment '${env}'` : '';
  const gates = [];
  if (cmd === 'infra destroy') gates.push({ what: 'infra destroy', effect: `destroys every resource${inEnv}` });
  if (cmd.split(' ')[0] === 'permissions' && args.includes('grant')) {
    const actions = args.flatMap((a, k) => (args[k - 1] === '--action' ? [a] : a.startsWith('--action=') ? [a.slice(9)] : []));
    gates.push({ what: 'permissions grant', effect: `grants ${actions.join(', ') || 'IAM actions'} to the deploy identity${inEnv} (an IAM policy change, audited)` });
  }
  const seen = new Set();
  for (const a of args) {
    const flag = gatedFlagOf(a);
    if (!flag || seen.has(flag)) continue;
    seen.add(flag);
    if (flag === '--confirm') {
      const value = optionValue(args, a.includes('=') ? a.slice(0, a.indexOf('=')) : a) ?? '';
      const plan = optionValue(args, '--plan');
      const does = cmd === 'infra deploy' ? `applies ${plan ? `plan ${plan}` : 'a plan'} to '${value}'` : cmd === 'ops remediate' ? `changes a live resource in '${value}'` : `confirms '${value}'`;
      gates.push({ what: `--confirm ${value}`.trim(), effect: `${does}: a change the CLI refuses in that environment without this confirmation` });
    } else if (flag === '--apply') {
      const action = optionValue(args, '--action');
      const target = optionValue(args, '--target') ?? optionValue(args, '--service');
      gates.push({ what: '--apply', effect: `makes the change for real${action ? ` (${action}${target ? ` on ${target}` : ''})` : ''}${inEnv} instead of a dry run` });
    } else if (flag === '--force') {
      gates.push({ what: '--force', effect: FORCE_EFFECT[cmd] ?? 'replaces what exists' });
    } else {
      gates.push({ what: flag, effect: 'deploys without the pre-deploy security and cost tests (recorded in the history)' });
    }
  }
  return gates;
}

// ---------------------------------------------------------------------------------------
// Reaching the CLI

/** Programs that only read or print their arguments: a mention of faber-cloud in them is data. */
const DATA_ONLY = new Set([
  'git', 'gh', 'echo', 'printf', 'cat', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'head', 'tail', 'less', 'more', 'wc', 'sort', 'uniq',
  'diff', 'jq', 'ls', 'cd', 'pushd', 'popd', 'pwd', 'mkdir', 'touch', 'cp', 'mv', 'rm', 'ln', 'tee', 'sed', 'tr', 'cut', 'file',
  'stat', 'realpath', 'dirname', 'basename', 'test', '[', 'true', 'false', 'which', 'type', 'man', 'tar', 'zip', 'unzip',
]);
/** Interpreters whose first non-option argument is a script file to read. */
const SCRIPT_RUNNERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'source', '.', 'node', 'nodejs', 'bun', 'deno', 'tsx', 'python', 'python3', 'perl', 'ruby']);
const PACKAGE_RUNNERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);

const MENTION = /faber[-_]?cloud/i;
const GATED_TEXT = /--(confirm|apply|force|skip-pre-tests)\b|\bdestroy\b|\bgrant\b/i;

/** Whether a path (relative to cwd) lies in a faber-cloud package or plugin: its dist/ bundle reached by path. */
function inFaberPackage(p, cwd) {
  const m = /^(.*?)(?:^|\/)dist\//.exec(p);
  if (!m) return false;
  const root = path.resolve(cwd, m[1] || '.');
  for (const [file, name] of [['package.json', 'faber-cloud'], ['.claude-plugin/plugin.json', 'fractary-faber-cloud']]) {
    try {
      if (JSON.parse(readFileSync(path.join(root, file), 'utf8')).name === name) return true;
    } catch { /* not this one */ }
  }
  const plugin = process.env.CLAUDE_PLUGIN_ROOT;
  return Boolean(plugin) && root === path.resolve(plugin);
}

/** Whether text names the CLI: `faber-cloud` (any case, `faber_cloud`), or a path into a faber-cloud package's dist/. */
export function mentionsCli(text, cwd) {
  if (MENTION.test(text)) return true;
  for (const m of text.matchAll(/[^\s'"`;|&()<>=]*dist\/[^\s'"`;|&()<>]*/g)) if (inFaberPackage(m[0], cwd)) return true;
  return false;
}

/** A command word spelt as a glob that the shell may expand to faber-cloud (`faber-clou?`, `f*cloud`). */
function globMatchesCli(w) {
  if (!w.dynamic || !/[*?[]/.test(w.value)) return false;
  const base = w.value.split('/').at(-1);
  const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test('faber-cloud');
}

/** Text of a file a command runs (`bash x.sh`, `./x.sh`, `npm run x`), to look inside; small files only. */
function scriptText(words, cwd) {
  const read = (p) => {
    try {
      const file = path.resolve(cwd, p);
      if (statSync(file).size > 512 * 1024) return undefined;
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const name = path.basename(words[0].value);
  if (words[0].value.includes('/')) return read(words[0].value);
  if (SCRIPT_RUNNERS.has(name)) {
    const file = words.slice(1).find((w) => !w.value.startsWith('-'));
    const text = file && !words.slice(1).some((w) => w.value === '-c' || w.value === '-e' || w.value === '--eval') ? read(file.value) : undefined;
    if (text !== undefined) return text;
  }
  if (PACKAGE_RUNNERS.has(name)) {
    const script = words[1]?.value === 'run' || words[1]?.value === 'run-script' ? words[2]?.value : words[1]?.value;
    try {
      const scripts = JSON.parse(read('package.json') ?? '{}').scripts ?? {};
      if (script && typeof scripts[script] === 'string') return scripts[script];
    } catch { /* no package.json */ }
  }
  return undefined;
}

/** The plain form: `faber-cloud` written as is, first word, no assignment before it. */
function isPlain(c) {
  return c.assignments.length === 0 && c.words.length > 0 && c.words[0].raw === 'faber-cloud';
}

/** Programs that take the command's arguments from their input, out of the hook's sight. */
const ARGS_FROM_INPUT = new Set(['xargs', 'parallel']);

/**
 * How a non-plain command reaches faber-cloud, or undefined when it does not. `hidden`: its
 * arguments come from somewhere the hook cannot read (stdin of xargs, a script's own gated
 * text). `lineExecutes`: the line runs something that could take code from data (a shell,
 * an interpreter, an unknown program), so `echo '...faber-cloud --apply' | sh` is not data.
 * `lineMentions`: faber-cloud is named somewhere on the line.
 * @returns {{ how: string, hidden: boolean } | undefined}
 */
function bypassOf(c, cwd, lineExecutes, lineMentions) {
  const words = c.words;
  if (words.length === 0) return undefined;
  const first = words[0];
  const own = [...words.map((w) => w.value), ...c.redirects.map((r) => r.heredoc ?? r.target?.value ?? '')].join(' ');
  const name = path.basename(first.value);
  const found = (how, hidden = false) => ({ how, hidden });
  if (name === 'faber-cloud' || globMatchesCli(first)) {
    if (c.assignments.length) return found('faber-cloud behind variable assignments');
    if (first.value.includes('/')) return found(`faber-cloud by path (${first.value})`);
    if (first.dynamic) return found(`faber-cloud spelt as a pattern or expansion (${first.raw})`);
    return found(`faber-cloud spelt with quotes or escapes (${first.raw})`);
  }
  if (mentionsCli(first.value, cwd)) return found(`the CLI bundle run directly (${first.value})`);
  // `f=faber-cloud; $f ...`: the name may come from anywhere on the line.
  if (first.dynamic) return lineMentions ? found(`a command name built by expansion (${first.raw})`, true) : undefined;
  const dataOnly = DATA_ONLY.has(name) && !(name === 'git' && words.some((w) => w.value === '-c'));
  if (!dataOnly && mentionsCli(own, cwd)) return found(`faber-cloud reached through ${name}`, ARGS_FROM_INPUT.has(name));
  const script = dataOnly ? undefined : scriptText(words, cwd);
  if (script !== undefined && mentionsCli(script, cwd)) return found(`a script that runs faber-cloud (${words.slice(0, 3).map((w) => w.value).join(' ')})`, GATED_TEXT.test(script));
  // Data, unless the same line has something that could execute it (`echo ... | sh`).
  if (dataOnly && lineExecutes && mentionsCli(own, cwd) && GATED_TEXT.test(own)) return found(`text handed to an interpreter (${name} ... | ...)`);
  return undefined;
}

/** Whether a command could run code it is given as data (not for plain faber-cloud calls, which the hook reads). */
function executes(c) {
  if (c.words.length === 0 || isPlain(c)) return false;
  const first = c.words[0];
  return first.dynamic || !DATA_ONLY.has(path.basename(first.value)) || (first.value === 'git' && c.words.some((w) => w.value === '-c'));
}

// ---------------------------------------------------------------------------------------
// The decision

/**
 * @typedef {{ decision: 'ask' | 'deny', reason: string } | undefined} Decision
 * @returns {Decision}
 */
export function decide(command, cwd = process.cwd(), permissionMode = 'default') {
  if (typeof command !== 'string' || command.trim() === '') return undefined;
  /** @type {Parsed} */
  let parsed;
  try {
    parsed = parseCommandLine(command);
  } catch (error) {
    // Unreadable: fine for anything else, refused when it names the CLI (it could hide anything).
    const loose = command.replace(/["'\\]/g, '');
    if (!mentionsCli(loose, cwd)) return undefined;
    return deny(`this command line mentions faber-cloud but cannot be parsed with confidence (${error instanceof ShellSyntaxError ? error.message : 'parse error'})`);
  }
  const { commands } = parsed;
  const allWords = commands.flatMap((c) => [...c.assignments, ...c.words, ...c.redirects.flatMap((r) => (r.target ? [r.target] : []))]);
  const texts = [...allWords.map((w) => w.value), ...parsed.heredocs];
  const gatedText = texts.some((t) => GATED_TEXT.test(t) || /^--(confirm|apply|force|skip-pre-tests)/i.test(t));
  const dynamic = allWords.some((w) => w.dynamic) || parsed.heredocs.length > 0;
  const lineExecutes = commands.some(executes);
  const lineMentions = texts.some((t) => mentionsCli(t, cwd)) || parsed.substitutions.some((t) => mentionsCli(t, cwd));

  // 1. The CLI reached other than as a plain command, with a gated operation (or one that could be hidden).
  for (const c of commands) {
    if (isPlain(c)) continue;
    const bypass = bypassOf(c, cwd, lineExecutes, lineMentions);
    if (bypass && (gatedText || bypass.hidden || dynamic)) {
      return deny(`${bypass.how}, with ${gatedText || !bypass.hidden ? 'an operation that needs the user\'s confirmation' : 'arguments the hook cannot see'}`);
    }
  }

  // 2. Plain faber-cloud calls.
  const plain = commands.filter(isPlain);
  for (const c of plain) {
    const args = c.words.slice(1);
    const hidden = args.find((w) => w.dynamic);
    if (hidden) return deny(`faber-cloud with an argument the shell expands (${hidden.raw}): it could carry --confirm, --apply or --force unseen`);
  }
  const gated = plain.map((c) => ({ c, gates: gatesOf(c.words.slice(1).map((w) => w.value)) })).filter((g) => g.gates.length > 0);
  if (gated.length === 0) return undefined;
  const alone = commands.length === 1 && !parsed.compound && parsed.operators.every((o) => o === '\n') && !commands[0].nested;
  const input = gated[0].c.redirects.find((r) => r.op.startsWith('<'));
  if (!alone || input) {
    return deny(`a faber-cloud call that needs the user's confirmation (${gated[0].gates.map((g) => g.what).join(', ')}) must be the only command of the line, with no pipe, ;, &&, ||, subshell or input redirection`);
  }
  const { c, gates } = gated[0];
  const cmd = commandPath(c.words.slice(1).map((w) => w.value)) || '(no command)';
  if (NO_PROMPT_MODES.has(permissionMode)) {
    return {
      decision: 'deny',
      reason: `Denied by the faber-cloud plugin hook: faber-cloud ${cmd} needs the user's confirmation (${gates.map((g) => g.what).join(', ')}), and in permission mode '${permissionMode}' Claude Code may run it without showing the prompt. Stop and ask the user to run it themselves in a terminal, or to switch to the default permission mode.`,
    };
  }
  return {
    decision: 'ask',
    reason: `faber-cloud ${cmd} needs your confirmation: ${gates.map((g) => `${g.what} ${g.effect}`).join('; ')}. Approve only if you asked for exactly this.`,
  };
}

function deny(why) {
  return {
    decision: 'deny',
    reason: `Denied by the faber-cloud plugin hook: ${why}. Run it as one plain command line that starts with \`faber-cloud\` (no env/node/npx/path prefix, no variables, quotes or escapes in the name, nothing chained), so the user is asked to confirm it.`,
  };
}

/**
 * Permission modes in which an `ask` is not a reliable prompt: `dontAsk` turns it into a
 * denial anyway, and in `auto` and `bypassPermissions` a hook's ask has been reported to let
 * the call run unprompted (anthropics/claude-code issues 79356, 89561). There a gated call is
 * denied with the reason, so it never runs unconfirmed.
 */
const NO_PROMPT_MODES = new Set(['auto', 'bypassPermissions', 'dontAsk']);

/** The hook's stdout for a decision (hooks reference: PreToolUse decision control). */
export function hookOutput(d) {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: d.decision, permissionDecisionReason: d.reason } };
}

/** The whole hook: stdin JSON in, stdout JSON (or nothing) out. Never throws. */
export function run(stdinText) {
  let input;
  try {
    input = JSON.parse(stdinText);
  } catch {
    return MENTION.test(stdinText) ? hookOutput(deny('the hook input could not be read')) : undefined;
  }
  try {
    if (!input || input.tool_name !== 'Bash' || typeof input.tool_input?.command !== 'string') return undefined;
    const cwd = typeof input.cwd === 'string' && input.cwd ? input.cwd : process.cwd();
    const d = decide(input.tool_input.command, cwd, typeof input.permission_mode === 'string' ? input.permission_mode : 'default');
    return d ? hookOutput(d) : undefined;
  } catch (error) {
    return MENTION.test(stdinText) ? hookOutput(deny(`the hook failed on this command (${error?.message ?? error})`)) : undefined;
  }
}

/** Option values the log may show: names and ids the CLI validates, never free text. */
const LOGGED_VALUES = new Set(['--env', '--confirm', '--plan', '--cwd']);

/**
 * The command line as the decision log keeps it: program, command path and option names, with
 * every other value replaced by `…`, and the values withheld. A line can carry a secret
 * (`--reason 'token …'`, `--var password=…`), and the log is a plain file outside the CLI's
 * redaction.
 */
export function loggedCommand(command) {
  const withheld = [];
  const hide = (value) => {
    withheld.push(value);
    return '…';
  };
  try {
    const shown = parseCommandLine(command).commands.map((c) => {
      const words = c.words.map((w) => w.value);
      const args = words.slice(1);
      // Only faber-cloud's own command words are kept: another program's first argument is data.
      const keep = new Set(MENTION.test(words[0] ?? '') ? commandPath(args).split(' ').filter(Boolean) : []);
      const out = [words[0] ?? ''];
      for (let k = 0; k < args.length; k++) {
        const a = args[k];
        const name = a.startsWith('-') ? a.split('=')[0] : undefined;
        if (name) out.push(a.includes('=') && !LOGGED_VALUES.has(name) ? `${name}=${hide(a.slice(name.length + 1))}` : a);
        else if (LOGGED_VALUES.has(args[k - 1]) || keep.delete(a)) out.push(a);
        else out.push(hide(a));
      }
      return out.join(' ');
    });
    return { command: shown.join(' ; '), withheld };
  } catch {
    return { command: '(not parsed)', withheld: [command] };
  }
}

/** `text` with every withheld value (3 characters or more: shorter ones are no secret) replaced by `…`. */
function withholding(text, withheld) {
  let out = text;
  for (const value of [...withheld].sort((a, b) => b.length - a.length)) if (value.length >= 3) out = out.split(value).join('…');
  return out;
}

/** FABER_CLOUD_HOOK_LOG=<file>: one JSON line per decision, for whoever wants to see them. */
function logDecision(text, output) {
  const file = process.env.FABER_CLOUD_HOOK_LOG;
  if (!file || !output) return;
  try {
    const o = output.hookSpecificOutput;
    const line = JSON.parse(text)?.tool_input?.command;
    const { command, withheld } = typeof line === 'string' ? loggedCommand(line) : { command: undefined, withheld: [] };
    appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), decision: o.permissionDecision, command, reason: withholding(o.permissionDecisionReason, withheld) })}\n`);
  } catch { /* logging never changes the decision */ }
}

/** Run as a script (not imported by the tests): compared by real path, as Node resolves the main module. */
function isMain() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const output = run(text);
    if (output) process.stdout.write(`${JSON.stringify(output)}\n`);
    logDecision(text, output);
  });
}
