import type { ReaderOutput } from '../../api/connector/source.js';

/** A ReaderOutput that keeps what it receives, for tests that drive readers directly. */
export class TestingReaderOutput<T> implements ReaderOutput<T> {
  readonly records: T[] = [];
  readonly timestamps: (number | undefined)[] = [];

  collect(record: T, timestamp?: number): void {
    this.records.push(record);
    this.timestamps.push(timestamp);
  }

  /** Returns the records received so far and forgets them. */
  take(): T[] {
    const taken = this.records.splice(0);
    this.timestamps.length = 0;
    return taken;
  }
}
