/**
 * Nexmark Query 0: pass-through (not in the original suite). Every bid, unchanged: measures the
 * cost of the source, the event-type filter and the sink.
 *
 *   SELECT auction, bidder, price, dateTime, extra FROM bid
 *
 *   npx freshet run examples/nexmark/q0.ts -- --events 1000000
 */
import type { DataStream } from 'freshet';
import type { Bid, NexmarkEvent } from 'freshet/connectors';
import { runNexmarkMain } from './nexmark-job.js';
import { bids } from './nexmark-streams.js';

export function q0(events: DataStream<NexmarkEvent>): DataStream<Bid> {
  return bids(events);
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q0', q0, args);
}
