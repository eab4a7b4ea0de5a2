/**
 * Nexmark Query 8: monitor new users. The people who registered and opened an auction within the
 * same 10 s tumbling window.
 *
 *   SELECT P.id, P.name, P.starttime
 *   FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
 *         FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *         GROUP BY id, name, window_start, window_end) P
 *   JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
 *         FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *         GROUP BY seller, window_start, window_end) A
 *   ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
 *
 * A tumbling window join on person.id = auction.seller. Both sides are grouped before the SQL join,
 * so a person is emitted once per window however many auctions they opened in it; that makes the
 * join an incremental aggregate over the union of both kinds of event (the person's name, and
 * whether an auction was seen) instead of a window join that keeps every element and emits every
 * pair. Both kinds are projected to [person id, name or null] before they cross the network.
 *
 *   npx freshet run examples/nexmark/q8.ts -- --events 1000000
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
import { runNexmarkMain } from './nexmark-job.js';

export const Q8_WINDOW_SIZE = 10_000;

export interface Q8Result {
  id: number;
  name: string;
  starttime: number;
}

/** A person's registration [id, name], or an auction as [seller, null]. */
export type PersonOrSeller = [id: number, name: string | null];

/** What one person id's window has seen of both sides of the join. */
interface NewUser {
  /** The person's name, once their registration was seen. */
  name: string | null;
  sellsInWindow: boolean;
}

export class NewUserAggregate implements AggregateFunction<PersonOrSeller, NewUser, NewUser> {
  createAccumulator(): NewUser {
    return { name: null, sellsInWindow: false };
  }

  add([, name]: PersonOrSeller, acc: NewUser): NewUser {
    if (name !== null) acc.name = name;
    else acc.sellsInWindow = true;
    return acc;
  }

  getResult(acc: NewUser): NewUser {
    return acc;
  }

  merge(a: NewUser, b: NewUser): NewUser {
    return { name: a.name ?? b.name, sellsInWindow: a.sellsInWindow || b.sellsInWindow };
  }
}

class EmitNewUser extends ProcessWindowFunction<NewUser, Q8Result, number, TimeWindow> {
  process(
    id: number,
    ctx: ProcessWindowContext<TimeWindow>,
    results: NewUser[],
    out: Collector<Q8Result>,
  ): void {
    const user = results[0]!;
    if (user.name !== null && user.sellsInWindow)
      out.collect({ id, name: user.name, starttime: ctx.window.start });
  }
}

export function q8(events: DataStream<NexmarkEvent>): DataStream<Q8Result> {
  return events
    .flatMap<PersonOrSeller>((event: NexmarkEvent, out: Collector<PersonOrSeller>) => {
      if (event.type === 'person') out.collect([event.person.id, event.person.name]);
      else if (event.type === 'auction') out.collect([event.auction.seller, null]);
    })
    .name('Persons and Sellers')
    .keyBy((row: PersonOrSeller) => row[0])
    .window(TumblingEventTimeWindows.of(Q8_WINDOW_SIZE))
    .aggregate(new NewUserAggregate(), new EmitNewUser())
    .name('New Users');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q8', q8, args);
}
