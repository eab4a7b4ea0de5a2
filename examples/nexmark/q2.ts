/**
 * Nexmark Query 2: selection. The bids on every 123rd auction, with their price.
 *
 *   SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0
 *
 *   npx freshet run examples/nexmark/q2.ts -- --events 1000000
 */
import type { Collector, DataStream } from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { runNexmarkMain } from './nexmark-job.js';

export interface Q2Result {
  auction: number;
  price: number;
}

export const Q2_AUCTION_MODULUS = 123;

export function q2(events: DataStream<NexmarkEvent>): DataStream<Q2Result> {
  return events
    .flatMap<Q2Result>((event: NexmarkEvent, out: Collector<Q2Result>) => {
      if (event.type === 'bid' && event.bid.auction % Q2_AUCTION_MODULUS === 0) {
        out.collect({ auction: event.bid.auction, price: event.bid.price });
      }
    })
    .name('Selection');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q2', q2, args);
}
