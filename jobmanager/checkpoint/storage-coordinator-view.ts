/**
 * The coordinator's view over the real CheckpointStorage (file:// or s3://): prepares locations,
 * writes `_metadata` (converting the coordinator's per-operator states into the stored model) and
 * deletes what is no longer needed.
 */
import type {
  CheckpointMetadata as StoredMetadata,
  OperatorState as StoredOperatorState,
} from '../../common/checkpoint/checkpoint-metadata.js';
import { stateFileHandlesOf } from '../../common/checkpoint/checkpoint-metadata.js';
import { writeCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import type { JobId, OperatorId } from '../../common/ids.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointStorageCoordinatorView } from './checkpoint-storage-coordinator-view.js';
import type { CheckpointMetadata, CompletedCheckpoint, OperatorState } from './completed-checkpoint.js';
import type { OperatorSubtaskState, StateHandle } from '../../common/checkpoint/task-state-snapshot.js';
import { CheckpointId } from './checkpoint-id.js';

/** The stored form of the coordinator's metadata. */
export function toStoredMetadata(
  jobId: JobId,
  metadata: CheckpointMetadata,
  /** The uid each operator ID came from, stored for error messages of later restores. */
  uids: ReadonlyMap<string, string> = new Map(),
): StoredMetadata {
  const operators: StoredOperatorState[] = metadata.operatorStates.map((state) => ({
    operatorId: state.operatorId as OperatorId,
    ...(uids.has(state.operatorId) ? { uid: uids.get(state.operatorId)! } : {}),
    parallelism: state.parallelism,
    maxParallelism: state.maxParallelism,
    subtaskStates: Object.entries(state.subtaskStates)
      .map(([subtask, subtaskState]) => ({ ...subtaskState, subtask: Number(subtask) }))
      .sort((a, b) => a.subtask - b.subtask),
    ...(state.coordinatorState === undefined ? {} : { coordinatorState: state.coordinatorState }),
  }));
  return {
    checkpointId: metadata.checkpointId,
    jobId,
    timestamp: metadata.timestamp,
    isSavepoint: metadata.isSavepoint,
    operators,
  };
}

/**
 * A checkpoint read back from storage (HA recovery, `run -s`) as the coordinator keeps completed
 * checkpoints: `location` is its directory, `externalPointer` what it was loaded from.
 */
export function completedCheckpointFromStored(
  stored: StoredMetadata,
  location: string,
  externalPointer: string,
): CompletedCheckpoint {
  const operatorStates: OperatorState[] = stored.operators.map((operator) => {
    const subtaskStates: Record<number, OperatorSubtaskState> = {};
    for (const { subtask, ...state } of operator.subtaskStates) subtaskStates[subtask] = state;
    return {
      operatorId: operator.operatorId,
      parallelism: operator.parallelism,
      maxParallelism: operator.maxParallelism,
      subtaskStates,
      ...(operator.coordinatorState === undefined ? {} : { coordinatorState: operator.coordinatorState }),
    };
  });
  const checkpointId = CheckpointId.of(stored.checkpointId);
  const metadata: CheckpointMetadata = {
    checkpointId,
    timestamp: stored.timestamp,
    isSavepoint: stored.isSavepoint,
    operatorStates,
  };
  const stateSize = stateFileHandlesOf(stored).reduce((sum, handle) => sum + handle.size, 0);
  return {
    jobId: stored.jobId,
    checkpointId,
    timestamp: stored.timestamp,
    completionTimestamp: stored.timestamp,
    properties: stored.isSavepoint ? CheckpointProperties.savepoint() : CheckpointProperties.checkpoint(),
    metadata,
    location,
    externalPointer,
    stateSize,
  };
}

export class StorageCoordinatorView implements CheckpointStorageCoordinatorView {
  constructor(
    private readonly storage: CheckpointStorage,
    private readonly jobId: JobId,
    private readonly uids: ReadonlyMap<string, string> = new Map(),
  ) {}

  async initializeLocation(checkpointId: CheckpointId, properties: CheckpointProperties): Promise<string> {
    const location = CheckpointProperties.isSavepoint(properties)
      ? await this.storage.initializeSavepointLocation(properties.targetDirectory, this.jobId)
      : await this.storage.initializeLocation(this.jobId, checkpointId);
    return location.directory;
  }

  finalizeCheckpoint(location: string, metadata: CheckpointMetadata): Promise<string> {
    return writeCheckpointMetadata(
      this.storage,
      this.storage.resolveLocation(location),
      toStoredMetadata(this.jobId, metadata, this.uids),
    );
  }

  discard(location: string): Promise<void> {
    return this.storage.discardLocation(this.storage.resolveLocation(location));
  }

  async discardState(handles: readonly StateHandle[]): Promise<void> {
    await Promise.all(handles.map((handle) => this.storage.discardStateFile(handle)));
  }
}
