/**
 * The Nexmark data model (an online auction site): people register, open auctions and bid on
 * them. Events are plain objects (no classes) because they cross the network as msgpack; every
 * `dateTime`/`expires` is epoch milliseconds and every id, price and category is an integer.
 *
 * Ids: people and auctions are numbered from 1000 (`FIRST_PERSON_ID`, `FIRST_AUCTION_ID`), in
 * creation order; categories are 10, 11, … (`FIRST_CATEGORY_ID`). Prices are in cents.
 *
 * Sizes at the default config: `extra` pads to 200 / 500 / 100 bytes on average in nexmark-flink's
 * own accounting (8 bytes per counted number plus string lengths; a bid's channel and url are not
 * counted, as in nexmark-flink). Encoded with their field names the entities average about
 * 271 / 575 / 214 bytes as msgpack and 303 / 618 / 242 bytes as JSON (person / auction / bid).
 */
export interface Person {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  /** When the person registered (the event time), epoch ms. */
  dateTime: number;
  /** Random padding (see the generator's size accounting). */
  extra: string;
}

export interface Auction {
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  /** When the auction opened (the event time), epoch ms. */
  dateTime: number;
  /** When the auction closes, epoch ms; always after `dateTime`. */
  expires: number;
  /** The seller's person id. */
  seller: number;
  category: number;
  extra: string;
}

export interface Bid {
  /** The auction's id. */
  auction: number;
  /** The bidder's person id. */
  bidder: number;
  price: number;
  /** 'Google', 'Facebook', 'Baidu', 'Apple' (half of the bids) or 'channel-<n>' with n < 10 000. */
  channel: string;
  url: string;
  /** When the bid was placed (the event time), epoch ms. */
  dateTime: number;
  extra: string;
}

/** One event of the stream: exactly one of `person`, `auction`, `bid` is set, named by `type`. */
export type NexmarkEvent =
  | { type: 'person'; person: Person; auction?: undefined; bid?: undefined }
  | { type: 'auction'; auction: Auction; person?: undefined; bid?: undefined }
  | { type: 'bid'; bid: Bid; person?: undefined; auction?: undefined };

/** The kinds of event, as `NexmarkEvent['type']`. */
export type NexmarkEventType = NexmarkEvent['type'];

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;

/** The event time of an event: the `dateTime` of whichever entity it carries. */
export function eventTimestamp(event: NexmarkEvent): number {
  switch (event.type) {
    case 'bid':
      return event.bid.dateTime;
    case 'auction':
      return event.auction.dateTime;
    case 'person':
      return event.person.dateTime;
  }
}
