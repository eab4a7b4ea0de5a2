import {
  InputStatus,
  type ReaderOutput,
  type SourceReader,
  type SourceReaderContext,
} from '../../api/connector/source.js';
import { AVAILABLE, AvailabilityHelper, delay } from '../base/availability-helper.js';
import type { RateLimiter } from '../datagen/rate-limiter-strategy.js';
import type { NexmarkGenerator } from './nexmark-generator.js';
import { eventTimestamp, type NexmarkEvent } from './nexmark-model.js';

/**
 * A part of the Nexmark event sequence: event numbers `nextEventNumber`, `+ stride`, `+ 2 * stride`,
 * … below `end`. At parallelism p split i starts at i with stride p, so every subtask's event time
 * advances at the same pace. `nextEventNumber` is the split's checkpointed position.
 */
export interface NexmarkSplit {
  readonly splitId: string;
  readonly nextEventNumber: number;
  readonly stride: number;
  /** Exclusive; `null` when unbounded (JSON- and msgpack-safe, unlike Infinity). */
  readonly end: number | null;
}

/** Events per `pollNext` at most. */
const BATCH_SIZE = 1024;

interface MutableNexmarkSplit {
  readonly splitId: string;
  next: number;
  readonly stride: number;
  /** Infinity when unbounded (only in memory; snapshots write `null`). */
  readonly end: number;
}

/**
 * Reads Nexmark splits: each poll emits up to BATCH_SIZE events (as many as the rate limiter
 * grants) of the split that is furthest behind, each with its event timestamp. With several splits
 * (after a restore at a lower parallelism) they thus advance together in event time.
 */
export class NexmarkSourceReader implements SourceReader<NexmarkEvent, NexmarkSplit> {
  private readonly generator: NexmarkGenerator;
  private readonly rateLimiter: RateLimiter;
  private readonly context: SourceReaderContext;
  /** Unfinished splits in assignment order. */
  private readonly splits: MutableNexmarkSplit[] = [];
  private noMoreSplits = false;
  private readonly availability = new AvailabilityHelper();

  constructor(generator: NexmarkGenerator, rateLimiter: RateLimiter, context: SourceReaderContext) {
    this.generator = generator;
    this.rateLimiter = rateLimiter;
    this.context = context;
  }

  addSplits(splits: NexmarkSplit[]): void {
    for (const split of splits) {
      const end = split.end ?? Number.POSITIVE_INFINITY;
      if (split.nextEventNumber < end) {
        this.splits.push({ splitId: split.splitId, next: split.nextEventNumber, stride: split.stride, end });
      }
    }
    this.availability.notifyAvailable();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.availability.notifyAvailable();
  }

  pollNext(output: ReaderOutput<NexmarkEvent>): InputStatus {
    const index = this.furthestBehind();
    const split = this.splits[index];
    if (split === undefined) {
      return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
    }
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
    for (; next < stop; next += stride) {
      const event = generator.event(next);
      output.collect(event, eventTimestamp(event));
    }
    split.next = next;
    if (next >= split.end) this.splits.splice(index, 1);
    if (this.splits.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  isAvailable(): Promise<void> {
    if (this.splits.length === 0) {
      return this.noMoreSplits ? AVAILABLE : this.availability.getAvailableFuture();
    }
    const wait = this.rateLimiter.delayMillis(this.context.currentTimeMillis());
    return wait > 0 ? delay(wait) : AVAILABLE;
  }

  snapshotState(): NexmarkSplit[] {
    return this.splits.map((split) => ({
      splitId: split.splitId,
      nextEventNumber: split.next,
      stride: split.stride,
      end: split.end === Number.POSITIVE_INFINITY ? null : split.end,
    }));
  }

  /** The index of the split with the smallest next event number (-1 without splits). */
  private furthestBehind(): number {
    const splits = this.splits;
    if (splits.length <= 1) return splits.length - 1;
    let best = 0;
    for (let i = 1; i < splits.length; i++) if (splits[i]!.next < splits[best]!.next) best = i;
    return best;
  }
}
