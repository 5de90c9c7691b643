/**
 * Log queries: read a service's log groups through the provider's server-side filter, page by
 * page up to a limit, and group identical messages (ids, numbers, times and names normalised
 * by the debugger's normaliser) with counts and first/last seen. Never prints.
 */
import levelData from '../../plugin/templates/ops/log-levels.json' with { type: 'json' };
import type { LogEvent, MonitoringApi } from '../handlers/hosting/monitoring.js';
import type { FaberConfig } from '../core/config/schema.js';
import { noEvents, type EventSink } from '../core/events.js';
import { createNormaliser, type Normaliser } from '../debugger/normalise.js';
import { redactText } from '../core/redaction/index.js';
import { opsError, problemOf } from './problems.js';
import type { OpsWindow } from './window.js';

export const LOG_LEVELS = levelData.levels.map((l) => l.name) as readonly string[];
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** CloudWatch Logs returns at most 10,000 events per FilterLogEvents page. */
export const MAX_PAGE = 10_000;
/** Log groups read at the same time. */
const CONCURRENCY = 4;
/** Longest example message kept per group. */
const MAX_EXAMPLE = 1_000;

export interface LevelFilter {
  level: LogLevel;
  /** The provider's filter pattern for this level and every more severe one. */
  pattern: string;
  /** Our own reading of the same rule. */
  test(message: string): boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const LEVEL_WORDS = new Map<string, number>(levelData.levels.flatMap((l, rank) => l.words.map((w) => [w, rank] as [string, number])));
const LEVEL_WORD = new RegExp(`(?<![A-Za-z0-9])(?:${[...LEVEL_WORDS.keys()].map(escapeRe).join('|')})(?![A-Za-z0-9])`);
const PHRASES = levelData.levels.map((l, rank) => ({ rank, re: l.phrases.length ? new RegExp(l.phrases.map(escapeRe).join('|')) : null }));

/**
 * A message's level as a rank (0 = most severe), or undefined: the earliest level word decides
 * (`INFO retrying after Exception` is info), else the phrases (`Task timed out` is an error).
 */
export function levelRank(message: string): number | undefined {
  const word = LEVEL_WORD.exec(message);
  if (word) return LEVEL_WORDS.get(word[0]);
  return PHRASES.find((p) => p.re?.test(message))?.rank;
}

/** The filter for `--level`: this level and the more severe ones (templates/ops/log-levels.json). */
export function levelFilter(level: LogLevel): LevelFilter {
  const index = levelData.levels.findIndex((l) => l.name === level);
  const included = levelData.levels.slice(0, index + 1);
  return {
    level,
    pattern: included.map((l) => l.pattern).join(' '),
    test: (message) => {
      const rank = levelRank(message);
      return rank !== undefined && rank <= index;
    },
  };
}

export interface LogQuery {
  groups: readonly string[];
  window: OpsWindow;
  level?: LogLevel | undefined;
  /** The user's own filter pattern, sent to the server as is. */
  filter?: string | undefined;
  /** Most events read, all groups together. */
  limit: number;
}

export interface MessageGroup {
  /** The message with ids, numbers, times and names replaced: what the group has in common. */
  pattern: string;
  /** The first message of the group as logged (capped). */
  example: string;
  count: number;
  first_seen: string;
  last_seen: string;
  log_groups: string[];
  streams: number;
}

export interface LogGroupRead {
  name: string;
  events: number;
  pages: number;
  /** The log group does not exist (yet): a function that never ran has none. */
  missing: boolean;
}

export interface LogQueryResult {
  window: { since: string; start: string; end: string };
  level: LogLevel | null;
  /** The filter pattern the provider applied. */
  server_filter: string | null;
  log_groups: LogGroupRead[];
  /** Events the provider returned. */
  events_read: number;
  /** Of those, events at the level asked for (all of them without --level). */
  events_matched: number;
  /** The limit stopped the reading: more events exist in the window. */
  truncated: boolean;
  limit: number;
  groups: MessageGroup[];
}


/** The debugger's normaliser for this project's names (as infra debug builds it), without loading the debugger. */
export function logNormaliser(config: FaberConfig): Normaliser {
  return createNormaliser({ pattern: config.resource_naming.pattern, project: config.project.name, subsystem: config.project.subsystem, environments: Object.keys(config.environments) });
}

interface GroupState {
  pattern: string;
  example: string;
  count: number;
  first: number;
  last: number;
  logGroups: Set<string>;
  streams: Set<string>;
}

/**
 * The prefix loggers put before the message: a timestamp, then (Lambda) a request id. It is never
 * part of what a message says, so it is dropped before normalising: the 4,000 copies of one error
 * from 4,000 requests are then one string, normalised once.
 */
const ENVELOPE = /^\[?\d{4}-\d{2}-\d{2}[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?\]?\s+(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s+)?/i;

/**
 * Groups messages as they arrive; the normalised form of a repeated message is computed once.
 * Examples are redacted before they are cut to length: a cut secret may no longer look like one.
 */
export class MessageGrouper {
  private readonly groups = new Map<string, GroupState>();
  private readonly seen = new Map<string, string>();

  constructor(private readonly normalise: Normaliser) {}

  add(event: LogEvent): void {
    const message = event.message.trimEnd();
    const body = message.replace(ENVELOPE, '');
    let pattern = this.seen.get(body);
    if (pattern === undefined) {
      pattern = this.normalise(body);
      // Unbounded distinct messages would hold every one: keep the cache to what helps.
      if (this.seen.size < 50_000) this.seen.set(body, pattern);
    }
    const group = this.groups.get(pattern);
    if (!group) {
      this.groups.set(pattern, { pattern, example: redactText(message).slice(0, MAX_EXAMPLE), count: 1, first: event.timestamp, last: event.timestamp, logGroups: new Set([event.logGroup]), streams: new Set([`${event.logGroup}\n${event.logStream}`]) });
      return;
    }
    group.count++;
    if (event.timestamp < group.first) {
      group.first = event.timestamp;
      group.example = redactText(message).slice(0, MAX_EXAMPLE);
    }
    if (event.timestamp > group.last) group.last = event.timestamp;
    group.logGroups.add(event.logGroup);
    group.streams.add(`${event.logGroup}\n${event.logStream}`);
  }

  /** Most frequent first; equal counts by who came first. */
  result(): MessageGroup[] {
    return [...this.groups.values()]
      .sort((a, b) => b.count - a.count || a.first - b.first || (a.pattern < b.pattern ? -1 : 1))
      .map((g) => ({
        pattern: g.pattern,
        example: g.example,
        count: g.count,
        first_seen: new Date(g.first).toISOString(),
        last_seen: new Date(g.last).toISOString(),
        log_groups: [...g.logGroups].sort(),
        streams: g.streams.size,
      }));
  }
}

/**
 * Read the log groups in the window. The server filters (the user's --filter, else the level's
 * pattern); the level is checked again here because filter dialects differ. A missing log group
 * is reported, not an error; a denied or unavailable FilterLogEvents stops the query with the
 * action named (and, for a denial, the permission manager's command).
 */
export async function queryLogs(monitoring: MonitoringApi, query: LogQuery, normalise: Normaliser, env: string, report: EventSink = noEvents): Promise<LogQueryResult> {
  const level = query.level ? levelFilter(query.level) : undefined;
  const serverFilter = query.filter?.trim() || level?.pattern || undefined;
  const grouper = new MessageGrouper(normalise);
  let remaining = query.limit;
  let read = 0;
  let matched = 0;
  let truncated = false;
  const reads: LogGroupRead[] = query.groups.map((name) => ({ name, events: 0, pages: 0, missing: false }));

  const readGroup = async (entry: LogGroupRead): Promise<void> => {
    let nextToken: string | undefined;
    do {
      if (remaining <= 0) {
        truncated = true;
        return;
      }
      let page;
      try {
        page = await monitoring.filterLogEvents({ logGroup: entry.name, start: query.window.start, end: query.window.end, pattern: serverFilter, limit: Math.min(MAX_PAGE, remaining), nextToken });
      } catch (error) {
        const affects = `log group ${entry.name}`;
        if (problemOf(error, env, affects).failure === 'not-found') {
          entry.missing = true;
          return;
        }
        throw opsError(error, env, affects, 'ops-monitor');
      }
      entry.pages++;
      // Concurrent groups share one budget: never keep more than the limit.
      const events = page.events.length > remaining ? page.events.slice(0, remaining) : page.events;
      if (events.length < page.events.length) truncated = true;
      remaining -= events.length;
      entry.events += events.length;
      read += events.length;
      for (const event of events) {
        if (level && !level.test(event.message)) continue;
        matched++;
        grouper.add(event);
      }
      nextToken = page.nextToken ?? undefined;
      if (nextToken) report({ level: 'info', code: 'LOGS_PROGRESS', data: { events_read: read, log_group: entry.name, log_group_events: entry.events } });
    } while (nextToken);
  };

  const queue = [...reads];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) await readGroup(entry);
  });
  await Promise.all(workers);

  const result: LogQueryResult = {
    window: { since: query.window.since, start: query.window.start.toISOString(), end: query.window.end.toISOString() },
    level: query.level ?? null,
    server_filter: serverFilter ?? null,
    log_groups: reads,
    events_read: read,
    events_matched: matched,
    truncated,
    limit: query.limit,
    groups: grouper.result(),
  };
  return result;
}
