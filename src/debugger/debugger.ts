/**
 * The infra-debugger: diagnose errors against the issue log, record failures and what was
 * tried, and learn which solutions work. Never prints; the CLI renders what it returns.
 */
import { randomBytes } from 'node:crypto';
import type { FaberConfig } from '../core/config/schema.js';
import { UsageError } from '../core/errors.js';
import type { ProjectPaths } from '../core/paths.js';
import { denialRecord, type DenialRecord } from '../handlers/hosting/aws/denial-record.js';
import { parseDenials, type Denial } from '../handlers/hosting/aws/denials.js';
import { errorsIn, factsOf, type ErrorFacts } from './facts.js';
import { readIssueLog, updateIssueLog, type Issue, type IssueLog, type RecordedFailure, type Solution } from './issue-log.js';
import { withKnowledgeBase } from './knowledge-base.js';
import { matchError, rankSolutions, type Confidence, type IssueMatch, type MatchSettings, type RankedSolution } from './match.js';
import { createNormaliser, type Normaliser } from './normalise.js';
import { ownValue } from '../core/own.js';
import { iacCommandName } from '../handlers/load.js';

export interface DebugContext {
  paths: ProjectPaths;
  config: FaberConfig;
  /** Path relative to the project root, for messages. */
  display(file: string): string;
}

export function matchSettings(config: FaberConfig): MatchSettings {
  const d = config.debugger;
  return { confidence: d.confidence, min_attempts: d.min_attempts, max_matches: d.max_matches };
}

export function normaliserFor(config: FaberConfig): Normaliser {
  return createNormaliser({
    pattern: config.resource_naming.pattern,
    project: config.project.name,
    subsystem: config.project.subsystem,
    environments: Object.keys(config.environments),
  });
}

/** The log as it is (seeded with the knowledge base in memory when the file does not exist yet). */
export async function loadIssueLog(ctx: DebugContext): Promise<IssueLog> {
  return withKnowledgeBase(await readIssueLog(ctx.paths.issueLogFile, ctx.display(ctx.paths.issueLogFile)));
}

function update<T>(ctx: DebugContext, change: (log: IssueLog) => T): Promise<T> {
  return updateIssueLog(ctx.paths, ctx.display(ctx.paths.issueLogFile), (log) => withKnowledgeBase(log), change);
}

// ---------------------------------------------------------------------------------------------
// Diagnosis

export interface ProposedSolution {
  rank: number;
  id: string;
  issue_id: string;
  title: string;
  steps: string[];
  commands: string[];
  attempts: number;
  successes: number;
  success_rate: number | null;
  proven: boolean;
  last_used: string | null;
  match: Confidence;
}

export interface PermissionHandover {
  /** What the permission manager parsed from the error. */
  denials: DenialRecord[];
  /** Grants it can make (denials it may grant), as commands to run. */
  commands: string[];
  /** Denials only a person can lift (explicit deny, SCP, boundary, session policy). */
  needs_human: boolean;
}

export interface Diagnosis {
  summary: string;
  category: ErrorFacts['category'];
  error_code: string | null;
  service: string | null;
  operation: string | null;
  resource_type: string | null;
  address: string | null;
  signature: string;
  normalized_message: string;
  /** The issue in the log with this exact signature, if it was seen before. */
  known_issue: { id: string; title: string; occurrences: Record<string, number>; first_seen: string | null; last_seen: string | null } | null;
  matches: { issue_id: string; title: string; source: Issue['source']; category: Issue['category']; confidence: Confidence; score: number; why: string[]; explanation: string | null }[];
  solutions: ProposedSolution[];
  permissions?: PermissionHandover;
}

interface FillValues {
  env?: string | undefined;
  region?: string | undefined;
  iac?: string | undefined;
}

/** Fill a solution's placeholders; unknown values stay visible as <ENV>, <ADDRESS>, ... */
function fill(text: string, error: ErrorFacts, values: FillValues): string {
  const map: Record<string, string | undefined | null> = {
    env: values.env,
    address: error.address,
    resource_type: error.resourceType,
    region: values.region,
    iac: values.iac,
  };
  return text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => (key in map ? (map[key] ?? `<${key.toUpperCase()}>`) : whole));
}

/** Permission errors belong to the permission manager: hand over its reading and its commands. */
function permissionHandover(error: ErrorFacts, values: FillValues): PermissionHandover {
  const denials = parseDenials(error.text, values.region ? { region: values.region } : {}).filter((p): p is Denial => p.kind === 'denial');
  const grantable = denials.filter((d) => d.reason === 'no-identity-policy' || d.reason === 'unknown');
  const env = values.env ?? '<ENV>';
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const commands = grantable.map(
    (d) =>
      `faber-cloud permissions grant --env ${env} --action ${d.action ?? '<SERVICE:ACTION>'}${d.resourceArn && d.resourceArn !== '*' ? ` --resource ${d.resourceArn}` : ''} --reason ${quote(`denied during ${error.operation ?? 'deploy'}${error.address ? ` of ${error.address}` : ''}`)}`,
  );
  return { denials: denials.map(denialRecord), commands, needs_human: denials.length > grantable.length };
}

