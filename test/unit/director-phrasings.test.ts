import { describe, expect, it } from 'vitest';
import { route } from '../../src/director/index.js';
import { PHRASING_CONTEXTS, fnv1a, isHeldOut, loadPhrasings, mismatch } from '../support/director-phrasings.js';

/**
 * The phrasing table of issue 15 (test/fixtures/director/phrasings.jsonl). The tuning part is
 * checked row by row; the held-out part (fixed rule: FNV-1a of the text mod 10 < 3, decided
 * before tuning) only as one accuracy figure, so that no row of it is tuned for. The figure is
 * reported in docs/DIRECTOR.md; the floor below stays under it.
 */
const HELD_OUT_FLOOR = 0.85;

const rows = loadPhrasings();
const tuning = rows.filter((row) => !isHeldOut(row));
const heldOut = rows.filter(isHeldOut);

describe('director phrasing table', () => {
  it('has at least 150 phrasings, about 30% held out, each text once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(rows.map((row) => row.text)).size).toBe(rows.length);
    expect(heldOut.length / rows.length).toBeGreaterThan(0.2);
    expect(heldOut.length / rows.length).toBeLessThan(0.4);
    // The split rule is the fixed hash: a known text lands where it always did.
    expect(fnv1a('set up a bucket for avatars')).toBe(fnv1a('set up a bucket for avatars'));
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it.each(tuning.map((row) => [row.text, row] as const))('tuning: %s', (_text, row) => {
    const result = route(row.text, PHRASING_CONTEXTS[row.ctx ?? 'TWO']);
    expect(mismatch(row, result)).toBeUndefined();
  });

  it(`held-out accuracy is at least ${HELD_OUT_FLOOR * 100}%`, () => {
    const correct = heldOut.filter((row) => mismatch(row, route(row.text, PHRASING_CONTEXTS[row.ctx ?? 'TWO'])) === undefined).length;
    const accuracy = correct / heldOut.length;
    console.info(`director held-out accuracy: ${correct}/${heldOut.length} = ${(accuracy * 100).toFixed(1)}% (tuning part: ${tuning.length} rows, all checked one by one)`);
    expect(accuracy).toBeGreaterThanOrEqual(HELD_OUT_FLOOR);
  });
});
