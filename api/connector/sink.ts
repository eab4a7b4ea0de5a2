/**
 * The sink model after Flink's Sink V2: a Sink creates one SinkWriter per subtask. A
 * TwoPhaseCommittingSink's writer prepares committables at each checkpoint barrier
 * (`prepareCommit`); its Committer commits them once the checkpoint completed, so output becomes
 * visible exactly once. Committables and writer state are plain data (they go into checkpoints).
 */
export interface SinkWriterContext {
  /** The record's event timestamp, if it has one. */
  readonly timestamp: number | undefined;
  /** The current watermark of the writer's task. */
  currentWatermark(): number;
}

export interface SinkInitContext {
  readonly jobId: string;
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** The operator's uid if set, else its operator ID; part-file names use it. */
  readonly operatorUidOrId: string;
  /** Writes a line to the process's standard output (stdout belongs to the CLI and print sinks). */
  writeStdout(text: string): void;
  /** Sends data to the client that submitted the job (collect sinks); batched by the caller. */
  sendToClient(payload: unknown): void;
  currentTimeMillis(): number;
  /**
   * The effective configuration of the task: the TaskManager's, overlaid by the job's keys
   * (e.g. `s3.endpoint`, `s3.path.style.access`, credentials for `s3://` paths).
   */
  readonly configuration: Readonly<Record<string, string>>;
  /** Whether the job takes checkpoints: a two-phase sink then commits only on their completion. */
  readonly checkpointingEnabled: boolean;
}

export interface SinkWriter<T> {
  write(element: T, context: SinkWriterContext): void;
  /**
   * Flushes buffered data; `endOfInput` is true once the bounded input ended. May be async. A
   * writer that is not precommitting is flushed with `false` at every checkpoint barrier, and the
   * checkpoint is acknowledged once that flush has finished (at-least-once).
   */
  flush(endOfInput: boolean): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface Sink<T> {
  createWriter(context: SinkInitContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}

/**
 * A writer that prepares committables at each checkpoint (Flink's PrecommittingSinkWriter plus
 * StatefulSinkWriter). `prepareCommit` runs synchronously at the barrier and must itself cut (and
 * flush) what the checkpoint covers; what it returns is stored in the checkpoint and committed after
 * the checkpoint completes. At the end of a bounded input `flush(true)` is followed by a last
 * `prepareCommit`.
 */
export interface PrecommittingSinkWriter<T, CommT, WriterStateT = never> extends SinkWriter<T> {
  /** Closes what the checkpoint covers and returns it as committables (plain data). */
  prepareCommit(checkpointId: number): CommT[] | Promise<CommT[]>;
  /** The writer's own state for the checkpoint (plain data), e.g. part-file counters. */
  snapshotState?(checkpointId: number): WriterStateT[];
}

/** Commits what writers prepared (Flink's Committer). */
export interface Committer<CommT> {
  /**
   * Makes the committables visible. Must be idempotent: after a restore the same committables are
   * committed again, some of them already committed.
   */
  commit(committables: CommT[]): Promise<void>;
  close?(): void | Promise<void>;
}

/** A sink with exactly-once output through two-phase commit (Flink's TwoPhaseCommittingSink). */
export interface TwoPhaseCommittingSink<T, CommT, WriterStateT = never> extends Sink<T> {
  /** `recoveredState`: the writer states of the checkpoint the job restores from (empty on a fresh start). */
  createWriter(
    context: SinkInitContext,
    recoveredState?: WriterStateT[],
  ):
    | PrecommittingSinkWriter<T, CommT, WriterStateT>
    | Promise<PrecommittingSinkWriter<T, CommT, WriterStateT>>;
  createCommitter(context: SinkInitContext): Committer<CommT> | Promise<Committer<CommT>>;
}

export function isTwoPhaseCommittingSink(
  sink: Sink<unknown>,
): sink is TwoPhaseCommittingSink<unknown, unknown, unknown> {
  return typeof (sink as Partial<TwoPhaseCommittingSink<unknown, unknown>>).createCommitter === 'function';
}
