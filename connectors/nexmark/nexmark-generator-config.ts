import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/**
 * How the Nexmark generator synthesizes events (the knobs of nexmark-flink's NexmarkConfiguration
 * that this generator implements, with the same defaults). Every field is optional.
 *
 * - `events`: total number of events; `undefined` or `Infinity` = unbounded (default).
 * - `tps`: event-time rate of the whole source, events per second of event time (default 10 000):
 *   event `n` happens at `baseTime + floor(n * 1e6 / tps µs)` in ms (see `timestampForEvent`).
 * - `seed`: an integer (default 0); event `n` is a pure function of the config and `n`.
 * - `baseTime`: event time of event 0, epoch ms (default 1_700_000_000_000, fixed for replays).
 * - `personProportion`/`auctionProportion`/`bidProportion`: 1/3/46; the kind of event `n` is
 *   decided by `n mod 50`: 0 → person, 1..3 → auction, 4..49 → bid.
 * - `hotAuctionRatio` (2), `hotSellersRatio` (4), `hotBiddersRatio` (4): a bid goes to the current
 *   hot auction with probability `1 - 1/hotAuctionRatio`, is by a hot bidder with probability
 *   `1 - 1/hotBiddersRatio`; an auction has a hot seller with probability `1 - 1/hotSellersRatio`.
 * - `numActivePeople` (1000): the people that non-hot bids and auctions pick from (the latest ones).
 * - `numInFlightAuctions` (100): the auctions that non-hot bids pick from (the latest ones).
 * - `numCategories` (5): auction categories are 10 .. 10 + numCategories - 1.
 * - `avgPersonByteSize` (200), `avgAuctionByteSize` (500), `avgBidByteSize` (100): targets of the
 *   `extra` padding, in nexmark-flink's size accounting (see nexmark-strings.ts `nextExtra`).
 * - `rateLimit`: emitted events per second of wall-clock time across all readers of the source;
 *   `undefined` (default) = as fast as possible. Independent of `tps`, which is event time only.
 */
export interface NexmarkConfig {
  events?: number | undefined;
  tps?: number | undefined;
  seed?: number | undefined;
  baseTime?: number | undefined;
  personProportion?: number | undefined;
  auctionProportion?: number | undefined;
  bidProportion?: number | undefined;
  hotAuctionRatio?: number | undefined;
  hotSellersRatio?: number | undefined;
  hotBiddersRatio?: number | undefined;
  numActivePeople?: number | undefined;
  numInFlightAuctions?: number | undefined;
  numCategories?: number | undefined;
  avgPersonByteSize?: number | undefined;
  avgAuctionByteSize?: number | undefined;
  avgBidByteSize?: number | undefined;
  rateLimit?: number | undefined;
}

/** A validated config with every default filled in, plus values derived from it. */
export interface ResolvedNexmarkConfig {
  /** `Infinity` when unbounded. */
  readonly events: number;
  readonly tps: number;
  readonly seed: number;
  readonly baseTime: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  readonly numActivePeople: number;
  readonly numInFlightAuctions: number;
  readonly numCategories: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  readonly rateLimit: number | undefined;
  /** personProportion + auctionProportion + bidProportion. */
  readonly totalProportion: number;
  /** Event time between consecutive event numbers, in microseconds (`1e6 / tps`, may be fractional). */
  readonly interEventDelayUs: number;
}

export const DEFAULT_NEXMARK_BASE_TIME = 1_700_000_000_000;

type IntegerKey = Exclude<keyof NexmarkConfig, 'events' | 'tps' | 'rateLimit' | 'seed' | 'baseTime'>;

const DEFAULT_INTEGERS: Readonly<Record<IntegerKey, number>> = {
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  numCategories: 5,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
};

/** The smallest value each integer knob accepts. */
const MINIMUM: Readonly<Record<IntegerKey, number>> = {
  personProportion: 1,
  auctionProportion: 1,
  bidProportion: 0,
  hotAuctionRatio: 1,
  hotSellersRatio: 1,
  hotBiddersRatio: 1,
  numActivePeople: 1,
  numInFlightAuctions: 0,
  numCategories: 1,
  avgPersonByteSize: 0,
  avgAuctionByteSize: 0,
  avgBidByteSize: 0,
};

/** Keeps every random bound the knobs lead to below 2^32 (one 32-bit draw each). */
const MAX_INTEGER_KNOB = 2 ** 31 - 1;

/** Fills in the defaults and checks every value; throws IllegalConfigurationError naming the bad key. */
export function resolveNexmarkConfig(config: NexmarkConfig = {}): ResolvedNexmarkConfig {
  const events = config.events ?? Number.POSITIVE_INFINITY;
  if (events !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(events) && events >= 0)) {
    throw invalid('events', events, 'a non-negative integer, or Infinity/undefined for an unbounded source');
  }
  const tps = config.tps ?? 10_000;
  if (typeof tps !== 'number' || !(tps > 0) || !Number.isFinite(tps)) {
    throw invalid('tps', tps, 'a positive, finite number of events per second of event time');
  }
  const seed = config.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw invalid('seed', seed, 'an integer');
  const baseTime = config.baseTime ?? DEFAULT_NEXMARK_BASE_TIME;
  if (!Number.isSafeInteger(baseTime)) throw invalid('baseTime', baseTime, 'an integer epoch in ms');
  const rateLimit = config.rateLimit;
  if (rateLimit !== undefined && (!(rateLimit > 0) || !Number.isFinite(rateLimit))) {
    throw invalid('rateLimit', rateLimit, 'a positive, finite number of events per second, or undefined');
  }
  const integers = { ...DEFAULT_INTEGERS };
  for (const key of Object.keys(DEFAULT_INTEGERS) as IntegerKey[]) {
    const value = config[key] ?? DEFAULT_INTEGERS[key];
    if (!Number.isSafeInteger(value) || value < MINIMUM[key] || value > MAX_INTEGER_KNOB) {
      throw invalid(key, value, `an integer from ${MINIMUM[key]} to ${MAX_INTEGER_KNOB}`);
    }
    integers[key] = value;
  }
  return {
    events,
    tps,
    seed,
    baseTime,
    rateLimit,
    ...integers,
    totalProportion: integers.personProportion + integers.auctionProportion + integers.bidProportion,
    interEventDelayUs: 1_000_000 / tps,
  };
}

/**
 * The event time of event `eventNumber`, as nexmark-flink computes it: the event's offset in µs
 * (`eventNumber * interEventDelayUs`) truncated to whole µs, then floored to whole ms.
 */
export function timestampForEvent(config: ResolvedNexmarkConfig, eventNumber: number): number {
  return config.baseTime + Math.floor(Math.trunc(eventNumber * config.interEventDelayUs) / 1000);
}

function invalid(key: string, value: unknown, expected: string): IllegalConfigurationError {
  return new IllegalConfigurationError(`Nexmark config '${key}' must be ${expected}, got ${String(value)}`);
}
