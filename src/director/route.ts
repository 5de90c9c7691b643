/**
 * The devops-director's deterministic router: one natural-language request in, one
 * faber-cloud command line, a question, or the list of capabilities out. No I/O, no
 * randomness, no model: the same request and context always give the same answer, which is
 * what lets the agent trust it and the tests pin it.
 *
 * Safety is decided here, not left to the caller: argv never carries --confirm or --apply,
 * a destroy is only ever previewed, a negated mutation ("don't deploy") is never routed, and
 * every mutation of a prod environment comes back with needs_confirmation.
 *
 * Steps: flags and quoted text out -> tokens -> typo correction -> environment mentions
 * (replaced by "@env") -> pattern scores per operation (negated mutations dropped) ->
 * tie rules -> environment and argument extraction -> route, question or unknown.
 */
import { distance } from 'fastest-levenshtein';
import type { Alternative, ArgName, Capability, OperationName, RouteArgs, RouteContext, RouteDecision, RouteQuestion, RouteResult, RouteUnknown } from './types.js';
import {
  ARG_FLAGS,
  AUDIT_TYPES,
  BOOLEAN_FLAGS,
  CLAUSE_BREAKS,
  CONCURRENCY_NONE,
  COUNT_PATTERNS,
  DROPPED_FLAGS,
  ENV_ALIAS_GROUPS,
  ENV_BLOCKING_PREDECESSORS,
  ENV_EXCLUDERS,
  ENV_FOLLOWERS,
  ENV_PREPOSITIONS,
  ENV_TAKING_VERBS,
  ERROR_CUES,
  ERROR_NAME,
  REPORT_VERBS,
  REPORTED_FAILURE,
  HELP_PATTERN,
  IMPERATIVE_LEAD,
  ISSUE_TRAILING,
  KNOWN_WORDS,
  LOG_LEVELS,
  MATCH_KINDS,
  MISSING_PROMPTS,
  NEGATION_WINDOW,
  NEGATORS,
  NUMBER_WORDS,
  OPERATIONS,
  POLITE_LEAD,
  QUESTION_CUES,
  QUESTION_LEADS,
  REMEDIATION_ACTIONS,
  SAFE_READINGS,
  SERVICE_PATTERNS,
  SUBJECT_FILLER,
  SUBJECT_LEAD_WORDS,
  SUBJECT_TRAILING,
  TEST_PHASES,
  TIME_PHRASES,
  TIME_UNITS,
  TYPO_TARGETS,
  VALUE_FLAGS,
  type MatchKind,
  type OperationSpec,
} from './vocabulary.js';

// ---- tuning -------------------------------------------------------------------------------

/** Below this no operation is considered matched. A single weak cue (0.6) still counts. */
const MIN_SCORE = 0.5;
/** Operations scoring within this of the best are a tie: ask rather than guess. */
const TIE_MARGIN = 0.05;
/** A runner-up this close lowers the winner's confidence. */
const CLOSE_MARGIN = 0.25;
const CLOSE_RUNNER_UP_PENALTY = 0.1;
/** Each further distinct pattern of the same operation adds a little (at most two). */
const MULTI_MATCH_BONUS = 0.05;
const TYPO_PENALTY = 0.15;
const ALIAS_PENALTY = 0.05;
const DEFAULT_ENV_PENALTY = 0.1;
const MAX_ALTERNATIVES = 3;
const EPSILON = 1e-9;

// ---- compiled vocabulary ------------------------------------------------------------------

/** Word boundaries that treat "-" and the "@env" placeholder as part of a word. */
const wrap = (source: string): string => `(?<![\\w@-])(?:${source})(?![\\w-])`;

interface CompiledPattern {
  re: RegExp;
  kind: MatchKind;
  index: number;
}
const COMPILED: readonly { spec: OperationSpec; patterns: CompiledPattern[] }[] = OPERATIONS.map((spec) => ({
  spec,
  patterns: spec.patterns.map((pattern, index) => ({ re: new RegExp(wrap(pattern.re), 'g'), kind: pattern.kind, index })),
}));
const SPECS = new Map<OperationName, OperationSpec>(OPERATIONS.map((spec) => [spec.operation, spec]));
const specOf = (operation: OperationName): OperationSpec => SPECS.get(operation)!;

/** Every word the patterns use: an environment named like one ("test") needs an environment position. */
const OP_WORDS: ReadonlySet<string> = new Set(OPERATIONS.flatMap((spec) => spec.patterns.flatMap((pattern) => pattern.re.match(/[a-z]{2,}/g) ?? [])));

const ALIAS_BY_WORD = new Map<string, (typeof ENV_ALIAS_GROUPS)[number]>(ENV_ALIAS_GROUPS.flatMap((group) => group.words.map((word) => [word, group] as const)));
const PROD_WORDS: ReadonlySet<string> = new Set(ENV_ALIAS_GROUPS.find((group) => group.group === 'prod')?.words ?? []);
const LEVEL_BY_WORD = new Map<string, string>(LOG_LEVELS.flatMap((entry) => entry.words.map((word) => [word, entry.level] as const)));
/** "destroying test" takes an environment as much as "destroy test" does. */
const ENV_VERBS: ReadonlySet<string> = new Set([...ENV_TAKING_VERBS].flatMap((verb) => [verb, `${verb}s`, `${verb}ing`, `${verb.replace(/e$/, '')}ing`, `${verb}ed`, `${verb}d`]));

/** Inflections of the typo targets, so "deployed" or "resource" are never "corrected". */
function inflections(word: string): string[] {
  const stem = word.replace(/e$/, '');
  return [word, `${word}s`, `${word}es`, `${word}ed`, `${word}d`, `${word}ing`, `${stem}ing`, `${word}er`, `${word}ers`, `${word}ment`, `${word}ments`, `${stem}ion`, `${stem}ions`, `${word}ly`, word.replace(/y$/, 'ies'), word.replace(/s$/, '')];
}
const KNOWN: ReadonlySet<string> = new Set([
  ...KNOWN_WORDS,
  ...OP_WORDS,
  ...TYPO_TARGETS.flatMap(inflections),
  ...ALIAS_BY_WORD.keys(),
  ...LEVEL_BY_WORD.keys(),
  ...Object.keys(TIME_UNITS),
  ...Object.keys(NUMBER_WORDS),
  ...NEGATORS,
]);

