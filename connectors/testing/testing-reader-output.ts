import type { ReaderOutput, SourceOutput } from '../../api/connector/source.js';
import type { Watermark } from '../../api/watermark/watermark.js';

/** One split's output of a {@link TestingReaderOutput}: keeps its own records, watermarks and idleness. */
export class TestingSourceOutput<T> implements SourceOutput<T> {
  readonly records: T[] = [];
  readonly watermarks: number[] = [];
  idle = false;

  constructor(private readonly onRecord: (record: T, timestamp: number | undefined) => void = () => {}) {}

  collect(record: T, timestamp?: number): void {
    this.records.push(record);
    this.onRecord(record, timestamp);
  }

  emitWatermark(watermark: Watermark): void {
    this.watermarks.push(watermark.timestamp);
  }

  markIdle(): void {
    this.idle = true;
  }

  markActive(): void {
    this.idle = false;
  }
}

/**
 * A ReaderOutput that keeps what it receives, for tests that drive readers directly. Records of
 * split outputs land in `records` too; each split output also keeps its own.
 */
export class TestingReaderOutput<T> extends TestingSourceOutput<T> implements ReaderOutput<T> {
  readonly timestamps: (number | undefined)[] = [];
  /** The split outputs not released yet, by split ID. */
  readonly splitOutputs = new Map<string, TestingSourceOutput<T>>();
  readonly releasedSplits: string[] = [];

  override collect(record: T, timestamp?: number): void {
    this.records.push(record);
    this.timestamps.push(timestamp);
  }

  createOutputForSplit(splitId: string): TestingSourceOutput<T> {
    let output = this.splitOutputs.get(splitId);
    if (output === undefined) {
      output = new TestingSourceOutput<T>((record, timestamp) => this.collect(record, timestamp));
      this.splitOutputs.set(splitId, output);
    }
    return output;
  }

  releaseOutputForSplit(splitId: string): void {
    if (this.splitOutputs.delete(splitId)) this.releasedSplits.push(splitId);
  }

  /** Returns the records received so far and forgets them. */
  take(): T[] {
    const taken = this.records.splice(0);
    this.timestamps.length = 0;
    return taken;
  }
}
