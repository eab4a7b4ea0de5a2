/** The result of q11 and q12: bids per bidder in a window, with the window's bounds. */
import { ProcessWindowFunction, type Collector, type ProcessWindowContext, type TimeWindow } from 'freshet';

export interface BidderCount {
  bidder: number;
  bid_count: number;
  starttime: number;
  endtime: number;
}

/** Turns the window's count (from CountAggregate) into a BidderCount. */
export class BidderCountWindow extends ProcessWindowFunction<number, BidderCount, number, TimeWindow> {
  process(
    bidder: number,
    ctx: ProcessWindowContext<TimeWindow>,
    counts: number[],
    out: Collector<BidderCount>,
  ): void {
    out.collect({ bidder, bid_count: counts[0]!, starttime: ctx.window.start, endtime: ctx.window.end });
  }
}
