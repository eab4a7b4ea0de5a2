/**
 * Nexmark Query 4: average closing price per category. The winning bid of an auction is its
 * highest bid placed while it was open; per category, the average of the winning bids.
 *
 *   SELECT Q.category, AVG(Q.final)
 *   FROM (SELECT MAX(B.price) AS final, A.category
 *         FROM auction A, bid B
 *         WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
 *         GROUP BY A.id, A.category) Q
 *   GROUP BY Q.category
 *
 * How this maps the SQL's updating result: Flink SQL updates an auction's MAX with every later bid
 * and retracts the old value from the category AVG. Here an auction keeps its running maximum in
 * keyed state and its winning price is emitted once, final, when the auction closes: an
 * event-time timer at `expires` fires once the watermark has passed it, when no bid with
 * `dateTime <= expires` can still arrive. The category stage then emits a running average per
 * category on every closed auction — an append-only stream whose last value per category is the
 * SQL result over the same events (at the end of a bounded input MAX_WATERMARK closes every
 * auction). Auctions without a bid in [dateTime, expires] have no winning bid and, as in the inner
 * join, do not count. The average is exact (a double), where Flink's AVG of a BIGINT truncates.
 *
 * Bids may overtake their auction (the two kinds travel through different channels): such a bid
 * waits in state until its auction comes, or until the watermark passes its own time — then an
 * auction it could belong to (one opened no later than the bid) would have arrived — and is dropped.
 * So the state holds the open auctions and a few early bids, never the closed ones.
 *
 *   npx freshet run examples/nexmark/q4.ts -- --events 1000000
 */
import {
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedCoOnTimerContext,
  type KeyedCoProcessContext,
  type KeyedProcessContext,
  type ListState,
  type ValueState,
} from 'freshet';
import type { NexmarkEvent } from 'freshet/connectors';
import { runNexmarkMain } from './nexmark-job.js';

/** The highest bid of an auction while it was open. */
export interface WinningBid {
  auction: number;
  category: number;
  price: number;
}

export interface Q4Result {
  category: number;
  /** The average winning price of the category's auctions closed so far. */
  avg: number;
}

/** An auction that is still open: what deciding its winning bid needs. */
interface OpenAuction {
  category: number;
  dateTime: number;
  expires: number;
  /** The highest price of a bid in [dateTime, expires] so far; null before the first one. */
  max: number | null;
}

/** The columns of an auction q4 needs (a small tuple is cheap to ship; the `extra` padding is not). */
export type AuctionTerms = [id: number, category: number, dateTime: number, expires: number];

/** The columns of a bid q4 needs. */
export type BidPrice = [auction: number, price: number, dateTime: number];

/** A bid that came before its auction: [dateTime, price]. */
type EarlyBid = [number, number];

/** Keyed by auction id: input 1 are the auctions, input 2 their bids. */
export class WinningBids extends KeyedCoProcessFunction<number, AuctionTerms, BidPrice, WinningBid> {
  private openAuction!: ValueState<OpenAuction>;
  private early!: ListState<EarlyBid>;

  override open(): void {
    this.openAuction = this.getRuntimeContext().getState(
      new ValueStateDescriptor<OpenAuction>('open-auction'),
    );
    this.early = this.getRuntimeContext().getListState(new ListStateDescriptor<EarlyBid>('early-bids'));
  }

  processElement1(auction: AuctionTerms, ctx: KeyedCoProcessContext<number>): void {
    const [, category, opened, expires] = auction;
    let max: number | null = null;
    const early = this.early.get();
    if (early.length > 0) {
      for (const [dateTime, price] of early) {
        if (dateTime >= opened && dateTime <= expires && (max === null || price > max)) max = price;
      }
      this.early.clear();
    }
    this.openAuction.update({ category, dateTime: opened, expires, max });
    ctx.timerService().registerEventTimeTimer(expires);
  }

  processElement2(bid: BidPrice, ctx: KeyedCoProcessContext<number>): void {
    const [, price, dateTime] = bid;
    const open = this.openAuction.value();
    if (open === undefined) {
      // Before its auction (or after it closed: then the timer drops it at once).
      this.early.add([dateTime, price]);
      ctx.timerService().registerEventTimeTimer(dateTime);
      return;
    }
    if (dateTime >= open.dateTime && dateTime <= open.expires && (open.max === null || price > open.max)) {
      open.max = price;
      this.openAuction.update(open);
    }
  }

  override onTimer(timestamp: number, ctx: KeyedCoOnTimerContext<number>, out: Collector<WinningBid>): void {
    const open = this.openAuction.value();
    if (open !== undefined) {
      // Timers of early bids that were folded in when the auction came are stale: only `expires` counts.
      if (timestamp < open.expires) return;
      if (open.max !== null)
        out.collect({ auction: ctx.getCurrentKey(), category: open.category, price: open.max });
      this.openAuction.clear();
      return;
    }
    // No auction opened at or before these bids can still arrive: they win nothing.
    const early = this.early.get();
    const waiting = early.filter(([dateTime]) => dateTime > timestamp);
    if (waiting.length === early.length) return;
    if (waiting.length === 0) this.early.clear();
    else this.early.update(waiting);
  }
}

/** Keyed by category: the running average of the winning prices. */
export class CategoryAverage extends KeyedProcessFunction<number, WinningBid, Q4Result> {
  /** [sum, count] */
  private totals!: ValueState<[number, number]>;

  override open(): void {
    this.totals = this.getRuntimeContext().getState(new ValueStateDescriptor<[number, number]>('sum-count'));
  }

  processElement(winner: WinningBid, ctx: KeyedProcessContext<number>, out: Collector<Q4Result>): void {
    const totals = this.totals.value() ?? [0, 0];
    totals[0] += winner.price;
    totals[1] += 1;
    this.totals.update(totals);
    out.collect({ category: ctx.getCurrentKey(), avg: totals[0] / totals[1] });
  }
}

/** The winning bid of every auction that had one, once it closed. */
export function winningBids(events: DataStream<NexmarkEvent>): DataStream<WinningBid> {
  const auctionTerms = events
    .flatMap<AuctionTerms>((event: NexmarkEvent, out: Collector<AuctionTerms>) => {
      if (event.type !== 'auction') return;
      const a = event.auction;
      out.collect([a.id, a.category, a.dateTime, a.expires]);
    })
    .name('Auction Terms');
  const bidPrices = events
    .flatMap<BidPrice>((event: NexmarkEvent, out: Collector<BidPrice>) => {
      if (event.type === 'bid') out.collect([event.bid.auction, event.bid.price, event.bid.dateTime]);
    })
    .name('Bid Prices');
  return auctionTerms
    .connect(bidPrices)
    .keyBy(
      (auction: AuctionTerms) => auction[0],
      (bid: BidPrice) => bid[0],
    )
    .process(new WinningBids())
    .name('Winning Bids');
}

export function q4(events: DataStream<NexmarkEvent>): DataStream<Q4Result> {
  return winningBids(events)
    .keyBy((winner: WinningBid) => winner.category)
    .process(new CategoryAverage())
    .name('Average Price per Category');
}

export default async function main(args: string[]): Promise<void> {
  await runNexmarkMain('q4', q4, args);
}
