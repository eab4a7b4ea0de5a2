/**
 * The Nexmark queries computed directly from the SQL definitions over an array of events, in plain
 * TypeScript (no Freshet API): the expected results the jobs in examples/nexmark are checked against.
 */
import type { Auction, Bid, NexmarkEvent, Person } from 'freshet/connectors';

export function bidsOf(events: readonly NexmarkEvent[]): Bid[] {
  return events.flatMap((e) => (e.type === 'bid' ? [e.bid] : []));
}
export function auctionsOf(events: readonly NexmarkEvent[]): Auction[] {
  return events.flatMap((e) => (e.type === 'auction' ? [e.auction] : []));
}
export function personsOf(events: readonly NexmarkEvent[]): Person[] {
  return events.flatMap((e) => (e.type === 'person' ? [e.person] : []));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

/** Start of the tumbling window of `size` (aligned to the epoch) containing `t`. */
function tumbleStart(t: number, size: number): number {
  return Math.floor(t / size) * size;
}

/** q3: persons in OR/ID/CA joined with their category-10 auctions. */
export function expectedQ3(
  events: readonly NexmarkEvent[],
): { name: string; city: string; state: string; id: number }[] {
  const sellers = new Map<number, Person>();
  for (const p of personsOf(events)) if (['OR', 'ID', 'CA'].includes(p.state)) sellers.set(p.id, p);
  const result = [];
  for (const a of auctionsOf(events)) {
    const p = sellers.get(a.seller);
    if (a.category === 10 && p !== undefined)
      result.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return result;
}

/** q4: per category, the average of the winning (max) prices of bids in [a.dateTime, a.expires]; and how many auctions had one. */
export function expectedQ4(events: readonly NexmarkEvent[]): Map<number, { avg: number; auctions: number }> {
  const bidsByAuction = groupBy(bidsOf(events), (b) => b.auction);
  const finals = new Map<number, number[]>();
  for (const a of auctionsOf(events)) {
    const prices = (bidsByAuction.get(a.id) ?? [])
      .filter((b) => b.dateTime >= a.dateTime && b.dateTime <= a.expires)
      .map((b) => b.price);
    if (prices.length === 0) continue;
    const list = finals.get(a.category) ?? [];
    list.push(Math.max(...prices));
    finals.set(a.category, list);
  }
  const result = new Map<number, { avg: number; auctions: number }>();
  for (const [category, list] of finals) {
    result.set(category, { avg: list.reduce((s, x) => s + x, 0) / list.length, auctions: list.length });
  }
  return result;
}

/** q5: per HOP(2 s, 10 s) window, the auctions with the most bids. */
export function expectedQ5(
  events: readonly NexmarkEvent[],
): { auction: number; num: number; starttime: number; endtime: number }[] {
  const size = 10_000;
  const slide = 2_000;
  const counts = new Map<number, Map<number, number>>(); // window start -> auction -> count
  for (const b of bidsOf(events)) {
    for (let start = tumbleStart(b.dateTime, slide); start > b.dateTime - size; start -= slide) {
      const perAuction = counts.get(start) ?? new Map<number, number>();
      perAuction.set(b.auction, (perAuction.get(b.auction) ?? 0) + 1);
      counts.set(start, perAuction);
    }
  }
  const result = [];
  for (const [start, perAuction] of counts) {
    const max = Math.max(...perAuction.values());
    for (const [auction, num] of perAuction) {
      if (num === max) result.push({ auction, num, starttime: start, endtime: start + size });
    }
  }
  return result;
}

/** q7: per TUMBLE(10 s) window, the bids with the highest price (auction, bidder, price, dateTime, extra). */
export function expectedQ7(
  events: readonly NexmarkEvent[],
): { auction: number; bidder: number; price: number; dateTime: number; extra: string }[] {
  const byWindow = groupBy(bidsOf(events), (b) => tumbleStart(b.dateTime, 10_000));
  const result = [];
  for (const windowBids of byWindow.values()) {
    const max = Math.max(...windowBids.map((b) => b.price));
    for (const { auction, bidder, price, dateTime, extra } of windowBids) {
      if (price === max) result.push({ auction, bidder, price, dateTime, extra });
    }
  }
  return result;
}

/** q8: persons who registered and opened an auction in the same TUMBLE(10 s) window, once per window. */
export function expectedQ8(
  events: readonly NexmarkEvent[],
): { id: number; name: string; starttime: number }[] {
  const size = 10_000;
  const sellers = new Set(auctionsOf(events).map((a) => `${a.seller}@${tumbleStart(a.dateTime, size)}`));
  const seen = new Set<string>();
  const result = [];
  for (const p of personsOf(events)) {
    const starttime = tumbleStart(p.dateTime, size);
    const key = `${p.id}@${starttime}`;
    if (sellers.has(key) && !seen.has(key)) {
      seen.add(key);
      result.push({ id: p.id, name: p.name, starttime });
    }
  }
  return result;
}

/** q11: per bidder, sessions of bids with gaps of at most 10 s: [first, last + 10 s) and the count. */
export function expectedQ11(
  events: readonly NexmarkEvent[],
): { bidder: number; bid_count: number; starttime: number; endtime: number }[] {
  const gap = 10_000;
  const result = [];
  for (const [bidder, list] of groupBy(bidsOf(events), (b) => b.bidder)) {
    const times = list.map((b) => b.dateTime).sort((x, y) => x - y);
    let start = times[0]!;
    let last = start;
    let count = 0;
    for (const t of times) {
      if (t > last + gap) {
        result.push({ bidder, bid_count: count, starttime: start, endtime: last + gap });
        start = t;
        count = 0;
      }
      last = t;
      count++;
    }
    result.push({ bidder, bid_count: count, starttime: start, endtime: last + gap });
  }
  return result;
}

/** Bids per bidder (what q12's windows add up to). */
export function bidsPerBidder(events: readonly NexmarkEvent[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of bidsOf(events)) counts.set(b.bidder, (counts.get(b.bidder) ?? 0) + 1);
  return counts;
}

/** The records as sorted JSON lines: equal multisets give equal arrays, whatever the order. */
export function canonical(records: readonly unknown[]): string[] {
  return records.map((r) => JSON.stringify(r, Object.keys(r as object).sort())).sort();
}
