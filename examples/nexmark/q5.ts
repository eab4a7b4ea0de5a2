/**
 * Nexmark Query 5: hot items. Which auctions have seen the most bids in the last period? Sliding
 * windows of 10 s every 2 s; per window, the auction(s) with the most bids.
 *
 *   SELECT AuctionBids.auction, AuctionBids.num
 *   FROM (SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
 *         FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
 *         GROUP BY auction, window_start, window_end) AS AuctionBids
 *   JOIN (SELECT max(num) AS maxn, starttime, endtime FROM (...same counts...) GROUP BY starttime, endtime) AS MaxBids
 *   ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime
 *      AND AuctionBids.num >= MaxBids.maxn
 *
 * Two stages: bid counts per auction and window (an incremental count: one number per auction and
 * window), then per window the highest count (MaxPerWindow). Only the bids' auction ids cross the
 * network (the event time travels with each record). The result also carries the window.
 *
 *   npx freshet run examples/nexmark/q5.ts -- --events 1000000
 */
import {
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  type Collector,
  type DataStream,
  type ProcessWindowContext,
  type TimeWindow,
} from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { CountAggregate } from './count-aggregate.js';
import { MaxPerWindow } from './max-per-window.js';
import { runNexmarkMain } from './nexmark-job.js';

export const Q5_WINDOW_SIZE = 10_000;
export const Q5_WINDOW_SLIDE = 2_000;

export interface Q5Result {
  auction: number;
  /** Bids on the auction in the window. */
  num: number;
  starttime: number;
  endtime: number;
}

class AuctionBidCount extends ProcessWindowFunction<number, Q5Result, number, TimeWindow> {
  process(
    auction: number,
    ctx: ProcessWindowContext<TimeWindow>,
    counts: number[],
    out: Collector<Q5Result>,
  ): void {
    out.collect({ auction, num: counts[0]!, starttime: ctx.window.start, endtime: ctx.window.end });
  }
}

export function q5(events: DataStream<NexmarkEvent>): DataStream<Q5Result> {
  return events
    .flatMap<number>((event: NexmarkEvent, out: Collector<number>) => {
      if (event.type === 'bid') out.collect(event.bid.auction);
    })
    .name('Bid Auctions')
    .keyBy((auction: number) => auction)
    .window(SlidingEventTimeWindows.of(Q5_WINDOW_SIZE, Q5_WINDOW_SLIDE))
    .aggregate(new CountAggregate(), new AuctionBidCount())
    .name('Bids per Auction')
    .keyBy((count: Q5Result) => count.endtime)
    .process(new MaxPerWindow<Q5Result>((count) => count.num))
    .name('Hot Items');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q5', q5, args);
}
