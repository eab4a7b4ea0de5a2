/**
 * The checkpoint storage as the coordinator sees it (Flink's CheckpointStorageCoordinatorView):
 * where a checkpoint goes, writing its `_metadata`, and deleting what is no longer needed. The file
 * and S3 implementations live with the storage; tests use TestingCheckpointStorage.
 */
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointMetadata } from './completed-checkpoint.js';
import type { StateHandle } from '../../common/checkpoint/task-state-snapshot.js';

export interface CheckpointStorageCoordinatorView {
  /**
   * Prepares the directory of a checkpoint (`<checkpoints.dir>/<jobId>/chk-<n>`) or savepoint
   * (`<target or savepoints.dir>/savepoint-<jobId 6>-<12 hex>`) and returns its URI. Rejects when
   * the storage is unreachable or, for a savepoint, no directory is configured or given.
   */
  initializeLocation(checkpointId: CheckpointId, properties: CheckpointProperties): Promise<string>;
  /** Writes `_metadata` into the location; resolves to the external pointer of the checkpoint. */
  finalizeCheckpoint(location: string, metadata: CheckpointMetadata): Promise<string>;
  /** Deletes a checkpoint's directory and everything in it (a subsumed or aborted checkpoint). */
  discard(location: string): Promise<void>;
  /** Deletes state files reported for a checkpoint that will not use them (late or unknown acks). */
  discardState(handles: readonly StateHandle[]): Promise<void>;
}