const SERVICE_RES = SERVICE_PATTERNS.map((source) => new RegExp(wrap(source), 'g'));
/** SERVICE_PATTERNS' "<name> service". */
const NAMED_SERVICE_PATTERN = 1;
const HELP_RE = new RegExp(HELP_PATTERN);
const NUMBER_ALTERNATION = ['\\d+', ...Object.keys(NUMBER_WORDS)].join('|');
const UNIT_ALTERNATION = Object.keys(TIME_UNITS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const WINDOW_RE = new RegExp(wrap(`(?:last|past|previous|recent|since)(?: (${NUMBER_ALTERNATION}))? (${UNIT_ALTERNATION})`));
const COMPACT_WINDOW_RE = new RegExp(wrap('(?:last|past|previous|since) (\\d+)(m|h|d|w)'));
const COUNT_RES = COUNT_PATTERNS.map((source) => new RegExp(wrap(source)));
const CONCURRENCY_NONE_RE = new RegExp(wrap(CONCURRENCY_NONE));
const QUESTION_CUES_RE = new RegExp(wrap(QUESTION_CUES));
const ERROR_CUES_RE = new RegExp(wrap(ERROR_CUES));
const REPORT_VERBS_RE = new RegExp(wrap(REPORT_VERBS));
const REPORTED_FAILURE_RE = new RegExp(wrap(REPORTED_FAILURE));
const IMPERATIVE_RE = new RegExp(IMPERATIVE_LEAD);
const POLITE_RE = new RegExp(POLITE_LEAD);
/** A remediation action by its catalogue id or alias ("restart"). */
const actionOf = (value: string | boolean | undefined) =>
  typeof value === 'string' ? REMEDIATION_ACTIONS.find((entry) => entry.action === value || entry.aliases.includes(value)) : undefined;

// ---- request analysis ---------------------------------------------------------------------

interface EnvMention {
  /** Undefined when the word names an environment that is not configured ("staging"). */
  env: string | undefined;
  word: string;
  via: 'exact' | 'alias' | 'typo';
}

interface Token {
  kind: 'word' | 'punct' | 'quote';
  /** As typed. */
  raw: string;
  /** Lower case, apostrophes dropped, typo corrected. */
  text: string;
  /** The typed word, when `text` is a correction of it. */
  typoOf?: string;
  env?: EnvMention;
}

interface Analysis {
  request: string;
  ctx: RouteContext;
  flags: Record<string, string | true>;
  /** Flags the router refuses to pass on (--confirm, --apply), as typed. */
  dropped: string[];
  quotes: string[];
  tokens: Token[];
  /** Tokens joined by single spaces, environments as "@env", quoted text as "@quote". */
  text: string;
  /** Offset of each token in `text`. */
  starts: number[];
  /** A destroy was asked for (flag or non-negated verb): a preview then plans the destroy. */
  destroyRequested: boolean;
}

/** Reads a flag value at `at`: a quoted string, or everything up to the next blank. */
function readValue(input: string, at: number): [string, number] {
  const quote = input[at];
  if (quote === '"' || quote === "'") {
    const close = input.indexOf(quote, at + 1);
    const end = close === -1 ? input.length : close;
    return [input.slice(at + 1, end), close === -1 ? end : end + 1];
  }
  let end = at;
  while (end < input.length && !/\s/.test(input[end]!)) end++;
  // Sentence punctuation after an unquoted value is not part of it ("--env=test.").
  return [input.slice(at, end).replace(/[.,;!?]+$/, ''), end];
}

/** Takes `--name`, `--name=value` and `--name value` out of the request. */
function extractFlags(input: string): { flags: Record<string, string | true>; dropped: string[]; rest: string } {
  const flags: Record<string, string | true> = {};
  const dropped: string[] = [];
  let rest = '';
  let i = 0;
  while (i < input.length) {
    const atBoundary = i === 0 || /\s/.test(input[i - 1]!);
    const match = atBoundary && input.startsWith('--', i) ? /^--([A-Za-z][A-Za-z-]*)/.exec(input.slice(i)) : null;
    if (!match) {
      rest += input[i];
      i++;
      continue;
    }
    const name = match[1]!.toLowerCase();
    let end = i + match[0].length;
    let value: string | undefined;
    if (input[end] === '=') {
      [value, end] = readValue(input, end + 1);
    } else if (!BOOLEAN_FLAGS.has(name) && (VALUE_FLAGS.has(name) || name === 'confirm')) {
      let k = end;
      while (k < input.length && (input[k] === ' ' || input[k] === '\t')) k++;
      if (k < input.length && input[k] !== '-') [value, end] = readValue(input, k);
    }
    if (DROPPED_FLAGS.has(name)) dropped.push(input.slice(i, end).trim());
    else if (value !== undefined && value !== '') flags[name] = value;
    else if (value === undefined) flags[name] = true;
    rest += ' ';
    i = end;
  }
  return { flags, dropped, rest };
}

/** Takes "double" and 'single' quoted text out; an apostrophe inside a word is not a quote. */
function extractQuotes(input: string): { rest: string; quotes: string[] } {
  const quotes: string[] = [];
  const rest = input.replace(/(^|[\s=(:,])(?:"([^"]*)"|'([^']+)'(?=$|[\s.,;:!?)]))/g, (_all, lead: string, dq: string | undefined, sq: string | undefined) => {
    const text = (dq ?? sq ?? '').trim();
    if (!text) return `${lead} `;
    quotes.push(text);
    return `${lead} @quote `;
  });
  return { rest, quotes };
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const re = /@quote|[A-Za-z0-9]+(?:'[A-Za-z]+)*(?:[._/-][A-Za-z0-9]+(?:'[A-Za-z]+)*)*|[,.;!?:]/g;
  for (const match of input.matchAll(re)) {
    const raw = match[0];
    if (raw === '@quote') tokens.push({ kind: 'quote', raw, text: '@quote' });
    else if (/^[,.;!?:]$/.test(raw)) tokens.push({ kind: 'punct', raw, text: raw });
    else {
      const lower = raw.toLowerCase();
      let text = lower.replace(/'/g, '');
      // A possessive is the word itself ("the api's logs"); a contraction is a word of its own ("what's").
      if (lower.endsWith("'s") && !KNOWN.has(text)) text = lower.slice(0, -2).replace(/'/g, '');
      tokens.push({ kind: 'word', raw, text });
    }
  }
  return tokens;
}

/** Levenshtein distance, except that one swap of neighbouring letters counts as one edit. */
function typoDistance(a: string, b: string): { distance: number; transposition: boolean } {
  if (a.length === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)) return { distance: 1, transposition: true };
  }
  return { distance: distance(a, b), transposition: false };
}

