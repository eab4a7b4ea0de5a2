/**
 * Nexmark Query 11: user sessions (not in the original suite). How many bids did a user make in
 * each session they were active? Sessions close after 10 s without a bid.
 *
 *   SELECT B.bidder, count(*) AS bid_count,
 *          SESSION_START(B.dateTime, INTERVAL '10' SECOND) AS starttime,
 *          SESSION_END(B.dateTime, INTERVAL '10' SECOND) AS endtime
 *   FROM bid B GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
 *
 * `endtime` is the last bid's time + the gap, as SESSION_END.
 *
 *   npx freshet run examples/nexmark/q11.ts -- --events 1000000
 */
import { EventTimeSessionWindows, type DataStream } from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { BidderCountWindow, type BidderCount } from './bidder-count.js';
import { CountAggregate } from './count-aggregate.js';
import { runNexmarkMain } from './nexmark-job.js';
import { bidders } from './nexmark-streams.js';

export const Q11_SESSION_GAP = 10_000;

export function q11(events: DataStream<NexmarkEvent>): DataStream<BidderCount> {
  return bidders(events)
    .keyBy((bidder: number) => bidder)
    .window(EventTimeSessionWindows.withGap(Q11_SESSION_GAP))
    .aggregate(new CountAggregate(), new BidderCountWindow())
    .name('User Sessions');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q11', q11, args);
}
