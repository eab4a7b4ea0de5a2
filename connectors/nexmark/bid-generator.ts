import type { NexmarkRandom } from './nexmark-random.js';
import { lastBase0AuctionId, nextBase0AuctionId, nextPrice } from './auction-generator.js';
import { bidChannels } from './bid-channels.js';
import type { ResolvedNexmarkConfig } from './nexmark-generator-config.js';
import { FIRST_AUCTION_ID, FIRST_PERSON_ID, type Bid } from './nexmark-model.js';
import { nextExtra } from './nexmark-strings.js';
import { lastBase0PersonId, nextBase0PersonId } from './person-generator.js';

/**
 * Bids, after nexmark-flink's BidGenerator. Hot auctions and hot bidders are the first auction /
 * the second person of the latest block of 100 (nexmark-flink's HOT_AUCTION_RATIO and
 * HOT_BIDDER_RATIO constants), so at the default ratios half of all bids go to one auction at a
 * time and three quarters come from one bidder at a time; hot bidders differ from hot sellers.
 */
const HOT_AUCTION_BLOCK = 100;
const HOT_BIDDER_BLOCK = 100;
/** A bid comes through a hot channel with probability `1 - 1/HOT_CHANNELS_RATIO`. */
const HOT_CHANNELS_RATIO = 2;
/** The counted numbers of a bid: auction, bidder, price, dateTime (8 bytes each). */
const COUNTED_BID_SIZE = 8 + 8 + 8 + 8;

/**
 * The bid of event `eventNumber` (a bid event) at `timestamp`.
 *
 * - auction: with probability `1 - 1/hotAuctionRatio` the current hot auction, else a random one
 *   of the `numInFlightAuctions` latest (or up to 10 not yet opened);
 * - bidder: with probability `1 - 1/hotBiddersRatio` the current hot bidder, else a random active
 *   person (nexmark-flink adds FIRST_PERSON_ID to the bidder twice, putting bidders outside the
 *   person ids; here it is added once, so bidders join with people);
 * - price: `nextPrice`; channel and url: see bid-channels.ts;
 * - extra pads nexmark-flink's size measure — the four numbers only, 32 bytes; channel and url are
 *   not counted, as in nexmark-flink — to `avgBidByteSize` on average.
 */
export function nextBid(
  eventNumber: number,
  rng: NexmarkRandom,
  timestamp: number,
  config: ResolvedNexmarkConfig,
): Bid {
  const auction =
    (rng.nextBelow(config.hotAuctionRatio) > 0
      ? Math.floor(lastBase0AuctionId(config, eventNumber) / HOT_AUCTION_BLOCK) * HOT_AUCTION_BLOCK
      : nextBase0AuctionId(eventNumber, rng, config)) + FIRST_AUCTION_ID;
  const bidder =
    (rng.nextBelow(config.hotBiddersRatio) > 0
      ? Math.floor(lastBase0PersonId(config, eventNumber) / HOT_BIDDER_BLOCK) * HOT_BIDDER_BLOCK + 1
      : nextBase0PersonId(eventNumber, rng, config)) + FIRST_PERSON_ID;
  const price = nextPrice(rng);
  const table = bidChannels();
  let channel: string;
  let url: string;
  if (rng.nextBelow(HOT_CHANNELS_RATIO) > 0) {
    const i = rng.nextBelow(table.hotChannels.length);
    channel = table.hotChannels[i]!;
    url = table.hotUrls[i]!;
  } else {
    const i = rng.nextBelow(table.channels.length);
    channel = table.channels[i]!;
    url = table.urls[i]!;
  }
  const extra = nextExtra(rng, COUNTED_BID_SIZE, config.avgBidByteSize);
  return { auction, bidder, price, channel, url, dateTime: timestamp, extra };
}
