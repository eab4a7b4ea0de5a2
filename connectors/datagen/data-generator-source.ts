import {
  Boundedness,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from '../../api/connector/source.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { RandomGenerator } from './random-generator.js';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';
import { createSequenceSplits, SequenceSourceReader, type SequenceSplit } from './sequence-source-reader.js';

/**
 * Emits `generator(index)` for index 0, 1, 2, … up to `count` (Flink's DataGeneratorSource).
 * `count === Infinity` makes it unbounded. Replayable: each split's next index is checkpointed, so
 * the generator must be a pure function of the index for exactly-once output.
 */
export class DataGeneratorSource<T> implements Source<T, SequenceSplit> {
  private readonly generator: (index: number) => T;
  private readonly count: number;
  private readonly rateLimiterStrategy: RateLimiterStrategy;

  constructor(
    generator: (index: number) => T,
    count: number,
    rateLimiterStrategy: RateLimiterStrategy = RateLimiterStrategy.noOp(),
  ) {
    if (count !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(count) && count >= 0)) {
      throw new IllegalConfigurationError(
        `DataGeneratorSource count must be a non-negative integer or Infinity, got ${count}`,
      );
    }
    this.generator = generator;
    this.count = count;
    this.rateLimiterStrategy = rateLimiterStrategy;
  }

  /**
   * Random records that replay exactly: record `index` gets an `rng` seeded from `seed` and
   * `index` only, so it is the same after a restore or at another parallelism. The `rng` object
   * is reused; use it only during the call.
   */
  static random<T>(
    seed: number,
    count: number,
    generator: (rng: RandomGenerator, index: number) => T,
    rateLimiterStrategy?: RateLimiterStrategy,
  ): DataGeneratorSource<T> {
    const rng = RandomGenerator.forIndex(seed, 0);
    const indexed = (index: number): T => generator(rng.reseed(seed, index), index);
    return new DataGeneratorSource(indexed, count, rateLimiterStrategy);
  }

  getBoundedness(): Boundedness {
    return this.count === Number.POSITIVE_INFINITY ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): SequenceSplit[] {
    return createSequenceSplits(0, this.count, parallelism);
  }

  createReader(context: SourceReaderContext): SourceReader<T, SequenceSplit> {
    const rateLimiter = this.rateLimiterStrategy.createRateLimiter(context.parallelism);
    return new SequenceSourceReader(this.generator, rateLimiter, context);
  }
}
