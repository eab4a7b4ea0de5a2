import type { NexmarkRandom } from './nexmark-random.js';
import { timestampForEvent, type ResolvedNexmarkConfig } from './nexmark-generator-config.js';
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, type Auction } from './nexmark-model.js';
import { nextExtra, nextString } from './nexmark-strings.js';
import { lastBase0PersonId, nextBase0PersonId } from './person-generator.js';

/**
 * Auctions, after nexmark-flink's AuctionGenerator. Auction ids follow the event numbers: the k-th
 * auction event (k from 0) opens auction `1000 + k`.
 */

/** How many ids past the last opened auction a random pick may reach. */
const AUCTION_ID_LEAD = 10;
/**
 * Hot sellers are the first person of each block of this many people (nexmark-flink's
 * HOT_SELLER_RATIO constant, not the `hotSellersRatio` probability knob).
 */
const HOT_SELLER_BLOCK = 100;

const SIX_LN_10 = 6 * Math.LN10;

/** A price in cents: `round(10^(6 * u) * 100)` for uniform `u`, so 1.00 to 1 000 000.00 log-uniformly. */
export function nextPrice(rng: NexmarkRandom): number {
  return Math.round(Math.exp(rng.nextUnit() * SIX_LN_10) * 100);
}

/**
 * The auction opened by event `eventNumber` (an auction event) at `timestamp`.
 *
 * - seller: with probability `1 - 1/hotSellersRatio` the current hot seller (the first person of
 *   the latest block of 100), else a random active person;
 * - category: uniform over `numCategories` from 10; reserve = initialBid + another price;
 * - expires: `timestamp + 1 + uniform[0, 2 * horizon)` ms, where horizon is the event time until
 *   `numInFlightAuctions` more auctions will have opened, so about that many are open at once;
 * - extra pads nexmark-flink's size measure `8 (id) + itemName + description + 5 * 8` (initialBid,
 *   reserve, dateTime, expires, seller; category is not counted) to `avgAuctionByteSize`.
 */
export function nextAuction(
  eventNumber: number,
  rng: NexmarkRandom,
  timestamp: number,
  config: ResolvedNexmarkConfig,
): Auction {
  const id = lastBase0AuctionId(config, eventNumber) + FIRST_AUCTION_ID;
  const seller =
    (rng.nextBelow(config.hotSellersRatio) > 0
      ? Math.floor(lastBase0PersonId(config, eventNumber) / HOT_SELLER_BLOCK) * HOT_SELLER_BLOCK
      : nextBase0PersonId(eventNumber, rng, config)) + FIRST_PERSON_ID;
  const category = FIRST_CATEGORY_ID + rng.nextBelow(config.numCategories);
  const initialBid = nextPrice(rng);
  const expires = timestamp + nextAuctionLengthMs(eventNumber, rng, timestamp, config);
  const itemName = nextString(rng, 20);
  const description = nextString(rng, 100);
  const reserve = initialBid + nextPrice(rng);
  const currentSize = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
  const extra = nextExtra(rng, currentSize, config.avgAuctionByteSize);
  return {
    id,
    itemName,
    description,
    initialBid,
    reserve,
    dateTime: timestamp,
    expires,
    seller,
    category,
    extra,
  };
}

/**
 * The id (without FIRST_AUCTION_ID) of the last auction opened at or before event `eventNumber`:
 * the current auction when the event is an auction event; -1 before the first auction.
 */
export function lastBase0AuctionId(config: ResolvedNexmarkConfig, eventNumber: number): number {
  let epoch = Math.floor(eventNumber / config.totalProportion);
  let offset = eventNumber - epoch * config.totalProportion;
  if (offset < config.personProportion) {
    // A person event: the last auction is the last one of the previous epoch.
    epoch--;
    offset = config.auctionProportion - 1;
  } else if (offset >= config.personProportion + config.auctionProportion) {
    // A bid event: the last auction is the last one of this epoch.
    offset = config.auctionProportion - 1;
  } else {
    offset -= config.personProportion;
  }
  return epoch * config.auctionProportion + offset;
}

/**
 * A random auction id (without FIRST_AUCTION_ID) among the `numInFlightAuctions` latest auctions
 * plus AUCTION_ID_LEAD not yet opened ones.
 */
export function nextBase0AuctionId(
  eventNumber: number,
  rng: NexmarkRandom,
  config: ResolvedNexmarkConfig,
): number {
  const maxAuction = lastBase0AuctionId(config, eventNumber);
  const minAuction = Math.max(maxAuction - config.numInFlightAuctions, 0);
  return minAuction + rng.nextBelow(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
}

function nextAuctionLengthMs(
  eventNumber: number,
  rng: NexmarkRandom,
  timestamp: number,
  config: ResolvedNexmarkConfig,
): number {
  const eventsForInFlightAuctions = Math.floor(
    (config.numInFlightAuctions * config.totalProportion) / config.auctionProportion,
  );
  const horizonMs = timestampForEvent(config, eventNumber + eventsForInFlightAuctions) - timestamp;
  return 1 + rng.nextBelowLarge(Math.max(horizonMs * 2, 1));
}
