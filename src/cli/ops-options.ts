import { UsageError } from '../core/errors.js';
import type { OpsRequest } from '../ops/session.js';
import { parseSince } from '../ops/window.js';

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The options every ops command shares; --since is checked before anything is read. */
export function opsRequest(options: Record<string, unknown>): { request: OpsRequest; service: string | undefined; since: string | undefined } {
  const since = text(options.since);
  if (since) parseSince(since);
  return { request: { env: String(options.env), profile: text(options.profile) }, service: text(options.service), since };
}

/** --limit: a whole number of events, 1 to 1,000,000. */
export function parseLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new UsageError(`--limit ${s}: not a number of events from 1 to 1000000`, { code: 'E_USAGE_LIMIT', hint: 'e.g. --limit 5000' });
  }
  return n;
}
