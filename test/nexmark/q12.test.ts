/**
 * q12 counts bids per bidder in processing-time windows. Which window a bid lands in depends on the
 * wall clock; what does not: every window is a 1-window-size span aligned to the epoch, and summed
 * over its windows each bidder's counts are all of their bids — once every window has fired. As in
 * Flink, the end of a bounded input does not fire processing-time windows (only event time ends,
 * with MAX_WATERMARK), so the complete run lets its source linger until the last window closed.
 */
import { StreamExecutionEnvironment } from 'freshet';
import { generateEvents, NexmarkSource } from 'freshet/connectors';
import { describe, expect, it } from 'vitest';
import { nexmarkEvents } from '../../examples/nexmark/nexmark-job.js';
import { q12 } from '../../examples/nexmark/q12.js';
import type { BidderCount } from '../../examples/nexmark/bidder-count.js';
import { LingeringSource } from './lingering-source.js';
import { bidsPerBidder } from './nexmark-reference.js';
import { testConfig, type NexmarkTestInput } from './run-nexmark.js';

const INPUT: NexmarkTestInput = { events: 5_000, tps: 1_000, seed: 5 };
const WINDOW = 500;

describe.each([1, 2])('Nexmark q12 at parallelism %i', (parallelism) => {
  it('counts all bids of every bidder in epoch-aligned processing-time windows once they fire', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    const source = new LingeringSource(new NexmarkSource(testConfig(INPUT)), WINDOW, 1_000);
    const events = env.fromSource(source, NexmarkSource.watermarkStrategy(), 'Nexmark Source');
    const out: BidderCount[] = await q12(events, WINDOW).executeAndCollect('Nexmark q12');

    for (const r of out) {
      expect(r.endtime - r.starttime).toBe(WINDOW);
      expect(r.starttime % WINDOW).toBe(0);
      expect(r.bid_count).toBeGreaterThan(0);
    }
    // One result per bidder and window.
    expect(new Set(out.map((r) => `${r.bidder}@${r.starttime}`)).size).toBe(out.length);
    const summed = new Map<number, number>();
    for (const r of out) summed.set(r.bidder, (summed.get(r.bidder) ?? 0) + r.bid_count);
    const expected = bidsPerBidder(generateEvents(testConfig(INPUT), INPUT.events));
    expect(Object.fromEntries(summed)).toEqual(Object.fromEntries(expected));
  });

  it('drops the windows still open when a bounded input ends (as Flink)', async () => {
    // A day-long window: the run ends long before it does.
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    const out = await q12(nexmarkEvents(env, testConfig(INPUT)), 86_400_000).executeAndCollect('Nexmark q12');
    expect(out).toEqual([]);
  });
});
