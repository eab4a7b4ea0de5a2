import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
} from '../../api/connector/source.js';
import { AVAILABLE, AvailabilityHelper } from '../base/availability-helper.js';
import { checkParallelism, splitRangeEvenly } from '../base/split-range-evenly.js';

/**
 * A contiguous index range `[from, to)` of the collection; `next` is the index of the next element
 * to emit. The elements stay in the source (it is rebuilt in every slot), so splits are indices.
 */
export interface CollectionSplit {
  readonly splitId: string;
  readonly from: number;
  readonly to: number;
  readonly next: number;
}

/** Records per `pollNext` call. */
const BATCH_SIZE = 1024;

/** A bounded source over an in-memory array (behind `env.fromElements` / `fromCollection`). */
export class CollectionSource<T> implements Source<T, CollectionSplit> {
  private readonly elements: readonly T[];

  constructor(elements: readonly T[]) {
    this.elements = elements;
  }

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): CollectionSplit[] {
    checkParallelism(parallelism);
    const splits: CollectionSplit[] = [];
    for (let i = 0; i < parallelism; i++) {
      const [from, to] = splitRangeEvenly(this.elements.length, parallelism, i);
      splits.push({ splitId: String(i), from, to, next: from });
    }
    return splits;
  }

  createReader(): SourceReader<T, CollectionSplit> {
    return new CollectionSourceReader(this.elements);
  }
}

interface MutableCollectionSplit {
  readonly splitId: string;
  readonly from: number;
  readonly to: number;
  next: number;
}

class CollectionSourceReader<T> implements SourceReader<T, CollectionSplit> {
  private readonly elements: readonly T[];
  /** Unfinished splits in assignment order; the first is being read. */
  private readonly splits: MutableCollectionSplit[] = [];
  private noMoreSplits = false;
  private readonly availability = new AvailabilityHelper();

  constructor(elements: readonly T[]) {
    this.elements = elements;
  }

  addSplits(splits: CollectionSplit[]): void {
    for (const split of splits) {
      const to = Math.min(split.to, this.elements.length);
      if (split.next < to)
        this.splits.push({ splitId: split.splitId, from: split.from, to, next: split.next });
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
    const elements = this.elements;
    const stop = Math.min(split.to, split.next + BATCH_SIZE);
    let next = split.next;
    for (; next < stop; next++) output.collect(elements[next] as T);
    split.next = next;
    if (next >= split.to) this.splits.shift();
    if (this.splits.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  isAvailable(): Promise<void> {
    return this.splits.length > 0 || this.noMoreSplits ? AVAILABLE : this.availability.getAvailableFuture();
  }

  snapshotState(): CollectionSplit[] {
    return this.splits.map((split) => ({
      splitId: split.splitId,
      from: split.from,
      to: split.to,
      next: split.next,
    }));
  }
}
