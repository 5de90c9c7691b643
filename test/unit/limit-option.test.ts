import { describe, expect, it } from 'vitest';
import { ENTRIES_LIMIT, EVENTS_LIMIT, parseLimit } from '../../src/cli/options.js';
import { isFaberError } from '../../src/core/errors.js';

/** The one --limit parser (ops query-logs and infra history), with each command's own error. */
function refusal(value: string, rule: typeof EVENTS_LIMIT): { code: string; message: string; hint?: string; exitCode: number } {
  try {
    parseLimit(value, rule);
  } catch (error) {
    if (!isFaberError(error)) throw error;
    return { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode };
  }
  throw new Error(`--limit ${value} was accepted`);
}

describe('--limit', () => {
  it('takes a whole number in range, around spaces; absent stays absent', () => {
    expect(parseLimit('5', ENTRIES_LIMIT)).toBe(5);
    expect(parseLimit(' 20 ', ENTRIES_LIMIT)).toBe(20);
    expect(parseLimit('1', EVENTS_LIMIT)).toBe(1);
    expect(parseLimit('1000000', EVENTS_LIMIT)).toBe(1_000_000);
    expect(parseLimit('123456789', ENTRIES_LIMIT)).toBe(123_456_789);
    expect(parseLimit(undefined, EVENTS_LIMIT)).toBeUndefined();
  });

  it.each(['0', '-1', '2.5', '1e3', '0x10', '', 'ten', '5 6'])('refuses %j for events with E_USAGE_LIMIT and a hint', (value) => {
    expect(refusal(value, EVENTS_LIMIT)).toEqual({
      code: 'E_USAGE_LIMIT',
      message: `--limit ${value.trim()}: not a number of events from 1 to 1000000`,
      hint: 'e.g. --limit 5000',
      exitCode: 2,
    });
  });

  it('refuses more events than 1,000,000', () => {
    expect(refusal('1000001', EVENTS_LIMIT).code).toBe('E_USAGE_LIMIT');
  });

  it.each(['0', '-3', '2.0', '1e1', 'all'])('refuses %j for history entries with E_USAGE', (value) => {
    expect(refusal(value, ENTRIES_LIMIT)).toMatchObject({ code: 'E_USAGE', message: `--limit ${value}: expected a positive whole number`, exitCode: 2 });
  });
});