/**
 * A confidently matched issue's category (the knowledge base's is curated), else the rules';
 * an error the rules cannot place takes a likely match's.
 */
function categoryOf(error: ErrorFacts, matches: readonly IssueMatch[]): ErrorFacts['category'] {
  const confident = matches.find((m) => m.confidence === 'exact' || m.confidence === 'high');
  if (confident) return confident.issue.category;
  const likely = matches.find((m) => m.confidence === 'medium');
  return error.category === 'unknown' && likely ? likely.issue.category : error.category;
}

function diagnoseOne(log: IssueLog, error: ErrorFacts, env: string | undefined, settings: MatchSettings, values: FillValues): Diagnosis {
  const matches: IssueMatch[] = matchError(log, error, env, settings);
  const exact = matches.find((m) => m.confidence === 'exact')?.issue;
  const ranked: RankedSolution[] = rankSolutions(matches, settings);
  const diagnosis: Diagnosis = {
    summary: error.summary,
    category: categoryOf(error, matches),
    error_code: error.errorCode,
    service: error.service,
    operation: error.operation,
    resource_type: error.resourceType,
    address: error.address,
    signature: error.signature,
    normalized_message: error.normalisedMessage,
    known_issue: exact ? { id: exact.id, title: exact.title, occurrences: exact.occurrences, first_seen: exact.first_seen, last_seen: exact.last_seen } : null,
    matches: matches.map((m) => ({ issue_id: m.issue.id, title: m.issue.title, source: m.issue.source, category: m.issue.category, confidence: m.confidence, score: Math.round(m.score * 100) / 100, why: m.why, explanation: m.issue.explanation })),
    solutions: ranked.map((r) => ({
      rank: r.rank,
      id: r.solution.id,
      issue_id: r.issue_id,
      title: r.solution.title,
      steps: r.solution.steps.map((s) => fill(s, error, values)),
      commands: r.solution.commands.map((c) => fill(c, error, values)),
      attempts: r.solution.attempts,
      successes: r.solution.successes,
      success_rate: r.success_rate === null ? null : Math.round(r.success_rate * 100) / 100,
      proven: r.proven,
      last_used: r.solution.last_used,
      match: r.match,
    })),
  };
  if (diagnosis.category === 'permission') diagnosis.permissions = permissionHandover(error, values);
  return diagnosis;
}

export interface DiagnoseOptions {
  env?: string | undefined;
  region?: string | undefined;
}

function fillValues(ctx: DebugContext, options: DiagnoseOptions): FillValues {
  const envRegion = options.env ? ownValue(ctx.config.environments, options.env)?.region : undefined;
  return { env: options.env, region: options.region ?? envRegion ?? ctx.config.handlers.hosting.aws?.region, iac: iacCommandName(ctx.config) };
}

/** Every error in `text`, categorised and matched against the log. Reads only. */
export function diagnose(ctx: DebugContext, log: IssueLog, text: string, options: DiagnoseOptions = {}): Diagnosis[] {
  const errors = errorsIn(text, normaliserFor(ctx.config));
  return errors.map((error) => diagnoseOne(log, error, options.env, matchSettings(ctx.config), fillValues(ctx, options)));
}

/** The issues of a recorded failure, diagnosed from their latest occurrence. Reads only. */
export function diagnoseFailure(ctx: DebugContext, log: IssueLog, failure: RecordedFailure, options: DiagnoseOptions = {}): Diagnosis[] {
  const normalise = normaliserFor(ctx.config);
  return failure.issue_ids.flatMap((id) => {
    const example = log.issues.find((i) => i.id === id)?.example;
    if (!example) return [];
    return [diagnoseOne(log, factsOf({ text: example.message, address: example.address ?? undefined }, normalise), options.env, matchSettings(ctx.config), fillValues(ctx, options))];
  });
}

// ---------------------------------------------------------------------------------------------
// Recording

const observedId = (signature: string) => `iss-${signature.slice(0, 12)}`;

function newIssue(error: ErrorFacts, matches: readonly IssueMatch[], env: string | null, at: string): Issue {
  return {
    id: observedId(error.signature),
    source: 'observed',
    signature: error.signature,
    title: error.summary || error.errorCode || 'unnamed error',
    category: categoryOf(error, matches),
    error_code: error.errorCode,
    service: error.service,
    operation: error.operation,
    resource_type: error.resourceType,
    normalized_message: error.normalisedMessage,
    patterns: [],
    explanation: null,
    example: { message: error.text, address: error.address, env, at },
    first_seen: null,
    last_seen: null,
    occurrences: {},
    solutions: [],
  };
}

