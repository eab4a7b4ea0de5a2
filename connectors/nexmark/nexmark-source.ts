import {
  Boundedness,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from '../../api/connector/source.js';
import { WatermarkStrategy } from '../../api/watermark/watermark-strategy.js';
import { checkParallelism } from '../base/split-range-evenly.js';
import { RateLimiterStrategy } from '../datagen/rate-limiter-strategy.js';
import {
  resolveNexmarkConfig,
  type NexmarkConfig,
  type ResolvedNexmarkConfig,
} from './nexmark-generator-config.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import { eventTimestamp, type NexmarkEvent } from './nexmark-model.js';
import { NexmarkSourceReader, type NexmarkSplit } from './nexmark-source-reader.js';

/** The longest a Nexmark event arrives after a later one, with the default watermark strategy. */
const MAX_OUT_OF_ORDERNESS_MS = 4000;

/**
 * The Nexmark benchmark's event stream as a source: people, auctions and bids (see
 * NexmarkGenerator for the model and NexmarkConfig for the knobs). Bounded with a finite
 * `config.events`, else unbounded.
 *
 * At parallelism p split i emits event numbers i, i+p, i+2p, … below `events`, each with its event
 * timestamp; a split's checkpointed position is its next event number, so a restore replays
 * exactly. `config.rateLimit` caps emitted events per wall-clock second across all readers.
 *
 * ```ts
 * env.fromSource(new NexmarkSource({ events: 1_000_000 }), NexmarkSource.watermarkStrategy(), 'nexmark')
 *   .filter((e) => e.type === 'bid');
 * ```
 */
export class NexmarkSource implements Source<NexmarkEvent, NexmarkSplit> {
  readonly config: ResolvedNexmarkConfig;
  private readonly rawConfig: NexmarkConfig;
  private readonly rateLimiterStrategy: RateLimiterStrategy;

  /** Throws IllegalConfigurationError for a bad config (negative `events`, `tps <= 0`, …). */
  constructor(config: NexmarkConfig = {}) {
    this.config = resolveNexmarkConfig(config);
    this.rawConfig = { ...config };
    this.rateLimiterStrategy =
      this.config.rateLimit === undefined
        ? RateLimiterStrategy.noOp()
        : RateLimiterStrategy.perSecond(this.config.rateLimit);
  }

  /** Bounded out-of-orderness of 4000 ms, timestamps from `eventTimestamp`. */
  static watermarkStrategy(): WatermarkStrategy<NexmarkEvent> {
    return WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(
      MAX_OUT_OF_ORDERNESS_MS,
    ).withTimestampAssigner(eventTimestamp);
  }

  getBoundedness(): Boundedness {
    return this.config.events === Number.POSITIVE_INFINITY
      ? Boundedness.CONTINUOUS_UNBOUNDED
      : Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): NexmarkSplit[] {
    checkParallelism(parallelism);
    const end = this.config.events === Number.POSITIVE_INFINITY ? null : this.config.events;
    return Array.from({ length: parallelism }, (_, i) => ({
      splitId: String(i),
      nextEventNumber: i,
      stride: parallelism,
      end,
    }));
  }

  createReader(context: SourceReaderContext): SourceReader<NexmarkEvent, NexmarkSplit> {
    return new NexmarkSourceReader(
      new NexmarkGenerator(this.rawConfig),
      this.rateLimiterStrategy.createRateLimiter(context.parallelism),
      context,
    );
  }
}

export type { NexmarkSplit } from './nexmark-source-reader.js';