/**
 * Whether `word` is a small typo of `target`. Short words only tolerate a swap ("prdo"),
 * because one substitution turns a 4-letter keyword into another word; longer words tolerate
 * one edit (two from 8 letters), keeping the first letter.
 */
function isTypoOf(word: string, target: string): number | undefined {
  if (word === target || word.length < 4) return undefined;
  const { distance: d, transposition } = typoDistance(word, target);
  if (transposition) return d;
  if (Math.min(word.length, target.length) <= 4 || word[0] !== target[0]) return undefined;
  return d <= (Math.max(word.length, target.length) >= 8 ? 2 : 1) ? d : undefined;
}

/** The single closest target, or none when two are equally close. */
function closestTarget(word: string, targets: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const target of targets) {
    const d = isTypoOf(word, target);
    if (d === undefined) continue;
    if (d < bestDistance) [best, bestDistance, tie] = [target, d, false];
    else if (d === bestDistance && target !== best) tie = true;
  }
  return tie ? undefined : best;
}

function correctTypos(tokens: Token[], ctx: RouteContext): void {
  const envNames = ctx.environments.map((env) => env.toLowerCase());
  const targets = [...new Set([...TYPO_TARGETS, ...envNames.filter((env) => /^[a-z]{4,}$/.test(env))])];
  for (const token of tokens) {
    if (token.kind !== 'word' || !/^[a-z]{4,}$/.test(token.text) || KNOWN.has(token.text) || envNames.includes(token.text)) continue;
    const target = closestTarget(token.text, targets);
    if (target) {
      token.typoOf = token.raw;
      token.text = target;
    }
  }
}

const wordAt = (tokens: Token[], i: number): Token | undefined => (tokens[i]?.kind === 'word' ? tokens[i] : undefined);

/** "deploy to test", "deploy test", "the test environment", "is test up": test is the environment. */
function inEnvPosition(tokens: Token[], i: number): boolean {
  const prev = wordAt(tokens, i - 1)?.text;
  const next = wordAt(tokens, i + 1)?.text;
  if (prev && (ENV_PREPOSITIONS.has(prev) || ENV_VERBS.has(prev))) return true;
  if (prev && ['the', 'my', 'our'].includes(prev)) {
    const before = wordAt(tokens, i - 2)?.text;
    if (before && (ENV_PREPOSITIONS.has(before) || ENV_VERBS.has(before))) return true;
  }
  return next !== undefined && ENV_FOLLOWERS.has(next);
}

function resolveAlias(word: string, ctx: RouteContext): string | undefined {
  const group = ALIAS_BY_WORD.get(word);
  if (!group) return undefined;
  const byName = ctx.environments.find((env) => group.words.includes(env.toLowerCase()));
  if (byName) return byName;
  // "prod" still means the one prod-profile environment when it is called something else.
  if (group.group === 'prod' && ctx.prodEnvironments.length === 1) return ctx.prodEnvironments[0];
  return undefined;
}

function detectEnvironments(tokens: Token[], ctx: RouteContext): void {
  const names = new Map(ctx.environments.map((env) => [env.toLowerCase(), env]));
  tokens.forEach((token, i) => {
    if (token.kind !== 'word') return;
    let mention: EnvMention | undefined;
    const configured = names.get(token.text);
    if (configured) mention = { env: configured, word: token.raw, via: token.typoOf ? 'typo' : 'exact' };
    // Without a configuration there is nothing to check "prod" against: it is taken as said.
    else if (ALIAS_BY_WORD.has(token.text)) mention = { env: ctx.environments.length === 0 ? token.text : resolveAlias(token.text, ctx), word: token.raw, via: token.typoOf ? 'typo' : 'alias' };
    if (!mention) return;
    const prev = wordAt(tokens, i - 1)?.text;
    if (prev && ENV_BLOCKING_PREDECESSORS.has(prev)) return;
    if (OP_WORDS.has(token.text) && !inEnvPosition(tokens, i)) return;
    token.env = mention;
  });
}

function analyse(request: string, ctx: RouteContext): Analysis {
  // Typographic quotes and apostrophes behave like the plain ones.
  const input = request.normalize('NFKC').replace(/[\u2018\u2019\u2032]/g, "'").replace(/[\u201C\u201D\u2033]/g, '"');
  const { flags, dropped, rest } = extractFlags(input);
  const { rest: unquoted, quotes } = extractQuotes(rest);
  const tokens = tokenize(unquoted);
  correctTypos(tokens, ctx);
  detectEnvironments(tokens, ctx);
  const starts: number[] = [];
  let text = '';
  for (const token of tokens) {
    if (text) text += ' ';
    starts.push(text.length);
    text += token.env ? '@env' : token.text;
  }
  return { request, ctx, flags, dropped, quotes, tokens, text, starts, destroyRequested: flags.destroy === true };
}

function tokenAt(a: Analysis, offset: number): number {
  let index = 0;
  for (let i = 0; i < a.starts.length; i++) if (a.starts[i]! <= offset) index = i;
  return index;
}

/** A negator within a few words before `i`, in the same clause ("do not deploy yet"). */
function isNegated(a: Analysis, i: number): boolean {
  for (let j = i - 1, seen = 0; j >= 0 && seen < NEGATION_WINDOW; j--, seen++) {
    const text = a.tokens[j]!.text;
    if (NEGATORS.has(text)) return true;
    if (a.tokens[j]!.kind === 'punct' || CLAUSE_BREAKS.has(text)) return false;
  }
  return false;
}

// ---- scoring ------------------------------------------------------------------------------

interface Candidate {
  spec: OperationSpec;
  score: number;
  confidence: number;
  kind: MatchKind;
  /** The normalised words that matched best, for the reason. */
  matched: string;
  /** Token range of the best match (for typo penalties). */
  span: [number, number];
  /** Token ranges of every match, to tell when another operation's phrase contains them all. */
  spans: [number, number][];
  /** The mutation whose words matched, when this is its safe reading (a question or an error report). */
  readFrom?: OperationName;
}