/** The issue with this error's signature, created when it is new. */
function issueFor(log: IssueLog, error: ErrorFacts, env: string | null, at: string, settings: MatchSettings): Issue {
  const existing = log.issues.find((i) => i.signature === error.signature);
  if (existing) return existing;
  const issue = newIssue(error, matchError(log, error, env ?? undefined, settings), env, at);
  log.issues.push(issue);
  return issue;
}

export interface FailureInput {
  env: string;
  operation: 'deploy' | 'destroy';
  deploymentId: string | null;
  /** The failure's own code (E_APPLY_FAILED, E_PERMISSION_DENIED, ...). */
  errorCode: string;
  /** Everything the failure said: diagnostics as -json lines or text, and the error message. */
  text: string;
}

export interface RecordedFailureResult {
  issueIds: string[];
  diagnoses: Diagnosis[];
  /** Solutions marked as applied for this environment that did not fix it. */
  failedAttempts: string[];
}

function settle(log: IssueLog, solutionId: string, success: boolean, at: string): Solution {
  const solution = log.issues.flatMap((i) => i.solutions).find((s) => s.id === solutionId);
  if (!solution) throw new UsageError(`no solution ${solutionId} in the issue log`, { code: 'E_USAGE_SOLUTION_NOT_FOUND', hint: 'see the solution ids with faber-cloud infra debug --env <env>' });
  solution.attempts += 1;
  if (success) solution.successes += 1;
  solution.last_used = at;
  return solution;
}

/**
 * A failed deploy or destroy: each error counted against its issue (created when new), the
 * failure remembered for `infra debug --env`, and applied solutions for the same issue
 * settled as failures. Returns the diagnoses to show.
 */
export async function recordFailure(ctx: DebugContext, failure: FailureInput): Promise<RecordedFailureResult> {
  const normalise = normaliserFor(ctx.config);
  const settings = matchSettings(ctx.config);
  const errors = errorsIn(failure.text, normalise);
  const at = new Date().toISOString();
  return update(ctx, (log) => {
    const issues = errors.map((error) => {
      const issue = issueFor(log, error, failure.env, at, settings);
      issue.occurrences[failure.env] = (ownValue(issue.occurrences, failure.env) ?? 0) + 1;
      issue.first_seen ??= at;
      issue.last_seen = at;
      issue.example = { message: error.text, address: error.address, env: failure.env, at };
      return issue;
    });
    const issueIds = [...new Set(issues.map((i) => i.id))];
    const entry: RecordedFailure = { at, env: failure.env, operation: failure.operation, deployment_id: failure.deploymentId, error_code: failure.errorCode, issue_ids: issueIds };
    log.recent_failures.push(entry);
    const failedAttempts: string[] = [];
    log.pending = log.pending.filter((p) => {
      if (p.env !== failure.env || !issueIds.includes(p.issue_id)) return true;
      settle(log, p.solution_id, false, at);
      failedAttempts.push(p.solution_id);
      return false;
    });
    const values = fillValues(ctx, { env: failure.env });
    const diagnoses = errors.map((error) => diagnoseOne(log, error, failure.env, settings, values));
    return { issueIds, diagnoses, failedAttempts };
  });
}

/** A deploy or destroy of `env` succeeded: every solution applied for it worked. */
export async function recordSuccess(ctx: DebugContext, env: string): Promise<string[]> {
  const log = await readIssueLog(ctx.paths.issueLogFile, ctx.display(ctx.paths.issueLogFile));
  if (!log?.pending.some((p) => p.env === env)) return [];
  const at = new Date().toISOString();
  return update(ctx, (current) => {
    const worked: string[] = [];
    current.pending = current.pending.filter((p) => {
      if (p.env !== env) return true;
      settle(current, p.solution_id, true, at);
      worked.push(p.solution_id);
      return false;
    });
    return worked;
  });
}

export async function recordOutcome(ctx: DebugContext, solutionId: string, success: boolean): Promise<{ solution: Solution; issue_id: string }> {
  return update(ctx, (log) => {
    const solution = settle(log, solutionId, success, new Date().toISOString());
    const issue = log.issues.find((i) => i.solutions.includes(solution)) as Issue;
    // An explicit outcome settles any pending attempt of the same solution.
    log.pending = log.pending.filter((p) => p.solution_id !== solutionId);
    return { solution, issue_id: issue.id };
  });
}

/** The newest recorded failure of `env` (or of any environment). */
export function lastFailure(log: IssueLog, env?: string): RecordedFailure | undefined {
  for (let i = log.recent_failures.length - 1; i >= 0; i--) {
    const f = log.recent_failures[i] as RecordedFailure;
    if (env === undefined || f.env === env) return f;
  }
  return undefined;
}

