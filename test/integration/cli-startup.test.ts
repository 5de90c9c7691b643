import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM benchmark module without type declarations
import { measureStartup } from '../../bench/cli-startup.mjs';

describe('start-up time', () => {
  it('cold start of --help stays within 2x of `node -e 0`', () => {
    const result = measureStartup(11) as { ratio: number };
    expect(result.ratio).toBeLessThan(2);
  }, 60_000);
});