function scoreOperations(a: Analysis): { ranked: Candidate[]; negated: OperationName[] } {
  const ranked: Candidate[] = [];
  const negated: OperationName[] = [];
  for (const { spec, patterns } of COMPILED) {
    let best: Candidate | undefined;
    const distinct = new Set<number>();
    const spans: [number, number][] = [];
    let anyNegated = false;
    for (const pattern of patterns) {
      for (const match of a.text.matchAll(pattern.re)) {
        const start = tokenAt(a, match.index);
        // A mutation with a negation anywhere is dropped entirely: safer to ask than to deploy.
        if (spec.mutating && isNegated(a, start)) {
          anyNegated = true;
          continue;
        }
        distinct.add(pattern.index);
        const span: [number, number] = [start, tokenAt(a, match.index + match[0].length - 1)];
        spans.push(span);
        const { score, confidence } = MATCH_KINDS[pattern.kind];
        if (!best || score > best.score || (score === best.score && confidence > best.confidence)) {
          best = { spec, score, confidence, kind: pattern.kind, matched: match[0], span, spans };
        }
      }
    }
    if (anyNegated) {
      negated.push(spec.operation);
      continue;
    }
    if (!best) continue;
    best.score += MULTI_MATCH_BONUS * Math.min(2, distinct.size - 1);
    if (best.score >= MIN_SCORE) ranked.push(best);
  }
  // Stable: equal scores keep the vocabulary's order.
  ranked.sort((x, y) => y.score - x.score);
  return { ranked, negated };
}

// ---- speech act ---------------------------------------------------------------------------

type SpeechAct = 'request' | 'question' | 'error-report';

/** An error report gets its diagnosis above any incident phrase it also contains ("got a timeout deploying"). */
const ERROR_REPORT_BONUS = 0.4;
/** A safe reading is an interpretation: never full confidence. */
const SAFE_READING_CONFIDENCE = 0.9;

/**
 * Whether the request orders its mutation, asks about it, or reports its failure. Only a
 * request can reach a mutation: "deploy to test", "please deploy", "I want to deploy", and the
 * polite "could you deploy to test?" are requests; "what happens if I apply?", "deploy to
 * prod?", "should I restart the api?" are questions; "got access denied deploying to prod"
 * and "deploying to prod gives an UnauthorizedOperation error" are error reports.
 */
function speechAct(a: Analysis, ranked: readonly Candidate[]): SpeechAct {
  const mutation = ranked.find((c) => c.spec.mutating);
  if (!mutation) return 'request';
  const lead = a.tokens
    .slice(0, mutation.span[0])
    .filter((token) => token.kind === 'word')
    .map((token) => `${token.text} `)
    .join('');
  // "deploying to prod gives me an error" names the verb, it does not order it.
  const baseForm = !/(?:ing|ed)$/.test(a.tokens[mutation.span[0]]?.text ?? '');
  if (baseForm && POLITE_RE.test(lead)) return 'request';
  const imperative = baseForm && IMPERATIVE_RE.test(lead) && !REPORTED_FAILURE_RE.test(a.text.slice(a.starts[mutation.span[1]] ?? 0));
  const words = a.tokens.filter((token) => token.kind === 'word');
  const reported = ERROR_CUES_RE.test(a.text) || REPORT_VERBS_RE.test(a.text) || words.some((token) => ERROR_NAME.test(token.raw)) || a.quotes.some((quote) => ERROR_CUES_RE.test(quote.toLowerCase()));
  if (!imperative && reported) return 'error-report';
  const last = a.tokens[a.tokens.length - 1];
  if (last?.kind === 'punct' && last.text === '?') return 'question';
  if (imperative) return 'request';
  const first = words[0]?.text;
  return (first !== undefined && QUESTION_LEADS.has(first)) || QUESTION_CUES_RE.test(a.text) ? 'question' : 'request';
}

/**
 * A question's or an error report's candidates, each mutation replaced by the read that
 * answers it (SAFE_READINGS): deploy -> preview or debug, destroy -> preview --destroy or
 * debug, remediate -> check-health or investigate. One candidate per operation, best first.
 */
function safeReadings(a: Analysis, ranked: readonly Candidate[], act: Exclude<SpeechAct, 'request'>): { ranked: Candidate[]; note?: string } {
  let note: string | undefined;
  const read: Candidate[] = [];
  for (const c of ranked) {
    if (!c.spec.mutating) {
      read.push(c);
      continue;
    }
    const safe = SAFE_READINGS[c.spec.operation];
    if (!safe) continue;
    const operation = act === 'question' ? safe.question : safe.error;
    if (operation === 'preview' && c.spec.operation === 'destroy' && c.score >= MATCH_KINDS.synonym.score - EPSILON) a.destroyRequested = true;
    read.push({ ...c, spec: specOf(operation), readFrom: c.spec.operation, score: c.score + (act === 'error-report' ? ERROR_REPORT_BONUS : 0), confidence: Math.min(c.confidence, SAFE_READING_CONFIDENCE) });
    note ??=
      act === 'question'
        ? `a question, not an order: answered with ${operation} instead of ${c.spec.operation}`
        : `an error report: ${operation} diagnoses it instead of repeating the ${c.spec.operation}`;
  }
  read.sort((x, y) => y.score - x.score);
  const seen = new Set<OperationName>();
  return { ranked: read.filter((c) => !seen.has(c.spec.operation) && (seen.add(c.spec.operation), true)), note };
}

// ---- environment --------------------------------------------------------------------------

type EnvFinding =
  | { kind: 'found'; env: string; via: 'flag' | 'exact' | 'alias' | 'typo'; word: string }
  | { kind: 'none' }
  | { kind: 'several'; envs: string[] }
  | { kind: 'unconfigured'; word: string };

