/** q5, q7, q8, q11: the event-time window queries, at parallelism 1 and 2. */
import { generateEvents } from 'freshet/connectors';
import { describe, expect, it } from 'vitest';
import { q5 } from '../../examples/nexmark/q5.js';
import { q7 } from '../../examples/nexmark/q7.js';
import { q8 } from '../../examples/nexmark/q8.js';
import { q11 } from '../../examples/nexmark/q11.js';
import { canonical, expectedQ11, expectedQ5, expectedQ7, expectedQ8 } from './nexmark-reference.js';
import { collectQuery, testConfig, type NexmarkTestInput } from './run-nexmark.js';

// 60 s of event time: 6 tumbling windows, ~34 sliding ones, and gaps between some bidders' bids.
const INPUT: NexmarkTestInput = { events: 12_000, tps: 200, seed: 11 };
const EVENTS = generateEvents(testConfig(INPUT), INPUT.events);

describe.each([1, 2])('Nexmark window queries at parallelism %i', (parallelism) => {
  it('q5 emits the auctions with the most bids per sliding window', async () => {
    const expected = expectedQ5(EVENTS);
    expect(new Set(expected.map((r) => r.endtime)).size).toBeGreaterThan(30);
    const out = await collectQuery('q5', q5, INPUT, parallelism);
    expect(canonical(out)).toEqual(canonical(expected));
  });

  it('q7 emits the highest-priced bids per tumbling window', async () => {
    const expected = expectedQ7(EVENTS);
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const out = await collectQuery('q7', q7, INPUT, parallelism);
    expect(canonical(out)).toEqual(canonical(expected));
  });

  it('q8 emits the people who registered and opened an auction in the same window, once', async () => {
    const expected = expectedQ8(EVENTS);
    expect(expected.length).toBeGreaterThan(10);
    const out = await collectQuery('q8', q8, INPUT, parallelism);
    expect(canonical(out)).toEqual(canonical(expected));
  });

  it('q11 counts the bids of every bidder session (gap 10 s)', async () => {
    const expected = expectedQ11(EVENTS);
    // Some bidders have more than one session: the gap matters.
    const bidders = new Set(expected.map((r) => r.bidder));
    expect(expected.length).toBeGreaterThan(bidders.size);
    const out = await collectQuery('q11', q11, INPUT, parallelism);
    expect(canonical(out)).toEqual(canonical(expected));
  });
});
