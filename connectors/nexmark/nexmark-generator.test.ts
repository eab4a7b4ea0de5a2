import { describe, expect, it } from 'vitest';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { reverseBits } from './bid-channels.js';
import { DEFAULT_NEXMARK_BASE_TIME, type NexmarkConfig } from './nexmark-generator-config.js';
import { generateEvents, NexmarkGenerator } from './nexmark-generator.js';
import { eventTimestamp, type Auction, type Bid, type NexmarkEvent, type Person } from './nexmark-model.js';

const N = 50_000;
const events = generateEvents({}, N);
const people = events.flatMap((e) => (e.type === 'person' ? [e.person] : []));
const auctions = events.flatMap((e) => (e.type === 'auction' ? [e.auction] : []));
const bids = events.flatMap((e) => (e.type === 'bid' ? [e.bid] : []));

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
const share = <T>(items: T[], predicate: (item: T) => boolean): number =>
  items.filter(predicate).length / items.length;

describe('NexmarkGenerator model', () => {
  it('makes exactly 1 person, 3 auctions and 46 bids per 50 events, by event number mod 50', () => {
    for (let block = 0; block < N; block += 50) {
      const kinds = events.slice(block, block + 50).map((e) => e.type);
      expect(kinds).toEqual(['person', 'auction', 'auction', 'auction', ...Array<string>(46).fill('bid')]);
    }
    expect([people.length, auctions.length, bids.length]).toEqual([1000, 3000, 46_000]);
    const generator = new NexmarkGenerator();
    expect([0, 1, 3, 4, 49, 50].map((n) => generator.typeOf(n))).toEqual([
      'person',
      'auction',
      'auction',
      'bid',
      'bid',
      'person',
    ]);
  });

  it('numbers people and auctions from 1000 in order and categories from 10', () => {
    expect(people.map((p) => p.id)).toEqual(people.map((_, k) => 1000 + k));
    expect(auctions.map((a) => a.id)).toEqual(auctions.map((_, k) => 1000 + k));
    expect(new Set(auctions.map((a) => a.category))).toEqual(new Set([10, 11, 12, 13, 14]));
    expect(new Set(generateEvents({ numCategories: 2 }, 2000).map((e) => e.auction?.category))).toEqual(
      new Set([undefined, 10, 11]),
    );
  });

  it('refers to people and auctions that exist or are about to', () => {
    const lastPersonAt = (n: number): number => Math.floor(n / 50);
    const lastAuctionAt = (n: number): number =>
      Math.floor(n / 50) * 3 + Math.min(Math.max(n % 50, 1), 3) - 1;
    const outOfRange = events.filter((event, n) => {
      if (event.type === 'bid') {
        const auction = event.bid.auction - 1000;
        const bidder = event.bid.bidder - 1000;
        return (
          auction > lastAuctionAt(n) + 10 ||
          auction < lastAuctionAt(n) - 100 ||
          bidder > lastPersonAt(n) + 10 ||
          bidder < Math.max(0, lastPersonAt(n) + 1 - 1000)
        );
      }
      if (event.type === 'auction') {
        const seller = event.auction.seller - 1000;
        return seller > lastPersonAt(n) + 10 || seller < Math.max(0, lastPersonAt(n) + 1 - 1000);
      }
      return false;
    });
    expect(outOfRange).toEqual([]);
  });

  it('sends most bids to a few hot auctions from hot bidders, and most auctions to hot sellers', () => {
    // Hot auctions/bidders/sellers are the first/second/first of the latest block of 100.
    const hotAuctionShare = share(bids, (b) => (b.auction - 1000) % 100 === 0);
    expect(hotAuctionShare).toBeGreaterThan(0.47); // 1 - 1/2, plus random picks of a multiple of 100
    expect(hotAuctionShare).toBeLessThan(0.53);
    expect(share(bids, (b) => (b.bidder - 1000) % 100 === 1)).toBeGreaterThan(0.73); // 1 - 1/4
    expect(share(auctions, (a) => (a.seller - 1000) % 100 === 0)).toBeGreaterThan(0.72); // 1 - 1/4

    const perAuction = new Map<number, number>();
    for (const bid of bids) perAuction.set(bid.auction, (perAuction.get(bid.auction) ?? 0) + 1);
    const top = [...perAuction.values()].sort((a, b) => b - a).slice(0, 30);
    expect(perAuction.size).toBeGreaterThan(2800); // 3000 auctions, nearly all get some bids
    expect(mean(top) * top.length).toBeGreaterThan(0.45 * bids.length); // 30 of them get about half

    const cold = generateEvents({ hotAuctionRatio: 1, hotBiddersRatio: 1 }, 20_000).flatMap((e) =>
      e.bid === undefined ? [] : [e.bid],
    );
    expect(share(cold, (b) => (b.auction - 1000) % 100 === 0)).toBeLessThan(0.05);
    expect(share(cold, (b) => (b.bidder - 1000) % 100 === 1)).toBeLessThan(0.05);
  });

  it('prices log-uniformly in cents, reserves above the initial bid, expiries about 100 auctions ahead', () => {
    const prices = bids.map((b) => b.price);
    expect(prices.every((p) => Number.isInteger(p) && p >= 100 && p <= 100_000_000)).toBe(true);
    // log10(price / 100) is uniform on [0, 6): a sixth of the prices in each decade.
    expect(share(prices, (p) => p < 1000)).toBeCloseTo(1 / 6, 1);
    expect(share(prices, (p) => p >= 10_000_000)).toBeCloseTo(1 / 6, 1);
    expect(auctions.every((a) => a.reserve > a.initialBid)).toBe(true);
    // The time until numInFlightAuctions (100) more auctions open: 1666 events of 0.1 ms.
    const lengths = auctions.map((a) => a.expires - a.dateTime);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(2 * 167);
    expect(mean(lengths)).toBeGreaterThan(0.9 * 167);
    expect(mean(lengths)).toBeLessThan(1.1 * 167);
  });

  it('uses the real generator channels and URLs', () => {
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'];
    expect(share(bids, (b) => hot.includes(b.channel))).toBeCloseTo(0.5, 1);
    expect(new Set(bids.filter((b) => hot.includes(b.channel)).map((b) => b.url)).size).toBe(4);
    const others = bids.filter((b) => !hot.includes(b.channel));
    expect(others.every((b) => /^channel-\d{1,4}$/.test(b.channel))).toBe(true);
    expect(new Set(others.map((b) => b.channel)).size).toBeGreaterThan(8000);
    const urlPattern =
      /^https:\/\/www\.nexmark\.com\/[a-z_]{3,4}\/[a-z_]{3,4}\/[a-z_]{3,4}\/item\.htm\?query=1/;
    expect(bids.every((b) => urlPattern.test(b.url))).toBe(true);
    expect(share(others, (b) => b.url.includes('&channel_id='))).toBeCloseTo(0.9, 1);
    const wrongIds = others.filter((bid) => {
      const id = /&channel_id=(-?\d+)$/.exec(bid.url)?.[1];
      return id !== undefined && Number(id) !== javaAbs(reverseBits(Number(bid.channel.slice(8))));
    });
    expect(wrongIds).toEqual([]);
    expect([reverseBits(1), reverseBits(2), reverseBits(0x8000_0000)]).toEqual([-(2 ** 31), 2 ** 30, 1]);
  });

  it('pads entities to average 200 / 500 / 100 bytes in nexmark-flink size accounting', () => {
    // 8 bytes per counted number plus string lengths, counting the fields nexmark-flink counts.
    const personSize = (p: Person): number =>
      8 + p.name.length + p.emailAddress.length + p.creditCard.length + p.city.length + p.state.length;
    const auctionSize = (a: Auction): number => 8 + a.itemName.length + a.description.length + 5 * 8;
    const bidSize = (_b: Bid): number => 4 * 8;
    expect(mean(people.map((p) => personSize(p) + p.extra.length))).toBeCloseTo(200, -1);
    expect(mean(auctions.map((a) => auctionSize(a) + a.extra.length))).toBeCloseTo(500, -1);
    const bidMean = mean(bids.map((b) => bidSize(b) + b.extra.length));
    expect(bidMean).toBeGreaterThan(99);
    expect(bidMean).toBeLessThan(100.5);
    expect(bids.every((b) => /^[a-z]{54,81}$/.test(b.extra))).toBe(true); // 68 ± 20 %
    expect(people.every((p) => /^[a-z]*$/.test(p.extra))).toBe(true);

    const bigBids = generateEvents({ avgBidByteSize: 300 }, 5000).flatMap((e) => (e.bid ? [e.bid] : []));
    expect(mean(bigBids.map((b) => 32 + b.extra.length))).toBeCloseTo(300, -1);
    const noExtra = generateEvents({ avgAuctionByteSize: 10, avgPersonByteSize: 10 }, 500);
    expect(noExtra.filter((e) => e.type !== 'bid').every((e) => (e.auction ?? e.person).extra === '')).toBe(
      true,
    );
  });

  it('fills person fields from the real generator vocabularies', () => {
    for (const p of people) {
      expect(p.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      const [user, domain] = p.emailAddress.split('@') as [string, string];
      expect(p.emailAddress).toMatch(/^[a-z ]{0,6}@[a-z ]{0,4}\.com$/);
      expect([user.trim(), domain.slice(0, -4).trim()]).toEqual([user, domain.slice(0, -4)]);
      expect(p.creditCard).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      expect(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']).toContain(p.state);
    }
    expect(new Set(people.map((p) => p.city)).size).toBe(10);
  });
});

describe('NexmarkGenerator time and determinism', () => {
  it('stamps event n at baseTime + floor(n * 1e6 / tps µs) in ms', () => {
    const expected = events.map((_, n) => DEFAULT_NEXMARK_BASE_TIME + Math.floor(n / 10)); // 100 µs apart
    expect(events.map(eventTimestamp)).toEqual(expected);
    const slow = new NexmarkGenerator({ tps: 3, baseTime: 5000 });
    expect([1, 2, 4, 5, 1000].map((n) => slow.timestampOf(n))).toEqual([5333, 5666, 6333, 6666, 338_333]);
    expect(eventTimestamp(slow.event(4))).toBe(6333);
    const fast = new NexmarkGenerator({ tps: 2_500_000, baseTime: 0 });
    expect([1, 2, 2499, 2500, 2501].map((n) => fast.timestampOf(n))).toEqual([0, 0, 0, 1, 1]);
    expect(new NexmarkGenerator({ tps: 1000, baseTime: 7 }).event(3)).toMatchObject({
      type: 'auction',
      auction: { dateTime: 10 },
    });
  });

  it('is a pure function of the config and the event number', () => {
    const config: NexmarkConfig = { seed: 42, tps: 1234 };
    const first = generateEvents(config, 5000);
    expect(generateEvents(config, 5000)).toEqual(first);
    const randomAccess = new NexmarkGenerator(config);
    for (const n of [4999, 17, 0, 2500, 17, 1, 3333]) expect(randomAccess.event(n)).toEqual(first[n]);

    const other = generateEvents({ ...config, seed: 43 }, 5000);
    expect(other).not.toEqual(first);
    // Only the random parts differ: kinds, ids and times are the same.
    const skeleton = (e: NexmarkEvent): unknown => [e.type, e.person?.id, e.auction?.id, eventTimestamp(e)];
    expect(other.map(skeleton)).toEqual(first.map(skeleton));
    const differing = other.filter((e, n) => JSON.stringify(e) !== JSON.stringify(first[n])).length;
    expect(differing).toBeGreaterThan(4900);
  });

  it('rejects a bad config with IllegalConfigurationError naming the key', () => {
    const bad: [NexmarkConfig, RegExp][] = [
      [{ events: -1 }, /'events' must be a non-negative integer/],
      [{ events: 1.5 }, /'events'/],
      [{ events: Number.NaN }, /'events'/],
      [{ tps: 0 }, /'tps' must be a positive, finite number/],
      [{ tps: -10 }, /'tps'/],
      [{ tps: Number.POSITIVE_INFINITY }, /'tps'/],
      [{ seed: 0.5 }, /'seed' must be an integer, got 0.5/],
      [{ baseTime: Number.NaN }, /'baseTime'/],
      [{ hotAuctionRatio: 0 }, /'hotAuctionRatio' must be an integer from 1/],
      [{ numActivePeople: 2.5 }, /'numActivePeople'/],
      [{ personProportion: 0 }, /'personProportion'/],
      [{ avgBidByteSize: -1 }, /'avgBidByteSize'/],
      [{ rateLimit: 0 }, /'rateLimit'/],
    ];
    for (const [config, message] of bad) {
      expect(() => new NexmarkGenerator(config)).toThrow(IllegalConfigurationError);
      expect(() => new NexmarkGenerator(config)).toThrow(message);
    }
    expect(() => generateEvents({}, -1)).toThrow(IllegalConfigurationError);
    expect(new NexmarkGenerator({ events: undefined }).config.events).toBe(Number.POSITIVE_INFINITY);
    expect(new NexmarkGenerator({ events: 0 }).config.events).toBe(0);
  });
});

function javaAbs(value: number): number {
  return value === -(2 ** 31) ? value : Math.abs(value);
}
