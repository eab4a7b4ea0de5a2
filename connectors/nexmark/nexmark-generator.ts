import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { NexmarkRandom } from './nexmark-random.js';
import { nextAuction } from './auction-generator.js';
import { nextBid } from './bid-generator.js';
import {
  resolveNexmarkConfig,
  timestampForEvent,
  type NexmarkConfig,
  type ResolvedNexmarkConfig,
} from './nexmark-generator-config.js';
import type { NexmarkEvent, NexmarkEventType } from './nexmark-model.js';
import { nextPerson } from './person-generator.js';

/**
 * The Nexmark event generator (after nexmark-flink's NexmarkGenerator), random-access: event `n`
 * is a pure function of the config and `n` — its random numbers come from a generator seeded with
 * `(seed, n)` — so any subtask can generate any event number and a replay gives identical events.
 *
 * Event `n` is a person, an auction or a bid by `n mod 50` (0 / 1..3 / 4..49 at the default
 * proportions) and happens at `timestampOf(n) = baseTime + floor(trunc(n * 1e6 / tps) / 1000)` ms.
 * The event-number sequence is the only state: ids, hot auctions/bidders/sellers and the active
 * people and in-flight auctions are all derived from `n`.
 *
 * ```ts
 * const generator = new NexmarkGenerator({ tps: 1000, seed: 7 });
 * const first = generator.event(0); // { type: 'person', person: { id: 1000, ... } }
 * ```
 *
 * Generating is cheap (about 3.7 M events/s of CPU time on one core of a busy 2-vCPU box): a
 * handful of random draws per event, strings sliced from precomputed pools, no allocation beyond
 * the event and its strings.
 */
export class NexmarkGenerator {
  /** The validated config, defaults filled in. */
  readonly config: ResolvedNexmarkConfig;
  /** Reseeded for every event; never escapes a call. */
  private readonly rng: NexmarkRandom;

  /** Throws IllegalConfigurationError for a bad config (e.g. negative `events`, `tps <= 0`). */
  constructor(config: NexmarkConfig = {}) {
    this.config = resolveNexmarkConfig(config);
    this.rng = new NexmarkRandom(this.config.seed);
  }

  /** Event number `eventNumber` (a non-negative integer; not checked, this is the hot path). */
  event(eventNumber: number): NexmarkEvent {
    const config = this.config;
    const rng = this.rng.reseed(eventNumber);
    const timestamp = timestampForEvent(config, eventNumber);
    const offset = eventNumber % config.totalProportion;
    if (offset < config.personProportion) {
      return { type: 'person', person: nextPerson(eventNumber, rng, timestamp, config) };
    }
    if (offset < config.personProportion + config.auctionProportion) {
      return { type: 'auction', auction: nextAuction(eventNumber, rng, timestamp, config) };
    }
    return { type: 'bid', bid: nextBid(eventNumber, rng, timestamp, config) };
  }

  /** The event time of event `eventNumber` in epoch ms, without generating the event. */
  timestampOf(eventNumber: number): number {
    return timestampForEvent(this.config, eventNumber);
  }

  /** The kind of event `eventNumber`, without generating it. */
  typeOf(eventNumber: number): NexmarkEventType {
    const config = this.config;
    const offset = eventNumber % config.totalProportion;
    if (offset < config.personProportion) return 'person';
    return offset < config.personProportion + config.auctionProportion ? 'auction' : 'bid';
  }
}

/**
 * Events `0 .. count - 1` of `config` (whatever its `events` says), in order: what every run of a
 * NexmarkSource with this config emits, for tests to compute expected results independently.
 */
export function generateEvents(config: NexmarkConfig, count: number): NexmarkEvent[] {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new IllegalConfigurationError(`generateEvents needs a non-negative integer count, got ${count}`);
  }
  const generator = new NexmarkGenerator(config);
  const events = new Array<NexmarkEvent>(count);
  for (let n = 0; n < count; n++) events[n] = generator.event(n);
  return events;
}