function resolveNamedEnv(word: string, ctx: RouteContext): EnvFinding {
  const lower = word.toLowerCase();
  const exact = ctx.environments.find((env) => env.toLowerCase() === lower);
  if (exact) return { kind: 'found', env: exact, via: 'flag', word };
  const alias = resolveAlias(lower, ctx);
  if (alias) return { kind: 'found', env: alias, via: 'alias', word };
  const names = ctx.environments.map((env) => env.toLowerCase());
  const typo = closestTarget(lower, names);
  if (typo) return { kind: 'found', env: ctx.environments[names.indexOf(typo)]!, via: 'typo', word };
  // With no configuration to check against, a plain name is taken as given.
  if (ctx.environments.length === 0 && isSafeValue('env', word)) return { kind: 'found', env: word, via: 'flag', word };
  return { kind: 'unconfigured', word };
}

function findEnvironment(a: Analysis): EnvFinding {
  if (typeof a.flags.env === 'string') return resolveNamedEnv(a.flags.env, a.ctx);
  const mentions = a.tokens
    .flatMap((token, i) => (token.env ? [{ ...token.env, prev: wordAt(a.tokens, i - 1)?.text }] : []))
    .filter((m) => m.prev === undefined || !ENV_EXCLUDERS.has(m.prev));
  const configured = mentions.filter((m): m is typeof m & { env: string } => m.env !== undefined);
  const unconfigured = mentions.filter((m) => m.env === undefined);
  const envs = [...new Set(configured.map((m) => m.env))];
  if (envs.length === 0) return unconfigured[0] ? { kind: 'unconfigured', word: unconfigured[0].word } : { kind: 'none' };
  if (unconfigured.length > 0) return { kind: 'several', envs };
  if (envs.length === 1) {
    const first = configured.find((m) => m.via === 'typo') ?? configured.find((m) => m.via === 'exact') ?? configured[0]!;
    return { kind: 'found', env: first.env, via: first.via, word: first.word };
  }
  // "promote test to prod", "from test to prod": the destination is the environment.
  const targets = configured.filter((m) => m.prev !== undefined && ['to', 'into', 'onto'].includes(m.prev));
  const targetEnvs = [...new Set(targets.map((m) => m.env))];
  const othersAreSources = configured.every((m) => targetEnvs.includes(m.env) || (m.prev !== undefined && (m.prev === 'from' || ENV_VERBS.has(m.prev))));
  if (targetEnvs.length === 1 && othersAreSources) {
    const target = targets[0]!;
    return { kind: 'found', env: target.env, via: target.via, word: target.word };
  }
  return { kind: 'several', envs };
}

type EnvChoice = { kind: 'env'; env: string | undefined; penalty: number; note?: string } | { kind: 'ask'; question: string; envs: string[] };

function chooseEnv(spec: OperationSpec, finding: EnvFinding, ctx: RouteContext): EnvChoice {
  if (!spec.args.includes('env')) return { kind: 'env', env: undefined, penalty: 0 };
  const required = spec.requires.includes('env');
  const configured = ctx.environments.join(', ');
  switch (finding.kind) {
    case 'found': {
      const penalty = finding.via === 'typo' ? TYPO_PENALTY : finding.via === 'alias' ? ALIAS_PENALTY : 0;
      const note = finding.via === 'typo' ? `environment ${finding.env} (read "${finding.word}" as ${finding.env})` : finding.via === 'alias' ? `environment ${finding.env} (from "${finding.word}")` : `environment ${finding.env}`;
      return { kind: 'env', env: finding.env, penalty, note };
    }
    case 'none':
      if (!required) return { kind: 'env', env: undefined, penalty: 0 };
      if (ctx.environments.length === 1) {
        const only = ctx.environments[0]!;
        return { kind: 'env', env: only, penalty: DEFAULT_ENV_PENALTY, note: `environment ${only} (the only one configured)` };
      }
      if (ctx.environments.length === 0) return { kind: 'ask', question: 'No environments are configured yet: run init first, then name the environment.', envs: [] };
      return { kind: 'ask', question: `Which environment should I ${spec.title} in: ${ctx.environments.join(' or ')}?`, envs: ctx.environments };
    case 'several':
      return { kind: 'ask', question: `The request names several environments (${finding.envs.join(', ')}); which one should I ${spec.title} in?`, envs: finding.envs };
    case 'unconfigured':
      return {
        kind: 'ask',
        question: `"${finding.word}" is not a configured environment${configured ? ` (configured: ${configured})` : ''}. Which one should I ${spec.title} in?`,
        envs: ctx.environments,
      };
  }
}

const isProd = (env: string, ctx: RouteContext): boolean =>
  ctx.prodEnvironments.some((prod) => prod.toLowerCase() === env.toLowerCase()) || PROD_WORDS.has(env.toLowerCase());

// ---- arguments ----------------------------------------------------------------------------

/** Ordinary words: never a service name, even right before "service". */
const PLAIN_WORDS: ReadonlySet<string> = new Set([...KNOWN_WORDS, ...NEGATORS, ...Object.keys(NUMBER_WORDS)]);

/** `named`: the word stands right before "service" ("the billing service"), so an operation word may be a name too. */
function isServiceName(word: string, ctx: RouteContext, named = false): boolean {
  if (word.length < 2 || (named ? PLAIN_WORDS : KNOWN).has(word) || ALIAS_BY_WORD.has(word) || /^\d+[a-z]?$/.test(word)) return false;
  return !ctx.environments.some((env) => env.toLowerCase() === word);
}

function findService(a: Analysis): string | undefined {
  if (typeof a.flags.service === 'string') return a.flags.service;
  for (const [index, re] of SERVICE_RES.entries()) {
    for (const match of a.text.matchAll(re)) {
      const candidate = match[1];
      if (candidate && isServiceName(candidate, a.ctx, index === NAMED_SERVICE_PATTERN)) return candidate;
    }
  }
  return undefined;
}

function findSince(a: Analysis): string | undefined {
  if (typeof a.flags.since === 'string') return a.flags.since;
  for (const phrase of TIME_PHRASES) if (new RegExp(wrap(phrase.re)).test(a.text)) return phrase.since;
  const compact = COMPACT_WINDOW_RE.exec(a.text);
  if (compact) return compact[2] === 'w' ? `${Number(compact[1]) * 7}d` : `${compact[1]}${compact[2]}`;
  const window = WINDOW_RE.exec(a.text);
  if (!window) return undefined;
  const unit = TIME_UNITS[window[2]!]!;
  const count = window[1] === undefined ? 1 : /^\d+$/.test(window[1]) ? Number(window[1]) : (NUMBER_WORDS[window[1]] ?? 1);
  return `${count * unit.per}${unit.suffix}`;
}

