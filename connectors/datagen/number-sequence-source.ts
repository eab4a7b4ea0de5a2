import {
  Boundedness,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from '../../api/connector/source.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { RateLimiterStrategy } from './rate-limiter-strategy.js';
import { createSequenceSplits, SequenceSourceReader, type SequenceSplit } from './sequence-source-reader.js';

const identity = (value: number): number => value;
const NO_RATE_LIMIT = RateLimiterStrategy.noOp();

/** Emits the numbers `from` to `to`, both inclusive, as Flink's NumberSequenceSource (bounded). */
export class NumberSequenceSource implements Source<number, SequenceSplit> {
  readonly from: number;
  readonly to: number;

  constructor(from: number, to: number) {
    if (
      !Number.isSafeInteger(from) ||
      !Number.isSafeInteger(to) ||
      from > to ||
      to - from >= Number.MAX_SAFE_INTEGER
    ) {
      throw new IllegalConfigurationError(
        `NumberSequenceSource needs safe integers with from <= to, got from=${from}, to=${to}`,
      );
    }
    this.from = from;
    this.to = to;
  }

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  /** The splits' indices are the numbers themselves. */
  createSplits(parallelism: number): SequenceSplit[] {
    return createSequenceSplits(this.from, this.to - this.from + 1, parallelism);
  }

  createReader(context: SourceReaderContext): SourceReader<number, SequenceSplit> {
    return new SequenceSourceReader(identity, NO_RATE_LIMIT.createRateLimiter(context.parallelism), context);
  }
}
