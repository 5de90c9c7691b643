/**
 * Recognising a new error as a known issue, and ranking the solutions worth trying.
 * Pure: no I/O. Fast enough for a log of 10,000 issues (bench/debugger-match.bench.mjs).
 */
import type { ErrorFacts } from './facts.js';
import type { Issue, IssueLog, Solution } from './issue-log.js';
import { tokenSet } from './normalise.js';
import { ownValue } from '../core/own.js';

export interface MatchSettings {
  /** Score bands: at or above `high` is a confident match; below `low` is no match. */
  confidence: { high: number; medium: number; low: number };
  /** A solution's success rate counts once it was tried this often. */
  min_attempts: number;
  /** How many candidate issues to report. */
  max_matches: number;
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = { confidence: { high: 0.8, medium: 0.6, low: 0.4 }, min_attempts: 3, max_matches: 5 };

export type Confidence = 'exact' | 'high' | 'medium' | 'low';

export interface IssueMatch {
  issue: Issue;
  score: number;
  confidence: Confidence;
  /** Why it matched, in words: one reason per signal that counted. */
  why: string[];
}

/** Weights of the signals; they add up to 1. */
const WEIGHTS = { message: 0.4, code: 0.35, resourceType: 0.1, operation: 0.1, environment: 0.05 } as const;
/** A pattern written for an issue is strong evidence on its own. */
const PATTERN_SCORE = 0.9;

/** Tokens and compiled patterns per issue object, computed once per process. */
const tokenCache = new WeakMap<Issue, Set<string>>();
const patternCache = new Map<string, RegExp | null>();

function tokensOf(issue: Issue): Set<string> {
  let tokens = tokenCache.get(issue);
  if (!tokens) {
    tokens = tokenSet(issue.normalized_message);
    tokenCache.set(issue, tokens);
  }
  return tokens;
}

function compiled(source: string): RegExp | null {
  let re = patternCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'i');
    } catch {
      re = null;
    }
    patternCache.set(source, re);
  }
  return re;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (large.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

function band(score: number, settings: MatchSettings): Confidence | undefined {
  const c = settings.confidence;
  if (score >= c.high) return 'high';
  if (score >= c.medium) return 'medium';
  if (score >= c.low) return 'low';
  return undefined;
}

/**
 * Score one issue against the error: weighted signals, a pattern floor, a penalty for a
 * different error code. Returns undefined, without reading the message, when even identical
 * wording could not reach `low` (most issues of a large log: their error code differs).
 */
function scoreIssue(issue: Issue, error: ErrorFacts, errorTokens: ReadonlySet<string>, env: string | undefined, low: number): { score: number; why: string[] } | undefined {
  const why: string[] = [];
  const codesDiffer = error.errorCode !== null && issue.error_code !== null && !same(error.errorCode, issue.error_code);
  let signals = 0;
  if (same(error.errorCode, issue.error_code)) {
    signals += WEIGHTS.code;
    why.push(`same error code ${issue.error_code}`);
  }
  if (same(error.resourceType, issue.resource_type)) {
    signals += WEIGHTS.resourceType;
    why.push(`same resource type ${issue.resource_type}`);
  }
  if (same(error.operation, issue.operation)) {
    signals += WEIGHTS.operation;
    why.push(`same operation ${issue.operation}`);
  }
  if (env !== undefined && (ownValue(issue.occurrences, env) ?? 0) > 0) {
    signals += WEIGHTS.environment;
    why.push(`seen before in ${env}`);
  }
  // Different error codes are different problems, however alike the wording.
  const factor = codesDiffer ? 0.5 : 1;
  // Patterns are written for one issue and checked not to match any other's samples.
  const pattern = issue.patterns.find((p) => compiled(p)?.test(error.text));
  if (pattern === undefined && (signals + WEIGHTS.message) * factor < low) return undefined;
  const similarity = jaccard(errorTokens, tokensOf(issue));
  if (similarity > 0) why.unshift(`message ${Math.round(similarity * 100)}% similar`);
  let score = (WEIGHTS.message * similarity + signals) * factor;
  if (pattern !== undefined && score < PATTERN_SCORE) {
    score = PATTERN_SCORE;
    why.unshift(`matches the known pattern /${pattern}/`);
  }
  return { score: Math.min(1, score), why };
}

/** The issues this error is, best first: an exact signature, then the closest by score. */
export function matchError(log: IssueLog, error: ErrorFacts, env: string | undefined, settings: MatchSettings = DEFAULT_MATCH_SETTINGS): IssueMatch[] {
  const errorTokens = new Set(error.tokens);
  const matches: IssueMatch[] = [];
  for (const issue of log.issues) {
    if (issue.signature === error.signature) {
      matches.push({ issue, score: 1, confidence: 'exact', why: ['same normalised signature (code, service, resource type and message)'] });
      continue;
    }
    const scored = scoreIssue(issue, error, errorTokens, env, settings.confidence.low);
    const confidence = scored && band(scored.score, settings);
    if (scored && confidence) matches.push({ issue, score: scored.score, confidence, why: scored.why });
  }
  // Exact first; then by score; observed issues before built-in ones at equal score (they are this project's).
  matches.sort((a, b) => Number(b.confidence === 'exact') - Number(a.confidence === 'exact') || b.score - a.score || Number(a.issue.source === 'builtin') - Number(b.issue.source === 'builtin'));
  return matches.slice(0, settings.max_matches);
}

export interface RankedSolution {
  rank: number;
  solution: Solution;
  /** The issue the solution belongs to (its statistics live there). */
  issue_id: string;
  /** Successes / attempts, or null before any attempt. */
  success_rate: number | null;
  /** Tried at least min_attempts times: its rate counts. */
  proven: boolean;
  /** The rate used for ranking: the real one once proven, else the untried default. */
  ranking_rate: number;
  match: Confidence;
}

/** An untried or barely tried solution ranks as a coin flip: below what works, above what fails. */
export const UNPROVEN_RATE = 0.5;

/**
 * Solutions of the confident matches (exact, high, medium), ranked by success rate once
 * proven (min_attempts), most recently used first among equals, then by match strength.
 */
export function rankSolutions(matches: readonly IssueMatch[], settings: MatchSettings = DEFAULT_MATCH_SETTINGS): RankedSolution[] {
  const order: Confidence[] = ['exact', 'high', 'medium', 'low'];
  const seen = new Set<string>();
  const ranked: Omit<RankedSolution, 'rank'>[] = [];
  matches.forEach((match) => {
    if (match.confidence === 'low') return;
    for (const solution of match.issue.solutions) {
      if (seen.has(solution.id)) continue;
      seen.add(solution.id);
      const proven = solution.attempts >= settings.min_attempts;
      const rate = solution.attempts > 0 ? solution.successes / solution.attempts : null;
      ranked.push({ solution, issue_id: match.issue.id, success_rate: rate, proven, ranking_rate: proven ? (rate as number) : UNPROVEN_RATE, match: match.confidence });
    }
  });
  const stable = new Map(ranked.map((r, i) => [r, i] as const));
  ranked.sort(
    (a, b) =>
      b.ranking_rate - a.ranking_rate ||
      (b.solution.last_used ?? '').localeCompare(a.solution.last_used ?? '') ||
      order.indexOf(a.match) - order.indexOf(b.match) ||
      (stable.get(a) as number) - (stable.get(b) as number),
  );
  return ranked.map((r, i) => ({ ...r, rank: i + 1 }));
}