const firstMatch = <T extends { re: string }>(a: Analysis, entries: readonly T[]): T | undefined => entries.find((entry) => new RegExp(wrap(entry.re)).test(a.text));

/**
 * The words left once politeness, the operation's own verbs and "in <env>" are gone:
 * "please design the architecture for user uploads in test" -> "user uploads".
 */
function subjectText(a: Analysis, operation: 'architect' | 'engineer' | 'investigate'): string | undefined {
  const removed = new Set<number>();
  a.tokens.forEach((token, i) => {
    if (token.kind !== 'word') removed.add(i);
    if (!token.env) return;
    const prev = wordAt(a.tokens, i - 1);
    const prepIndex = prev && ['the', 'my', 'our'].includes(prev.text) ? i - 2 : i - 1;
    const prep = wordAt(a.tokens, prepIndex)?.text;
    // Only "in prod" is the environment; "production incident" is part of the symptom.
    if (!prep || !ENV_PREPOSITIONS.has(prep) || ['is', 'are', 'was'].includes(prep)) return;
    for (let j = prepIndex; j <= i; j++) removed.add(j);
    const next = wordAt(a.tokens, i + 1)?.text;
    if (next === 'env' || next === 'environment') removed.add(i + 1);
  });
  const words = a.tokens.filter((_token, i) => !removed.has(i));
  const lead = new Set([...SUBJECT_FILLER, ...(SUBJECT_LEAD_WORDS[operation] ?? [])]);
  const trailing = operation === 'investigate' ? ISSUE_TRAILING : SUBJECT_TRAILING;
  while (words.length > 0 && lead.has(words[0]!.text)) words.shift();
  while (words.length > 0 && trailing.has(words[words.length - 1]!.text)) words.pop();
  // "investigate prod" names no symptom.
  if (words.every((token) => token.env)) return undefined;
  const text = words.map((token) => token.raw).join(' ');
  return text || undefined;
}

const slugify = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** Every value `spec` takes that the request gives. */
function collectArgs(spec: OperationSpec, a: Analysis, env: string | undefined): RouteArgs {
  const args: RouteArgs = {};
  const flag = (name: string): string | undefined => (typeof a.flags[name] === 'string' ? (a.flags[name] as string) : undefined);
  for (const name of spec.args) {
    let value: string | boolean | undefined;
    switch (name) {
      case 'env':
        value = env;
        break;
      case 'service':
        // An explicit --target names the resource; the words' service is then not passed twice.
        value = spec.args.includes('target') && typeof a.flags.target === 'string' ? undefined : findService(a);
        break;
      case 'target':
        value = flag('target');
        break;
      case 'count':
        // Only for the action that takes it: the CLI refuses --count on any other.
        value = actionOf(args.action)?.param === 'count' ? (flag('count') ?? findCount(a)) : undefined;
        break;
      case 'concurrency':
        value = actionOf(args.action)?.param === 'concurrency' ? (flag('concurrency') ?? (CONCURRENCY_NONE_RE.test(a.text) ? 'none' : findCount(a))) : undefined;
        break;
      case 'feature':
        value = flag('feature') ?? a.quotes[0] ?? subjectText(a, 'architect');
        break;
      case 'design': {
        const given = flag('design') ?? a.quotes[0] ?? subjectText(a, 'engineer');
        value = given === undefined ? undefined : slugify(given) || undefined;
        break;
      }
      case 'issue':
        value = flag('issue') ?? a.quotes[0] ?? subjectText(a, 'investigate');
        break;
      case 'level':
        value = flag('level') ?? a.tokens.map((token) => LEVEL_BY_WORD.get(token.text)).find((level) => level !== undefined);
        break;
      case 'since':
        value = findSince(a);
        break;
      case 'phase':
        value = flag('phase') ?? firstMatch(a, TEST_PHASES)?.phase;
        break;
      case 'type':
        value = flag('type') ?? firstMatch(a, AUDIT_TYPES)?.type;
        break;
      case 'action':
        value = flag('action') ?? firstMatch(a, REMEDIATION_ACTIONS)?.action;
        break;
      case 'plan':
        value = flag('plan');
        break;
      case 'destroy':
        value = spec.operation === 'destroy' || a.destroyRequested ? true : undefined;
        break;
    }
    if (value === true || (typeof value === 'string' && isSafeValue(name, value))) args[name] = value;
  }
  return args;
}

function findCount(a: Analysis): string | undefined {
  for (const re of COUNT_RES) {
    const match = re.exec(a.text);
    if (match) return match[1];
  }
  return undefined;
}

/** Free text for --feature and --issue; everything else is one word-like value. */
const FREE_TEXT: ReadonlySet<ArgName> = new Set(['feature', 'issue']);

/**
 * A value that cannot be read as a flag: nothing the request says ("--service=--confirm")
 * may smuggle an option into argv. A rejected value counts as missing, so the router asks.
 */
function isSafeValue(name: ArgName, value: string): boolean {
  const trimmed = value.trim();
  if (!trimmed || trimmed.startsWith('-')) return false;
  if (name === 'count') return /^\d+$/.test(trimmed);
  if (name === 'concurrency') return /^(?:\d+|none)$/i.test(trimmed);
  return FREE_TEXT.has(name) || /^[A-Za-z0-9][\w.:/@+-]*$/.test(trimmed);
}

// ---- results ------------------------------------------------------------------------------

function needsConfirmation(spec: OperationSpec, args: RouteArgs, ctx: RouteContext): boolean {
  if (spec.operation === 'destroy') return true;
  if (!spec.mutating) return false;
  return typeof args.env !== 'string' || isProd(args.env, ctx);
}

/** The command line of an operation with these values: its command words, then each value's flag (exported for the contract test). */
export function argvOf(spec: OperationSpec, args: RouteArgs): string[] {
  const argv = [...spec.command];
  for (const name of spec.args) {
    const value = args[name];
    if (value === true) argv.push(ARG_FLAGS[name]);
    else if (typeof value === 'string') argv.push(ARG_FLAGS[name], value);
  }
  return argv;
}

