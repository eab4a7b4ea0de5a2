import { InputStatus, type ReaderOutput, type SourceReader } from '../../api/connector/source.js';
import { AVAILABLE, AvailabilityHelper } from '../base/availability-helper.js';
import { FileSplitFetcher } from './file-split-fetcher.js';
import type { FileSourceSplit } from './file-source.js';
import type { StreamFormat } from './stream-format.js';

/** Records per `pollNext` call at most. */
const BATCH_SIZE = 1024;

interface MutableFileSplit {
  readonly splitId: string;
  readonly path: string;
  /** Byte offset behind the last emitted record. */
  offset: number;
}

/**
 * Reads its file splits one after the other. A FileSplitFetcher prefetches the current file;
 * `pollNext` emits what is queued and never waits.
 */
export class FileSourceReader<T> implements SourceReader<T, FileSourceSplit> {
  private readonly format: StreamFormat<T>;
  /** Unfinished splits in assignment order; the first is being read. */
  private readonly splits: MutableFileSplit[] = [];
  private fetcher: FileSplitFetcher<T> | undefined;
  private noMoreSplits = false;
  private readonly availability = new AvailabilityHelper();
  private readonly notifyAvailable = (): void => this.availability.notifyAvailable();
  /** Closing the fetchers of finished splits, chained; `close()` awaits it. */
  private closing: Promise<void> = Promise.resolve();

  constructor(format: StreamFormat<T>) {
    this.format = format;
  }

  addSplits(splits: FileSourceSplit[]): void {
    for (const split of splits)
      this.splits.push({ splitId: split.splitId, path: split.path, offset: split.offset });
    this.availability.notifyAvailable();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.availability.notifyAvailable();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    for (;;) {
      const split = this.splits[0];
      if (split === undefined)
        return this.noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      const fetcher = (this.fetcher ??= new FileSplitFetcher(
        split.path,
        split.offset,
        this.format,
        this.notifyAvailable,
      ));
      const endOffset = fetcher.drainTo(output, BATCH_SIZE);
      if (endOffset !== undefined) {
        split.offset = endOffset;
        return InputStatus.MORE_AVAILABLE;
      }
      fetcher.checkFailure();
      if (!fetcher.isFinished()) return InputStatus.NOTHING_AVAILABLE;
      this.finishCurrentSplit(fetcher);
    }
  }

  isAvailable(): Promise<void> {
    if (this.splits.length === 0)
      return this.noMoreSplits ? AVAILABLE : this.availability.getAvailableFuture();
    // Something may have arrived since the last poll: then do not wait for the next notification.
    if (this.fetcher === undefined || this.fetcher.hasNews()) return AVAILABLE;
    return this.availability.getAvailableFuture();
  }

  snapshotState(): FileSourceSplit[] {
    return this.splits.map((split) => ({ splitId: split.splitId, path: split.path, offset: split.offset }));
  }

  async close(): Promise<void> {
    const fetcher = this.fetcher;
    this.fetcher = undefined;
    if (fetcher !== undefined) await fetcher.close();
    await this.closing;
  }

  private finishCurrentSplit(fetcher: FileSplitFetcher<T>): void {
    this.splits.shift();
    this.fetcher = undefined;
    // Its loop has ended (the file was read to the end); this only waits for the file to close.
    this.closing = this.closing.then(() => fetcher.close());
  }
}
