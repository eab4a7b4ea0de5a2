/**
 * The one place all checkpoint and savepoint I/O goes through (Flink's CheckpointStorageAccess plus
 * the state backends' checkpoint stream factories, simplified). Implementations:
 * FileSystemCheckpointStorage (`file://` or an absolute path), S3CheckpointStorage (`s3://`), and
 * CheckpointStorageRouter, which picks one of them by the scheme of each path it is given.
 *
 * Layout, as Flink's: `<checkpoints dir>/<jobId>/chk-<n>/` holds the state files and, last,
 * `_metadata`; savepoints go to `<target dir>/savepoint-<first 6 of jobId>-<12 hex>/`. A directory
 * without `_metadata` is not a completed checkpoint. Every path here is a canonical URI
 * (`file:///abs/dir`, `s3://bucket/key`; see checkpoint-path.ts).
 */
import type { JobId } from '../ids.js';

/** The name of the file that completes a checkpoint directory. */
export const METADATA_FILE_NAME = '_metadata';

/** A checkpoint's or savepoint's directory (Flink's CheckpointStorageLocation). */
export interface CheckpointStorageLocation {
  /** URI of the directory, without trailing `/`: `file:///ckpt/<job>/chk-3`, `s3://bucket/p/<job>/chk-3`. */
  readonly directory: string;
  /** URI of its `_metadata`. */
  readonly metadataPath: string;
}

/** One written state file (or object) and its size in bytes (Flink's StreamStateHandle). */
export interface StateFileHandle {
  /**
   * URI of the file. `_metadata` stores it relative to the checkpoint directory when it lies inside
   * it, so a savepoint directory can be moved or copied and still be read.
   */
  readonly path: string;
  readonly size: number;
}

/** A `chk-<n>` directory found under a job's checkpoint directory. */
export interface CheckpointDirectoryEntry {
  readonly checkpointId: number;
  readonly location: CheckpointStorageLocation;
  /**
   * Whether `_metadata` exists. A directory without it belongs to a checkpoint that failed or was
   * cut short (e.g. the JobManager crashed); it must not be restored from, only deleted.
   */
  readonly complete: boolean;
}

export interface CheckpointStorage {
  /** Creates (where the storage has directories) `<checkpoints dir>/<jobId>/chk-<checkpointId>/`. */
  initializeLocation(jobId: JobId, checkpointId: number): Promise<CheckpointStorageLocation>;

  /**
   * Creates a fresh `<targetDirectory>/savepoint-<first 6 of jobId>-<12 random hex>/`. Without a
   * target the configured default savepoint directory is used; with neither, an
   * IllegalConfigurationError says to pass one or set `state.savepoints.dir`.
   */
  initializeSavepointLocation(
    targetDirectory: string | undefined,
    jobId: JobId,
  ): Promise<CheckpointStorageLocation>;

  /** The location a pointer names: the checkpoint directory itself or its `_metadata` path. No I/O. */
  resolveLocation(pointer: string): CheckpointStorageLocation;

  /**
   * Writes `<location>/<name>` (a fresh name: letters, digits, '.', '_', '-'; not `_metadata`) and
   * makes it durable. Large files go to S3 as a multipart upload.
   */
  writeStateFile(
    location: CheckpointStorageLocation,
    name: string,
    bytes: Uint8Array,
  ): Promise<StateFileHandle>;

  readStateFile(handle: StateFileHandle): Promise<Uint8Array>;

  /** Reads `length` bytes at `offset` (a positional read; a ranged GET on S3). */
  readStateFileRange(handle: StateFileHandle, offset: number, length: number): Promise<Uint8Array>;

  /** Deletes one state file; a file that is already gone is not an error. */
  discardStateFile(handle: StateFileHandle): Promise<void>;

  /**
   * Writes `_metadata` atomically and LAST, after every state file of the location is durable;
   * resolves to the external pointer of the checkpoint (its directory URI), which `freshet run -s`
   * and `readMetadata` accept. Fails when the location already has `_metadata`.
   */
  writeMetadata(location: CheckpointStorageLocation, metadata: Uint8Array): Promise<string>;

  /**
   * Reads `_metadata` of the checkpoint or savepoint a pointer names. A missing file is a
   * CheckpointMetadataNotFoundError naming the path.
   */
  readMetadata(pointer: string): Promise<Uint8Array>;

  /** Deletes the location's directory and everything in it (every key under the prefix on S3). */
  discardLocation(location: CheckpointStorageLocation): Promise<void>;

  /** The `chk-<n>` directories of a job, by ascending checkpoint ID, complete or not. */
  listCheckpoints(jobId: JobId): Promise<CheckpointDirectoryEntry[]>;

  /** Releases clients and connections; the storage is not used afterwards. */
  close(): Promise<void>;
}