function labelOf(spec: OperationSpec, args: RouteArgs): string {
  const parts = [spec.title];
  if (typeof args.env === 'string') parts.push(`${spec.operation === 'deploy' ? 'to' : 'in'} ${args.env}`);
  if (typeof args.service === 'string') parts.push(`(service ${args.service})`);
  if (typeof args.action === 'string') parts.push(`(${args.action})`);
  return parts.join(' ');
}

const round = (value: number): number => Math.round(Math.min(1, Math.max(0.05, value)) * 100) / 100;

/**
 * The values without which this command line cannot run: the operation's own, one of each
 * `requiresOneOf` group (reported by its first name), and the parameter the chosen remediation
 * action takes (exported for the contract test).
 */
export function missingArgs(spec: OperationSpec, args: RouteArgs): ArgName[] {
  const missing = spec.requires.filter((name) => args[name] === undefined);
  for (const group of spec.requiresOneOf ?? []) if (group.every((name) => args[name] === undefined)) missing.push(group[0]!);
  const param = spec.args.includes('action') ? actionOf(args.action)?.param : undefined;
  if (param && args[param] === undefined) missing.push(param);
  return missing;
}

function alternativeOf(spec: OperationSpec, args: RouteArgs, confidence: number, ctx: RouteContext): Alternative {
  const missing = missingArgs(spec, args);
  const alternative: Alternative = {
    manager: spec.manager,
    operation: spec.operation,
    args: { ...args } as Record<string, string | boolean>,
    argv: argvOf(spec, args),
    confidence: round(confidence),
    needs_confirmation: needsConfirmation(spec, args, ctx),
    label: labelOf(spec, args),
  };
  if (missing.length > 0) alternative.missing = missing;
  return alternative;
}

/** A candidate as an option: the environment left out (and listed as missing) when not settled. */
function optionOf(candidate: Candidate, a: Analysis, finding: EnvFinding): Alternative {
  const choice = chooseEnv(candidate.spec, finding, a.ctx);
  const env = choice.kind === 'env' ? choice.env : undefined;
  const penalty = (choice.kind === 'env' ? choice.penalty : DEFAULT_ENV_PENALTY) + typoPenalty(candidate, a);
  return alternativeOf(candidate.spec, collectArgs(candidate.spec, a, env), candidate.confidence - penalty, a.ctx);
}

function typoPenalty(candidate: Candidate, a: Analysis): number {
  let typos = 0;
  for (let i = candidate.span[0]; i <= candidate.span[1]; i++) if (a.tokens[i]?.typoOf && !a.tokens[i]?.env) typos++;
  return Math.min(2, typos) * TYPO_PENALTY;
}

function typoNotes(candidate: Candidate, a: Analysis): string[] {
  const notes: string[] = [];
  for (let i = candidate.span[0]; i <= candidate.span[1]; i++) {
    const token = a.tokens[i];
    if (token?.typoOf && !token.env) notes.push(`read "${token.typoOf}" as "${token.text}"`);
  }
  return notes;
}

/** Synthetic candidate for an operation the request did not score (negation fallbacks). */
const fallbackCandidate = (operation: OperationName, confidence: number): Candidate => ({
  spec: specOf(operation),
  score: 0,
  confidence,
  kind: 'weak',
  matched: '',
  span: [0, -1],
  spans: [],
});

/**
 * Every match of `inner` lies inside the longer best match of `outer`, which scores at least
 * as much ("deploy" in "why did the deploy fail", "validate" in "config validate"). The same
 * word claimed by two operations ("check") is not absorbed: that is a real ambiguity.
 */
const absorbedBy = (inner: Candidate, outer: Candidate): boolean =>
  outer.score >= inner.score - EPSILON &&
  inner.spans.length > 0 &&
  inner.spans.every(([start, end]) => start >= outer.span[0] && end <= outer.span[1] && end - start < outer.span[1] - outer.span[0]);

export function capabilities(): Capability[] {
  return OPERATIONS.map((spec) => {
    const usage = [...spec.command];
    for (const name of spec.args) {
      const flag = ARG_FLAGS[name];
      if (name === 'destroy') usage.push(spec.operation === 'destroy' ? flag : `[${flag}]`);
      else usage.push(spec.requires.includes(name) ? `${flag} <${name}>` : `[${flag} <${name}>]`);
    }
    return { operation: spec.operation, manager: spec.manager, description: spec.description, example: spec.example, usage: usage.join(' ') };
  });
}

function unknown(message: string): RouteUnknown {
  return { kind: 'unknown', message, capabilities: capabilities() };
}

function question(text: string, options: Alternative[]): RouteQuestion {
  return { kind: 'question', question: text, options };
}

function initOption(): Alternative {
  return alternativeOf(specOf('init'), {}, 0.5, { environments: [], prodEnvironments: [] });
}

/** The environment question for one operation: one option per environment. */
function envQuestion(candidate: Candidate, a: Analysis, choice: Extract<EnvChoice, { kind: 'ask' }>, penalty: number): RouteQuestion {
  if (choice.envs.length === 0) return question(choice.question, [initOption()]);
  const options = choice.envs.map((env) => alternativeOf(candidate.spec, collectArgs(candidate.spec, a, env), candidate.confidence - penalty, a.ctx));
  return question(choice.question, options);
}

function negationQuestion(a: Analysis, negated: OperationName[], finding: EnvFinding): RouteQuestion {
  const what = negated.map((operation) => specOf(operation).title.replace(/ \(.*\)$/, '')).join(' or ');
  const options = (['preview', 'show-resources', 'validate'] as const).map((operation) => optionOf(fallbackCandidate(operation, 0.6), a, finding));
  return question(`You asked me not to ${what}, so I will not. Should I preview the changes instead, show what is deployed, or validate the Terraform?`, options);
}

/** Notes that every route of this kind carries, whatever the phrasing. */
function safetyNotes(spec: OperationSpec, args: RouteArgs, ctx: RouteContext): string[] {
  const env = typeof args.env === 'string' ? args.env : '<env>';
  switch (spec.operation) {
    case 'destroy':
      return [
        `destroy is irreversible: this only previews the destroy plan; after reviewing it, a person runs "faber-cloud infra destroy --env ${env} --confirm ${env}" (the director never adds --confirm)`,
      ];
    case 'deploy':
      return typeof args.env === 'string' && isProd(args.env, ctx)
        ? [`${env} is a production environment: the CLI shows the plan and needs --plan <id> and --confirm ${env}, which only a person adds`]
        : [];
    case 'preview':
      return args.destroy === true ? [`plans the destroy of every resource in ${env}; nothing is destroyed`] : [];
    case 'remediate':
      return [`dry run: remediate changes nothing without --apply, which only a person adds${typeof args.env === 'string' && isProd(args.env, ctx) ? `; ${env} is a production environment` : ''}`];
    default:
      return [];
  }
}

