/**
 * Nexmark Query 1: currency conversion. Every bid with its price converted from dollars to euros
 * (× 0.908, the suite's rate).
 *
 *   SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
 *
 *   npx freshet run examples/nexmark/q1.ts -- --events 1000000
 */
import type { Collector, DataStream } from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { runNexmarkMain } from './nexmark-job.js';

export interface Q1Result {
  auction: number;
  bidder: number;
  /** Euros, exact to the 3 decimals of the SQL's DECIMAL(23, 3) (as close as a double gets). */
  price: number;
  dateTime: number;
  extra: string;
}

/** `0.908 * price` for an integer price: `price * 908` is exact, one division rounds it once. */
export function dollarsToEuros(price: number): number {
  return (price * 908) / 1000;
}

export function q1(events: DataStream<NexmarkEvent>): DataStream<Q1Result> {
  // One chained flatMap does the event-type filter and the projection.
  return events
    .flatMap<Q1Result>((event: NexmarkEvent, out: Collector<Q1Result>) => {
      if (event.type !== 'bid') return;
      const bid = event.bid;
      out.collect({
        auction: bid.auction,
        bidder: bid.bidder,
        price: dollarsToEuros(bid.price),
        dateTime: bid.dateTime,
        extra: bid.extra,
      });
    })
    .name('Currency Conversion');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q1', q1, args);
}
