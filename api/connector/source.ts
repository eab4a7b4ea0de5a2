/**
 * The source model after Flink's FLIP-27: a Source describes how its data is split and creates
 * readers; a reader in each subtask reads the splits assigned to it. Splits are plain data (they
 * travel to tasks and into checkpoints). A source assigns its splits in one of two ways:
 *
 * - statically, with `createSplits(p)`: split i goes to subtask `i % p` when the job starts;
 * - dynamically, with `createEnumerator`: a SplitEnumerator runs on the JobManager (one per source
 *   operator), discovers splits over time and assigns them to the readers that register and ask
 *   for them; its state is part of every checkpoint, taken before the sources' barriers.
 */
import type { Watermark } from '../watermark/watermark.js';

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

/**
 * Where a reader emits (Flink's SourceOutput). Records get their event timestamp from the
 * source's WatermarkStrategy (its assigner sees `timestamp` as the record's own) and drive the
 * strategy's watermark generator.
 */
export interface SourceOutput<T> {
  /** Emits a record, with its event timestamp when the source knows one. */
  collect(record: T, timestamp?: number): void;
  /**
   * A watermark the source knows itself (e.g. from the system it reads), on top of the generator's;
   * ignored unless it advances this output's watermark. The runtime's outputs always have it.
   */
  emitWatermark?(watermark: Watermark): void;
  /** This output has no data for now: it stops holding the source's watermark back. */
  markIdle(): void;
  /** This output takes part again (an advancing watermark does so as well; with `withIdleness` a record too). */
  markActive(): void;
}

/**
 * The output `pollNext` gets (Flink's ReaderOutput). Readers of several splits whose event times
 * differ (Kafka partitions) emit each split's records through its own output from
 * `createOutputForSplit`: each runs its own watermark generator (idleness included), and the
 * source's watermark is the minimum over the active split outputs, so one idle or slow split
 * neither stalls nor overtakes the others. Records collected here directly take part as well.
 */
export interface ReaderOutput<T> extends SourceOutput<T> {
  /** The output of split `splitId` (the same one again when called twice). */
  createOutputForSplit(splitId: string): SourceOutput<T>;
  /** The split is finished or gone: its output no longer holds the watermark back. */
  releaseOutputForSplit(splitId: string): void;
}

export interface SourceReaderContext {
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** The reader's own clock in ms (injected so tests need no sleeps). */
  currentTimeMillis(): number;
  /**
   * Asks the source's enumerator for a split (its `handleSplitRequest` runs on the JobManager).
   * Without an enumerator (static splits) this does nothing.
   */
  sendSplitRequest(): void;
  /**
   * Sends an event to the source's enumerator (`handleSourceEvent`); in order with the split
   * requests. Throws for a source without an enumerator.
   */
  sendSourceEventToCoordinator(event: unknown): void;
}

export interface SourceReader<T, SplitT> {
  start?(): void | Promise<void>;
  addSplits(splits: SplitT[]): void;
  /**
   * No further splits will be assigned; once the current ones finish, return END_OF_INPUT. With
   * static splits it comes right after the first `addSplits`; with an enumerator when the
   * enumerator signals it.
   */
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
  /** An event the enumerator sent with `sendEventToSourceReader`. */
  handleSourceEvents?(event: unknown): void;
  /** The checkpoint completed (e.g. commit offsets to the system read, for monitoring). */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** A registered reader as the enumerator sees it (Flink's ReaderInfo). */
export interface ReaderInfo {
  readonly subtaskId: number;
  /** The TaskManager (and slot) the reader runs in. */
  readonly location?: string;
}

/**
 * What a split enumerator works with (Flink's SplitEnumeratorContext). Every method is meant to
 * be called from the enumerator's own serial loop: its methods and the `callAsync` handlers.
 */
export interface SplitEnumeratorContext<SplitT> {
  /** The source's parallelism in this run (it may differ from the checkpoint's after a rescale). */
  currentParallelism(): number;
  /** The readers registered now, by subtask; a failed reader is gone until it registers again. */
  registeredReaders(): ReadonlyMap<number, ReaderInfo>;
  /** Assigns splits to readers; throws when a subtask in it has no registered reader. */
  assignSplits(assignment: ReadonlyMap<number, readonly SplitT[]>): void;
  assignSplit(split: SplitT, subtaskId: number): void;
  /** The reader of `subtaskId` gets no more splits (it ends once its splits are finished). */
  signalNoMoreSplits(subtaskId: number): void;
  sendEventToSourceReader(subtaskId: number, event: unknown): void;
  /**
   * Runs `callable` (may be async, e.g. a metadata fetch) and then `handler(result, error)` on the
   * enumerator's own serial loop; periodically when periodMs > 0 (the next run starts `periodMs`
   * after the handler of the previous one). Errors in handler fail the job (global failover).
   */
  callAsync<T>(
    callable: () => T | Promise<T>,
    handler: (result: T | undefined, error: unknown) => void,
    initialDelayMs?: number,
    periodMs?: number,
  ): void;
  /** The job's effective configuration (cluster config overlaid by the job's). */
  readonly configuration: Readonly<Record<string, string>>;
}

/**
 * Discovers a source's splits and assigns them to its readers (Flink's SplitEnumerator); runs on
 * the JobManager, one per source operator. Any method may throw: that fails the job over (all
 * tasks restart, the enumerator is restored from the last completed checkpoint).
 */
export interface SplitEnumerator<SplitT, CheckpointT> {
  start(): void | Promise<void>;
  /** A reader asked for a split (`sendSplitRequest`). */
  handleSplitRequest(subtaskId: number, requesterHostname?: string): void;
  /** Splits assigned to a failed reader since the last successful checkpoint come back here. */
  addSplitsBack(splits: SplitT[], subtaskId: number): void;
  /** A reader registered (its task started, after a restore too). */
  addReader(subtaskId: number): void;
  /**
   * The enumerator's state for checkpoint `checkpointId` (plain data: it is stored with msgpack),
   * taken before the checkpoint's barriers leave the sources.
   */
  snapshotState(checkpointId: number): CheckpointT | Promise<CheckpointT>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /** An event a reader sent with `sendSourceEventToCoordinator`. */
  handleSourceEvent?(subtaskId: number, event: unknown): void;
  close(): void | Promise<void>;
}

export interface Source<T, SplitT = unknown, EnumChkT = unknown> {
  getBoundedness(): Boundedness;
  /** Static splits: the splits of this source for a run at the given parallelism; deterministic. */
  createSplits?(parallelism: number): SplitT[];
  /** Dynamic splits: the enumerator of a fresh start (no checkpoint state). */
  createEnumerator?(context: SplitEnumeratorContext<SplitT>): SplitEnumerator<SplitT, EnumChkT>;
  /** The enumerator of a restore, from the state its predecessor's `snapshotState` returned. */
  restoreEnumerator?(
    context: SplitEnumeratorContext<SplitT>,
    checkpoint: EnumChkT,
  ): SplitEnumerator<SplitT, EnumChkT>;
  createReader(context: SourceReaderContext): SourceReader<T, SplitT>;
}
