/**
 * Nexmark Query 3: local item suggestion. Who is selling in OR, ID or CA in category 10, and for
 * what auction ids?
 *
 *   SELECT P.name, P.city, P.state, A.id
 *   FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
 *   WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
 *
 * An unbounded (regular) join as Flink SQL runs it: both inputs are filtered and projected first,
 * keyed by the person id (auction.seller), and each side keeps its rows in keyed state — the person
 * (the columns the result needs) and the ids of auctions that came before their seller — so a match is
 * emitted once, whichever side arrives last. Like the SQL join without a state TTL, this state is
 * never cleaned up: it grows with the number of matching persons and of category-10 auctions of
 * sellers outside those states.
 *
 *   npx freshet run examples/nexmark/q3.ts -- --events 1000000
 */
import {
  KeyedCoProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedCoProcessContext,
  type ListState,
  type ValueState,
} from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { runNexmarkMain } from './nexmark-job.js';

export interface Q3Result {
  name: string;
  city: string;
  state: string;
  /** The auction's id. */
  id: number;
}

export const Q3_CATEGORY = 10;
export const Q3_STATES: ReadonlySet<string> = new Set(['OR', 'ID', 'CA']);

/** The columns of a person the join needs (what crosses the network and stays in state). */
export interface Seller {
  id: number;
  name: string;
  city: string;
  state: string;
}

/** The columns of an auction the join needs. */
export type SellerAuction = [id: number, seller: number];

/** Keyed by person id: input 1 are the persons, input 2 the auctions they sell. */
export class LocalItemSuggestion extends KeyedCoProcessFunction<number, Seller, SellerAuction, Q3Result> {
  private seller!: ValueState<Seller>;
  private waitingAuctions!: ListState<number>;

  override open(): void {
    this.seller = this.getRuntimeContext().getState(new ValueStateDescriptor<Seller>('seller'));
    this.waitingAuctions = this.getRuntimeContext().getListState(
      new ListStateDescriptor<number>('auctions-before-seller'),
    );
  }

  processElement1(seller: Seller, _ctx: KeyedCoProcessContext<number>, out: Collector<Q3Result>): void {
    this.seller.update(seller);
    const waiting = this.waitingAuctions.get();
    if (waiting.length === 0) return;
    for (const id of waiting) out.collect({ name: seller.name, city: seller.city, state: seller.state, id });
    this.waitingAuctions.clear();
  }

  processElement2([id]: SellerAuction, _ctx: KeyedCoProcessContext<number>, out: Collector<Q3Result>): void {
    const seller = this.seller.value();
    if (seller === undefined) this.waitingAuctions.add(id);
    else out.collect({ name: seller.name, city: seller.city, state: seller.state, id });
  }
}

export function q3(events: DataStream<NexmarkEvent>): DataStream<Q3Result> {
  const sellers = events
    .flatMap<Seller>((event: NexmarkEvent, out: Collector<Seller>) => {
      if (event.type !== 'person' || !Q3_STATES.has(event.person.state)) return;
      const { id, name, city, state } = event.person;
      out.collect({ id, name, city, state });
    })
    .name('Persons in OR, ID, CA');
  const category10 = events
    .flatMap<SellerAuction>((event: NexmarkEvent, out: Collector<SellerAuction>) => {
      if (event.type === 'auction' && event.auction.category === Q3_CATEGORY)
        out.collect([event.auction.id, event.auction.seller]);
    })
    .name(`Auctions of category ${Q3_CATEGORY}`);
  return sellers
    .connect(category10)
    .keyBy(
      (seller: Seller) => seller.id,
      (auction: SellerAuction) => auction[1],
    )
    .process(new LocalItemSuggestion())
    .name('Join persons and auctions');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q3', q3, args);
}
