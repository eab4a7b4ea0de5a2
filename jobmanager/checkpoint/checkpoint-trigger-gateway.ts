/**
 * The calls the CheckpointCoordinator makes to tasks (the checkpoint part of Flink's
 * TaskExecutorGateway, addressed by execution attempt). The JobMaster routes them to the
 * TaskManager that runs each attempt; tests record them.
 */
import type { ExecutionAttemptId } from '../../common/ids.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointOptions } from './checkpoint-options.js';

export interface CheckpointTriggerGateway {
  /** Tells a source task to snapshot and emit barrier `checkpointId`. */
  triggerCheckpoint(
    attemptId: ExecutionAttemptId,
    checkpointId: CheckpointId,
    timestamp: number,
    options: CheckpointOptions,
  ): Promise<void>;
  /** The checkpoint completed: sinks commit what they prepared for it (two-phase commit). */
  notifyCheckpointComplete(
    attemptId: ExecutionAttemptId,
    checkpointId: CheckpointId,
    timestamp: number,
  ): Promise<void>;
  /** The checkpoint was aborted: tasks drop what they hold for it. */
  notifyCheckpointAborted(
    attemptId: ExecutionAttemptId,
    checkpointId: CheckpointId,
    timestamp: number,
    latestCompletedCheckpointId: CheckpointId | undefined,
  ): Promise<void>;
}
