/**
 * A bounded source that, after its input ended at time t, keeps the job running until the wall
 * clock has passed the end of the processing-time window (of `windowSize`, aligned to the epoch)
 * containing t + `marginMs`, plus `marginMs`. Processing-time windows fire only when the clock
 * passes their end, and the end of a bounded input does not fire them; as long as the last records
 * reach the window operator within `marginMs` (network buffers flush every 100 ms by default; the
 * margin leaves room for a loaded machine), every window that got a record fires before the input
 * ends.
 */
import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader } from 'freshet';

export class LingeringSource<T, SplitT> implements Source<T, SplitT> {
  constructor(
    private readonly inner: Source<T, SplitT>,
    private readonly windowSize: number,
    private readonly marginMs: number,
  ) {}

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): SplitT[] {
    return this.inner.createSplits!(parallelism);
  }

  createReader(context: Parameters<Source<T, SplitT>['createReader']>[0]): SourceReader<T, SplitT> {
    const reader = this.inner.createReader(context);
    const { windowSize, marginMs } = this;
    let lingerUntil: number | undefined;
    return {
      start: () => reader.start?.(),
      addSplits: (splits) => reader.addSplits(splits),
      notifyNoMoreSplits: () => reader.notifyNoMoreSplits(),
      snapshotState: (checkpointId) => reader.snapshotState(checkpointId),
      close: () => reader.close?.(),
      pollNext(output: ReaderOutput<T>): InputStatus {
        const now = context.currentTimeMillis();
        if (lingerUntil !== undefined)
          return now >= lingerUntil ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        const status = reader.pollNext(output);
        if (status !== InputStatus.END_OF_INPUT) return status;
        lingerUntil = Math.floor((now + marginMs) / windowSize) * windowSize + windowSize + marginMs;
        return InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable(): Promise<void> {
        if (lingerUntil === undefined) return reader.isAvailable();
        const wait = lingerUntil - context.currentTimeMillis();
        return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
      },
    };
  }
}
