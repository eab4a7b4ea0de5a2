/**
 * The source model after Flink's FLIP-27: a Source describes splits and creates readers; a reader
 * in each subtask reads the splits assigned to it. Splits are plain data (they travel to tasks and
 * into checkpoints). Until the split enumerator runs on the JobManager, splits are assigned
 * statically: split i of `createSplits(p)` goes to subtask `i % p`.
 */
export const Boundedness = {
  BOUNDED: 'BOUNDED',
  CONTINUOUS_UNBOUNDED: 'CONTINUOUS_UNBOUNDED',
} as const;
export type Boundedness = (typeof Boundedness)[keyof typeof Boundedness];

/** What `pollNext` says about the reader after the call (Flink's InputStatus). */
export const InputStatus = {
  /** More records can be polled right away. */
  MORE_AVAILABLE: 'MORE_AVAILABLE',
  /** Nothing now; wait on `isAvailable()`. */
  NOTHING_AVAILABLE: 'NOTHING_AVAILABLE',
  /** All assigned splits are finished and no more will come. */
  END_OF_INPUT: 'END_OF_INPUT',
} as const;
export type InputStatus = (typeof InputStatus)[keyof typeof InputStatus];

export interface ReaderOutput<T> {
  /** Emits a record, with its event timestamp when the source knows one. */
  collect(record: T, timestamp?: number): void;
}

export interface SourceReaderContext {
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** The reader's own clock in ms (injected so tests need no sleeps). */
  currentTimeMillis(): number;
}

export interface SourceReader<T, SplitT> {
  start?(): void | Promise<void>;
  addSplits(splits: SplitT[]): void;
  /** No further splits will be assigned; once the current ones finish, return END_OF_INPUT. */
  notifyNoMoreSplits(): void;
  /**
   * Emits a batch of records (a few hundred to a few thousand is right: the task loop calls this
   * between mailbox actions) and says whether more are ready. Must not block.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when `pollNext` may have something again (after NOTHING_AVAILABLE). */
  isAvailable(): Promise<void>;
  /** The unfinished splits with their current positions, for a checkpoint. */
  snapshotState(checkpointId: number): SplitT[];
  close?(): void | Promise<void>;
}

export interface Source<T, SplitT = unknown> {
  getBoundedness(): Boundedness;
  /** The splits of this source for a run at the given parallelism; deterministic. */
  createSplits(parallelism: number): SplitT[];
  createReader(context: SourceReaderContext): SourceReader<T, SplitT>;
}
