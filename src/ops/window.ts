import { UsageError } from '../core/errors.js';
import type { TimeWindow } from '../handlers/hosting/monitoring.js';

/** Time spans the ops commands accept: 90s, 30m, 1h, 2d. */
const SPAN = /^([1-9][0-9]{0,5})([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** CloudWatch keeps high-resolution data for a short while and logs cost per scan: a month is plenty. */
export const MAX_WINDOW_MS = 31 * UNIT_MS.d!;

/** A span like `1h` in milliseconds, or undefined when it is not one. */
export function spanMs(text: string): number | undefined {
  const m = SPAN.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as string]! : undefined;
}

export interface OpsWindow extends TimeWindow {
  /** What the user asked for (`1h`, or the ISO time). */
  since: string;
}

/**
 * `--since`: a span back from now (`30m`, `1h`, `2d`) or an ISO date/time to now. Bad input is a
 * usage error that changes nothing.
 */
export function parseSince(since: string, now: Date = new Date(), flag = '--since'): OpsWindow {
  const text = since.trim();
  const span = spanMs(text);
  let start: Date;
  if (span !== undefined) start = new Date(now.getTime() - span);
  else if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text))) start = new Date(Date.parse(text));
  else throw new UsageError(`${flag} ${since}: not a time span or date`, { code: 'E_USAGE_SINCE', hint: `use a span such as 30m, 1h or 2d, or an ISO time such as 2026-01-31T12:00:00Z` });
  if (start.getTime() >= now.getTime()) throw new UsageError(`${flag} ${since}: lies in the future`, { code: 'E_USAGE_SINCE', hint: 'give a span back from now (e.g. 1h) or a past time' });
  if (now.getTime() - start.getTime() > MAX_WINDOW_MS) throw new UsageError(`${flag} ${since}: more than 31 days back`, { code: 'E_USAGE_SINCE', hint: 'ops commands read at most 31 days; narrow the window' });
  return { since: text, start, end: now };
}
