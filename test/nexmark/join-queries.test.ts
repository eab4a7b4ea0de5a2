/** q3 (unbounded join) and q4 (winning bids per category), at parallelism 1 and 2. */
import { generateEvents } from 'freshet/connectors';
import { describe, expect, it } from 'vitest';
import { q3 } from '../../examples/nexmark/q3.js';
import { q4, type Q4Result } from '../../examples/nexmark/q4.js';
import { canonical, expectedQ3, expectedQ4 } from './nexmark-reference.js';
import { collectQuery, testConfig, type NexmarkTestInput } from './run-nexmark.js';

// 60 s of event time: auctions (open up to ~2 x 8 s here) open and close throughout.
const INPUT: NexmarkTestInput = { events: 12_000, tps: 200, seed: 3 };
const EVENTS = generateEvents(testConfig(INPUT), INPUT.events);

/** The last running average per category (the final value of the updating result). */
function finalAverages(out: readonly Q4Result[]): Map<number, { avg: number; auctions: number }> {
  const result = new Map<number, { avg: number; auctions: number }>();
  for (const r of out)
    result.set(r.category, { avg: r.avg, auctions: (result.get(r.category)?.auctions ?? 0) + 1 });
  return result;
}

describe.each([1, 2])('Nexmark join queries at parallelism %i', (parallelism) => {
  it('q3 joins sellers in OR, ID, CA with their category-10 auctions', async () => {
    const expected = expectedQ3(EVENTS);
    expect(expected.length).toBeGreaterThan(10);
    const out = await collectQuery('q3', q3, INPUT, parallelism);
    expect(canonical(out)).toEqual(canonical(expected));
  });

  it('q4 ends with the average winning price per category, one update per closed auction', async () => {
    const expected = expectedQ4(EVENTS);
    expect(expected.size).toBe(5);
    const out = await collectQuery('q4', q4, INPUT, parallelism);
    const actual = finalAverages(out);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });
});
