/**
 * Nexmark Query 7: highest bid. Per 10 s tumbling window, the bid(s) with the highest price.
 *
 *   SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
 *   FROM bid B
 *   JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime
 *         FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *         GROUP BY window_start, window_end) B1
 *   ON B.price = B1.maxprice
 *   WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime
 *
 * Two stages instead of the SQL's self-join, so no bid is kept: per auction and window an
 * incremental maximum (the highest-priced bids only), then per window the highest of those
 * (MaxPerWindow). Bids are projected to the result's columns before they cross the network. A bid counts for the window [start, end) it falls in; the SQL's BETWEEN also
 * includes a bid at exactly `end` (the next window's first millisecond) whose price equals this
 * window's maximum — a coincidence of equal prices at one millisecond that this version does not
 * reproduce.
 *
 *   npx freshet run examples/nexmark/q7.ts -- --events 1000000
 */
import {
  ProcessWindowFunction,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type ProcessWindowContext,
  type TimeWindow,
} from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { MaxPerWindow } from './max-per-window.js';
import { runNexmarkMain } from './nexmark-job.js';

export const Q7_WINDOW_SIZE = 10_000;

/** The columns of the result (the SQL's; a bid without channel and url). */
export interface Q7Result {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

/** The highest-priced bids seen so far (ties kept). */
interface HighestBids {
  price: number;
  bids: Q7Result[];
}

export class HighestBidsAggregate implements AggregateFunction<Q7Result, HighestBids, HighestBids> {
  createAccumulator(): HighestBids {
    return { price: -Number.MAX_VALUE, bids: [] };
  }

  add(bid: Q7Result, acc: HighestBids): HighestBids {
    if (bid.price > acc.price) return { price: bid.price, bids: [bid] };
    if (bid.price === acc.price) acc.bids.push(bid);
    return acc;
  }

  getResult(acc: HighestBids): HighestBids {
    return acc;
  }

  merge(a: HighestBids, b: HighestBids): HighestBids {
    if (a.price !== b.price) return a.price > b.price ? a : b;
    return { price: a.price, bids: [...a.bids, ...b.bids] };
  }
}

class EmitBids extends ProcessWindowFunction<HighestBids, Q7Result, number, TimeWindow> {
  process(
    _auction: number,
    _ctx: ProcessWindowContext<TimeWindow>,
    results: HighestBids[],
    out: Collector<Q7Result>,
  ): void {
    for (const bid of results[0]!.bids) out.collect(bid);
  }
}

/** The end of the tumbling window a bid falls in (windows are aligned to the epoch). */
export function q7WindowEnd(dateTime: number): number {
  return dateTime - (((dateTime % Q7_WINDOW_SIZE) + Q7_WINDOW_SIZE) % Q7_WINDOW_SIZE) + Q7_WINDOW_SIZE;
}

export function q7(events: DataStream<NexmarkEvent>): DataStream<Q7Result> {
  return events
    .flatMap<Q7Result>((event: NexmarkEvent, out: Collector<Q7Result>) => {
      if (event.type !== 'bid') return;
      const { auction, bidder, price, dateTime, extra } = event.bid;
      out.collect({ auction, bidder, price, dateTime, extra });
    })
    .name('Bids')
    .keyBy((bid: Q7Result) => bid.auction)
    .window(TumblingEventTimeWindows.of(Q7_WINDOW_SIZE))
    .aggregate(new HighestBidsAggregate(), new EmitBids())
    .name('Highest Bids per Auction')
    .keyBy((bid: Q7Result) => q7WindowEnd(bid.dateTime))
    .process(new MaxPerWindow<Q7Result>((bid) => bid.price))
    .name('Highest Bids');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q7', q7, args);
}
