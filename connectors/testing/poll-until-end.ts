import { InputStatus, type SourceReader } from '../../api/connector/source.js';
import { TestingReaderOutput } from './testing-reader-output.js';

/**
 * Polls a reader until END_OF_INPUT (waiting on `isAvailable()` after NOTHING_AVAILABLE) or until
 * `maxRecords` were emitted; fails after `deadlineMillis` of real time.
 */
export async function pollUntilEnd<T, SplitT>(
  reader: SourceReader<T, SplitT>,
  options: { maxRecords?: number; deadlineMillis?: number; output?: TestingReaderOutput<T> } = {},
): Promise<{ records: T[]; status: InputStatus }> {
  const output = options.output ?? new TestingReaderOutput<T>();
  const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const deadline = Date.now() + (options.deadlineMillis ?? 10_000);
  for (;;) {
    const status = reader.pollNext(output);
    if (status === InputStatus.END_OF_INPUT || output.records.length >= maxRecords) {
      return { records: output.records, status };
    }
    if (Date.now() > deadline)
      throw new Error(`reader did not end in time (${output.records.length} records)`);
    if (status === InputStatus.NOTHING_AVAILABLE) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([reader.isAvailable(), timeout]);
      clearTimeout(timer);
    }
  }
}
