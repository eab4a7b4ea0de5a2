import {
  InputStatus,
  type ReaderOutput,
  type SourceReader,
  type SourceReaderContext,
} from '../../api/connector/source.js';
import { AVAILABLE, AvailabilityHelper, delay } from '../base/availability-helper.js';
import { checkParallelism, splitRangeEvenly } from '../base/split-range-evenly.js';
import type { RateLimiter } from './rate-limiter-strategy.js';

/**
 * A part of a number sequence: the indices `next, next + stride, next + 2*stride, …` below `end`
 * (`end === null`: without end). Bounded sequences are cut into contiguous ranges (`stride` 1);
 * unbounded ones are interleaved (subtask i of p gets i, i+p, i+2p, …). `next` makes it replayable.
 */
export interface SequenceSplit {
  readonly splitId: string;
  readonly next: number;
  /** Exclusive; `null` for an unbounded sequence (JSON- and msgpack-safe, unlike Infinity). */
  readonly end: number | null;
  readonly stride: number;
}

/** The splits of `[start, start + count)` (count may be Infinity) for `parallelism` readers. */
export function createSequenceSplits(start: number, count: number, parallelism: number): SequenceSplit[] {
  checkParallelism(parallelism);
  const splits: SequenceSplit[] = [];
  for (let i = 0; i < parallelism; i++) {
    if (count === Number.POSITIVE_INFINITY) {
      splits.push({ splitId: String(i), next: start + i, end: null, stride: parallelism });
    } else {
      const [from, to] = splitRangeEvenly(count, parallelism, i);
      splits.push({ splitId: String(i), next: start + from, end: start + to, stride: 1 });
    }
  }
  return splits;
}

/** Records per `pollNext` call at most. */
const BATCH_SIZE = 1024;

interface MutableSequenceSplit {
  readonly splitId: string;
  next: number;
  /** Infinity when unbounded (only in memory; snapshots write `null`). */
  readonly end: number;
  readonly stride: number;
}

/**
 * Reads sequence splits and emits `generator(index)` for each index, at most BATCH_SIZE per poll
 * and as many as the rate limiter grants. The emit loop allocates nothing but the records.
 */
export class SequenceSourceReader<T> implements SourceReader<T, SequenceSplit> {
  private readonly generator: (index: number) => T;
  private readonly rateLimiter: RateLimiter;
  private readonly context: SourceReaderContext;
  /** Unfinished splits in assignment order; the first is being read. */
  private readonly splits: MutableSequenceSplit[] = [];
  private noMoreSplits = false;
  private readonly availability = new AvailabilityHelper();

  constructor(generator: (index: number) => T, rateLimiter: RateLimiter, context: SourceReaderContext) {
    this.generator = generator;
    this.rateLimiter = rateLimiter;
    this.context = context;
  }

  addSplits(splits: SequenceSplit[]): void {
    for (const split of splits) {
      const end = split.end ?? Number.POSITIVE_INFINITY;
      if (split.next < end) {
        this.splits.push({ splitId: split.splitId, next: split.next, end, stride: split.stride });
      }
    }
    this.availability.notifyAvailable();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.availability.notifyAvailable();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    const split = this.splits[0];
    if (split === undefined)
      return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
    const stride = split.stride;
    let next = split.next;
    const remaining = Math.ceil((split.end - next) / stride);
    const granted = this.rateLimiter.acquire(
      Math.min(BATCH_SIZE, remaining),
      this.context.currentTimeMillis(),
    );
    if (granted === 0) return InputStatus.NOTHING_AVAILABLE;
    const generator = this.generator;
    const stop = next + granted * stride;
    for (; next < stop; next += stride) output.collect(generator(next));
    split.next = next;
    if (next >= split.end) this.splits.shift();
    if (this.splits.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  isAvailable(): Promise<void> {
    if (this.splits.length === 0)
      return this.noMoreSplits ? AVAILABLE : this.availability.getAvailableFuture();
    const wait = this.rateLimiter.delayMillis(this.context.currentTimeMillis());
    return wait > 0 ? delay(wait) : AVAILABLE;
  }

  snapshotState(): SequenceSplit[] {
    return this.splits.map((split) => ({
      splitId: split.splitId,
      next: split.next,
      end: split.end === Number.POSITIVE_INFINITY ? null : split.end,
      stride: split.stride,
    }));
  }
}
