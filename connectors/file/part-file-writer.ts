/**
 * The file-system side of a FileSink (after Flink's BucketWriter / InProgressFileWriter): opens
 * in-progress part files, closes them into committables and commits those. The FileSink writer
 * keeps naming, rolling and buffering; implementations only move bytes (local files, S3).
 */
import type { InProgressPart } from './bucket.js';
import type { FileSinkCommittable } from './file-sink-committable.js';

/** A part file being written; nothing of it is visible until its committable is committed. */
export interface InProgressPartFile {
  /** Appends bytes (synchronous: local files write through, S3 buffers in memory). */
  write(data: Uint8Array): void;
  /** An asynchronous point between records (flush): S3 starts its upload and uploads full parts. */
  persist(): void | Promise<void>;
  /** Ends writing to the part; what is written so far becomes its content. */
  closeForCommit(): PendingPartFile;
  /** Abandons the part (the writer is cancelled): frees resources, leaves the data invisible. */
  dispose(): void;
}

/** A closed part file on its way to a committable. */
export interface PendingPartFile {
  /** The committable when the data is already durable (local files, right after closing). */
  readonly committable: FileSinkCommittable | undefined;
  /** Makes the data durable where that needs I/O (S3: the last part) and returns the committable. */
  finish(): Promise<FileSinkCommittable>;
}

/** Where a FileSink's part files live. */
export interface PartFileWriter {
  /** Starts `part` (synchronous; S3 defers its requests to the part's first `persist`/`finish`). */
  openPart(part: InProgressPart): InProgressPartFile;
  /**
   * Makes the committables visible. Idempotent: a committable committed before (then restored
   * from a checkpoint) succeeds again; one whose data is gone fails with FILE_SINK_COMMIT_FAILED.
   */
  commit(committables: readonly FileSinkCommittable[]): Promise<void>;
  /** A synchronous `commit`, where the file system allows one (a local rename); absent for S3. */
  readonly commitSync?: (committables: readonly FileSinkCommittable[]) => void;
  /** Releases clients and handles. */
  close(): void;
}