/**
 * Someone applied `solutionId` for the last failure of `env`: the next deploy of `env`
 * settles it (success when it succeeds, failure when the same issue comes back).
 */
export async function markApplied(ctx: DebugContext, solutionId: string, env: string): Promise<{ issue_id: string; solution: Solution }> {
  return update(ctx, (log) => {
    const owner = log.issues.find((i) => i.solutions.some((s) => s.id === solutionId));
    if (!owner) throw new UsageError(`no solution ${solutionId} in the issue log`, { code: 'E_USAGE_SOLUTION_NOT_FOUND', hint: `see the solution ids with faber-cloud infra debug --env ${env}` });
    const failure = lastFailure(log, env);
    // The issue it was applied for: the last failure's issue it was proposed for, else its own issue.
    const settings = matchSettings(ctx.config);
    const normalise = normaliserFor(ctx.config);
    const target =
      failure?.issue_ids.find((id) => {
        const issue = log.issues.find((i) => i.id === id);
        if (!issue) return false;
        if (issue.id === owner.id) return true;
        const facts = issue.example ? factsOf({ text: issue.example.message, address: issue.example.address ?? undefined }, normalise) : undefined;
        return facts ? rankSolutions(matchError(log, facts, env, settings), settings).some((r) => r.solution.id === solutionId) : false;
      }) ?? owner.id;
    log.pending = log.pending.filter((p) => !(p.solution_id === solutionId && p.env === env));
    log.pending.push({ solution_id: solutionId, issue_id: target, env, applied_at: new Date().toISOString() });
    return { issue_id: target, solution: owner.solutions.find((s) => s.id === solutionId) as Solution };
  });
}

export interface NewSolution {
  title: string;
  steps: string[];
  commands: string[];
}

/**
 * Record a fix that worked (or is worth trying) for an issue: the issue named, or the one
 * the error text is (created in the log when it was not seen before).
 */
export async function addSolution(ctx: DebugContext, target: { issueId: string } | { text: string; env?: string | undefined }, solution: NewSolution): Promise<{ issue_id: string; solution: Solution; created_issue: boolean }> {
  const settings = matchSettings(ctx.config);
  const errors = 'text' in target ? errorsIn(target.text, normaliserFor(ctx.config)) : [];
  if ('text' in target && errors.length !== 1) {
    throw new UsageError(errors.length === 0 ? 'the error text holds no error to attach a solution to' : `the error text holds ${errors.length} errors; say which issue the solution is for`, {
      code: 'E_USAGE_ISSUE_AMBIGUOUS',
      hint: 'pass --issue <id> (ids are listed by faber-cloud infra debug)',
    });
  }
  return update(ctx, (log) => {
    let issue: Issue | undefined;
    let created = false;
    if ('issueId' in target) {
      issue = log.issues.find((i) => i.id === target.issueId);
      if (!issue) throw new UsageError(`no issue ${target.issueId} in the issue log`, { code: 'E_USAGE_ISSUE_NOT_FOUND', hint: 'list the issues with faber-cloud infra debug --list' });
    } else {
      const error = errors[0] as ErrorFacts;
      created = !log.issues.some((i) => i.signature === error.signature);
      issue = issueFor(log, error, target.env ?? null, new Date().toISOString(), settings);
    }
    const now = new Date().toISOString();
    const added: Solution = { id: `sol-${randomBytes(3).toString('hex')}`, title: solution.title, steps: solution.steps, commands: solution.commands, source: 'user', attempts: 0, successes: 0, last_used: null, added_at: now };
    issue.solutions.push(added);
    return { issue_id: issue.id, solution: added, created_issue: created };
  });
}

export interface IssueSummary {
  id: string;
  title: string;
  category: Issue['category'];
  source: Issue['source'];
  occurrences: Record<string, number>;
  total: number;
  last_seen: string | null;
  solutions: number;
}

/** Issues that happened (and, with `all`, the knowledge base too), most recent first. */
export function listIssues(log: IssueLog, filter: { env?: string | undefined; category?: string | undefined; all?: boolean }): IssueSummary[] {
  return log.issues
    .filter((i) => filter.all || i.last_seen !== null)
    .filter((i) => filter.category === undefined || i.category === filter.category)
    .filter((i) => filter.env === undefined || (ownValue(i.occurrences, filter.env) ?? 0) > 0)
    .map((i) => ({ id: i.id, title: i.title, category: i.category, source: i.source, occurrences: i.occurrences, total: Object.values(i.occurrences).reduce((a, b) => a + b, 0), last_seen: i.last_seen, solutions: i.solutions.length }))
    .sort((a, b) => (b.last_seen ?? '').localeCompare(a.last_seen ?? '') || b.total - a.total || a.id.localeCompare(b.id));
}