/** The request as quoted back in a message: one line, not too long. */
function echo(request: string): string {
  const line = request.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

// ---- entry point --------------------------------------------------------------------------

/**
 * Routes one natural-language request to a faber-cloud command line.
 * `context.environments` are the configured environment names; `context.prodEnvironments`
 * those deployed with the prod profile (mutations there need a person's confirmation).
 */
export function route(request: string, context: RouteContext): RouteResult {
  const ctx: RouteContext = { environments: [...(context?.environments ?? [])], prodEnvironments: [...(context?.prodEnvironments ?? [])] };
  const a = analyse(typeof request === 'string' ? request : '', ctx);
  const said = echo(a.request);
  if (a.tokens.length === 0 && Object.keys(a.flags).length === 0 && a.quotes.length === 0) {
    return unknown('The request is empty. Say what you want done, e.g. "deploy to test" or "is prod healthy?".');
  }
  if (HELP_RE.test(a.text.replace(/\s*[.!?]+$/, '').trim())) return unknown('Here is what I can route. Ask in your own words, e.g. "deploy to test".');

  const scored = scoreOperations(a);
  const { negated } = scored;
  let { ranked } = scored;
  const act = speechAct(a, ranked);
  const notes: string[] = [];
  if (act !== 'request') {
    const read = safeReadings(a, ranked, act);
    ranked = read.ranked;
    if (read.note) notes.push(read.note);
  }
  // "preview destroying test" plans the destroy; a stray "remove" (weak) does not plan wiping everything.
  if (ranked.some((c) => c.spec.operation === 'destroy' && c.score >= MATCH_KINDS.synonym.score - EPSILON)) a.destroyRequested = true;
  const finding = findEnvironment(a);

  if (ranked.length === 0) {
    if (negated.length > 0) return negationQuestion(a, negated, finding);
    return unknown(`I could not match "${said}" to an operation. Here is what I can do.`);
  }

  // A phrase claims the words inside it: "what would deploying change" is not also a deploy.
  const live = ranked.filter((c) => !ranked.some((other) => other !== c && absorbedBy(c, other)));
  const top = live[0]!;
  const tied = live.filter((c) => c.score >= top.score - TIE_MARGIN - EPSILON);
  let chosen = top;
  let previewFirst = false;
  if (tied.length > 1) {
    const ops = new Set(tied.map((c) => c.spec.operation));
    // "preview and deploy", "plan the destroy": the preview is the safe first step.
    if (tied.length === 2 && ops.has('preview') && (ops.has('deploy') || ops.has('destroy'))) {
      chosen = tied.find((c) => c.spec.operation === 'preview')!;
      previewFirst = true;
      if (ops.has('deploy')) notes.push('previewing first: deploy is the next step, with the reviewed plan');
    } else {
      const options = tied.slice(0, 4).map((c) => optionOf(c, a, finding));
      return question(`"${said}" could mean ${tied.map((c) => c.spec.title).join(' or ')}. Which one?`, options);
    }
  }

  const spec = chosen.spec;
  const choice = chooseEnv(spec, finding, ctx);
  const penalty = typoPenalty(chosen, a);
  if (choice.kind === 'ask') return envQuestion(chosen, a, choice, penalty);

  const args = collectArgs(spec, a, choice.env);
  const missing = missingArgs(spec, args);
  if (missing.length > 0) {
    const first = missing[0]!;
    if (first === 'action') {
      const options = REMEDIATION_ACTIONS.map(({ action }) => alternativeOf(spec, { ...args, action }, chosen.confidence - penalty - choice.penalty, ctx));
      return question(`${MISSING_PROMPTS.action} Options: ${REMEDIATION_ACTIONS.map((r) => r.action).join(', ')}.`, options);
    }
    return question(`${spec.title}: ${MISSING_PROMPTS[first] ?? `${ARG_FLAGS[first]} is needed.`}`, [alternativeOf(spec, args, chosen.confidence - penalty - choice.penalty, ctx)]);
  }

  // The runner-ups, minus what was merged into this route (a planned destroy is the preview).
  const merged = spec.operation === 'preview' && args.destroy === true ? 'destroy' : undefined;
  const runnerUps = live.filter((c) => c !== chosen && c.spec.operation !== merged);
  const runnerUp = runnerUps[0];
  const closePenalty = runnerUp && runnerUp.score >= chosen.score - CLOSE_MARGIN && !previewFirst ? CLOSE_RUNNER_UP_PENALTY : 0;
  const confidence = round(chosen.confidence - penalty - choice.penalty - closePenalty);
  const alternatives = runnerUps
    .slice(0, MAX_ALTERNATIVES)
    .map((c) => optionOf(c, a, finding));

  const matched = chosen.matched.replace(/@env/g, '<env>').replace(/@quote/g, '<quoted text>');
  const matchedOp = chosen.readFrom ?? spec.operation;
  const kindNote = chosen.kind === 'exact' ? `"${matched}"` : `"${matched}" (${chosen.kind} of ${matchedOp})`;
  const reason = [
    `matched ${kindNote}`,
    ...typoNotes(chosen, a),
    ...(choice.note ? [choice.note] : []),
    ...notes,
    ...(negated.length > 0 ? [`not ${negated.join('/')}: the request says not to`] : []),
    ...(a.dropped.length > 0 ? [`ignored ${a.dropped.join(', ')}: only a person adds it`] : []),
    ...safetyNotes(spec, args, ctx),
  ].join('; ');

  const decision: RouteDecision = {
    kind: 'route',
    manager: spec.manager,
    operation: spec.operation,
    args: { ...args } as Record<string, string | boolean>,
    argv: argvOf(spec, args),
    confidence,
    alternatives,
    needs_confirmation: needsConfirmation(spec, args, ctx),
    reason,
  };
  return decision;
}


