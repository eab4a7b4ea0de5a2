/**
 * A checkpoint or savepoint whose every task acknowledged and whose `_metadata` is written (Flink's
 * CompletedCheckpoint), plus the metadata itself (Flink's CheckpointMetadata): per operator, the
 * state of each subtask and the parallelism it was taken at, so a restore can redistribute key
 * groups at another parallelism. Plain data.
 */
import type { JobId } from '../../common/ids.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointProperties } from './checkpoint-properties.js';
import type { OperatorSubtaskState } from '../../common/checkpoint/task-state-snapshot.js';

/** The state of one operator across its subtasks (Flink's OperatorState). */
export interface OperatorState {
  readonly operatorId: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** By subtask index; a subtask without state for the operator is absent. */
  readonly subtaskStates: Readonly<Record<number, OperatorSubtaskState>>;
  /** The state of the operator's coordinator (a source's split enumerator), if it has one. */
  readonly coordinatorState?: Uint8Array;
}

/** What `_metadata` holds. */
export interface CheckpointMetadata {
  readonly checkpointId: CheckpointId;
  /** When the checkpoint was triggered. */
  readonly timestamp: number;
  readonly isSavepoint: boolean;
  readonly operatorStates: readonly OperatorState[];
}

export interface CompletedCheckpoint {
  readonly jobId: JobId;
  readonly checkpointId: CheckpointId;
  /** When it was triggered. */
  readonly timestamp: number;
  /** When its metadata was written. */
  readonly completionTimestamp: number;
  readonly properties: CheckpointProperties;
  readonly metadata: CheckpointMetadata;
  /** The checkpoint's directory, as the storage initialized it (what `discard` removes). */
  readonly location: string;
  /** What users pass to `freshet run -s` (the directory holding `_metadata`). */
  readonly externalPointer: string;
  /** Total bytes of all state handles. */
  readonly stateSize: number;
}
