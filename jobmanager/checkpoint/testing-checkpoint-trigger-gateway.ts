/** A CheckpointTriggerGateway for tests: records every call; triggers can be made to fail. */
import type { ExecutionAttemptId } from '../../common/ids.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import type { CheckpointTriggerGateway } from './checkpoint-trigger-gateway.js';

export interface RecordedTrigger {
  readonly attemptId: ExecutionAttemptId;
  readonly checkpointId: CheckpointId;
  readonly timestamp: number;
  readonly options: CheckpointOptions;
}

export interface RecordedNotification {
  readonly attemptId: ExecutionAttemptId;
  readonly checkpointId: CheckpointId;
}

export class TestingCheckpointTriggerGateway implements CheckpointTriggerGateway {
  readonly triggered: RecordedTrigger[] = [];
  readonly completed: RecordedNotification[] = [];
  readonly aborted: RecordedNotification[] = [];
  /** When set, `triggerCheckpoint` rejects with it. */
  triggerFailure: Error | undefined;

  triggerCheckpoint(
    attemptId: ExecutionAttemptId,
    checkpointId: CheckpointId,
    timestamp: number,
    options: CheckpointOptions,
  ): Promise<void> {
    this.triggered.push({ attemptId, checkpointId, timestamp, options });
    return this.triggerFailure === undefined ? Promise.resolve() : Promise.reject(this.triggerFailure);
  }

  notifyCheckpointComplete(attemptId: ExecutionAttemptId, checkpointId: CheckpointId): Promise<void> {
    this.completed.push({ attemptId, checkpointId });
    return Promise.resolve();
  }

  notifyCheckpointAborted(attemptId: ExecutionAttemptId, checkpointId: CheckpointId): Promise<void> {
    this.aborted.push({ attemptId, checkpointId });
    return Promise.resolve();
  }

  /** IDs of the checkpoints triggered, once per checkpoint, in order. */
  triggeredCheckpointIds(): CheckpointId[] {
    return [...new Set(this.triggered.map((t) => t.checkpointId))];
  }
}
