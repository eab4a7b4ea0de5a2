/** q0, q1, q2: the stateless queries, against the generated events, at parallelism 1 and 2. */
import { generateEvents } from 'freshet/connectors';
import { describe, expect, it } from 'vitest';
import { q0 } from '../../examples/nexmark/q0.js';
import { q1 } from '../../examples/nexmark/q1.js';
import { q2 } from '../../examples/nexmark/q2.js';
import { bidsOf, canonical } from './nexmark-reference.js';
import { collectQuery, testConfig, type NexmarkTestInput } from './run-nexmark.js';

const INPUT: NexmarkTestInput = { events: 5_000, tps: 1_000, seed: 7 };
const EVENTS = generateEvents(testConfig(INPUT), INPUT.events);
const BIDS = bidsOf(EVENTS);

describe.each([1, 2])('stateless Nexmark queries at parallelism %i', (parallelism) => {
  it('q0 passes every bid through unchanged', async () => {
    const out = await collectQuery('q0', q0, INPUT, parallelism);
    expect(BIDS.length).toBeGreaterThan(4_000);
    expect(out).toHaveLength(BIDS.length);
    expect(canonical(out)).toEqual(canonical(BIDS));
  });

  it('q1 converts every price to euros (x 0.908) and keeps the other bid columns', async () => {
    const out = await collectQuery('q1', q1, INPUT, parallelism);
    expect(out).toHaveLength(BIDS.length);
    // Compared in thousandths of a euro, where 0.908 * price is the integer 908 * price.
    const expected = BIDS.map((b) => ({
      auction: b.auction,
      bidder: b.bidder,
      milli: b.price * 908,
      dateTime: b.dateTime,
      extra: b.extra,
    }));
    const actual = out.map(({ price, ...rest }) => ({ ...rest, milli: Math.round(price * 1000) }));
    // The nearest double to a 3-decimal value prints as that value (DECIMAL(23, 3) in the SQL).
    for (const r of out) expect(String(r.price)).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(canonical(actual)).toEqual(canonical(expected));
  });

  it('q2 selects the bids on every 123rd auction', async () => {
    const out = await collectQuery('q2', q2, INPUT, parallelism);
    const expected = BIDS.filter((b) => b.auction % 123 === 0).map((b) => ({
      auction: b.auction,
      price: b.price,
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(canonical(out)).toEqual(canonical(expected));
  });
});
