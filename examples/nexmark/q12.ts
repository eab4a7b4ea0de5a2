/**
 * Nexmark Query 12: processing-time windows (not in the original suite). How many bids does a
 * user make within a fixed processing-time period? Bids per bidder in 10 s tumbling windows of
 * processing time.
 *
 *   CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;
 *   SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
 *   FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
 *   GROUP BY bidder, window_start, window_end
 *
 * As in Flink, a processing-time window fires when the wall clock passes its end: when a bounded
 * input ends first, the windows still open are dropped with the job (event-time windows fire on
 * the final MAX_WATERMARK; processing time has no such end). Run it unbounded (or with
 * `--rate-limit`) to see every window.
 *
 *   npx freshet run examples/nexmark/q12.ts -- --unbounded --rate-limit 100000
 */
import { TumblingProcessingTimeWindows, type DataStream } from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { BidderCountWindow, type BidderCount } from './bidder-count.js';
import { CountAggregate } from './count-aggregate.js';
import { runNexmarkMain } from './nexmark-job.js';
import { bidders } from './nexmark-streams.js';

export const Q12_WINDOW_SIZE = 10_000;

/** `windowSize` is 10 s in the suite; tests shorten it. */
export function q12(events: DataStream<NexmarkEvent>, windowSize = Q12_WINDOW_SIZE): DataStream<BidderCount> {
  return bidders(events)
    .keyBy((bidder: number) => bidder)
    .window(TumblingProcessingTimeWindows.of(windowSize))
    .aggregate(new CountAggregate(), new BidderCountWindow())
    .name('Bids per Bidder (processing time)');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q12', (events) => q12(events), args);
}
