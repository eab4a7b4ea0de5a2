/**
 * The sink model after Flink's Sink V2: a Sink creates one SinkWriter per subtask. Two-phase
 * committing sinks (prepareCommit at the barrier, commit when the checkpoint completes) extend this
 * with the checkpoint issue.
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
}

export interface SinkWriter<T> {
  write(element: T, context: SinkWriterContext): void;
  /** Flushes buffered data; `endOfInput` is true once the bounded input ended. May be async. */
  flush(endOfInput: boolean): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface Sink<T> {
  createWriter(context: SinkInitContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}
