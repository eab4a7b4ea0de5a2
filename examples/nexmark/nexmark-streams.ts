/**
 * Event-type filters shared by several queries. Every query filters by event type in one chained
 * flatMap before any keyBy and projects to the columns it needs there: what crosses the network is
 * serialized record by record, so a number is much cheaper to ship than a bid.
 */
import type { Collector, DataStream, SingleOutputStreamOperator } from 'freshet';
import type { Bid, NexmarkEvent } from 'freshet/connectors';

/** The SQL suite's `bid` view: every bid, unwrapped from its event without a copy. */
export function bids(events: DataStream<NexmarkEvent>): SingleOutputStreamOperator<Bid> {
  return events
    .flatMap<Bid>((event: NexmarkEvent, out: Collector<Bid>) => {
      if (event.type === 'bid') out.collect(event.bid);
    })
    .name('Bids');
}

/** The bidder of every bid: all that q11 and q12 need. */
export function bidders(events: DataStream<NexmarkEvent>): SingleOutputStreamOperator<number> {
  return events
    .flatMap<number>((event: NexmarkEvent, out: Collector<number>) => {
      if (event.type === 'bid') out.collect(event.bid.bidder);
    })
    .name('Bidders');
}
