/**
 * Sends the coordinator's messages to the tasks of a checkpoint through the gateway, in the
 * background: triggers to the sources (a failed trigger is reported back, the checkpoint cannot
 * complete), and completion or abortion notices to every task (a failed notice is only logged:
 * a task that missed it learns from the next checkpoint or is restarted anyway).
 */
import type { BackgroundTasks } from './background-tasks.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import type { CheckpointTriggerGateway } from './checkpoint-trigger-gateway.js';
import type { PendingCheckpoint } from './pending-checkpoint.js';
import type { CheckpointTask } from './task-set.js';

export class CheckpointMessenger {
  constructor(
    private readonly gateway: CheckpointTriggerGateway,
    private readonly background: BackgroundTasks,
  ) {}

  /** Triggers the checkpoint at every source; `onFailure` is called for each trigger that failed. */
  triggerSources(
    tasks: readonly CheckpointTask[],
    checkpointId: CheckpointId,
    timestamp: number,
    options: CheckpointOptions,
    onFailure: (task: CheckpointTask, error: Error) => void,
  ): void {
    for (const task of tasks) {
      if (!task.isSource) continue;
      this.background.run(
        `triggering checkpoint ${checkpointId} at ${describe(task)}`,
        () => this.gateway.triggerCheckpoint(task.attemptId, checkpointId, timestamp, options),
        (error) => onFailure(task, error),
      );
    }
  }

  /** Tells every task of the (completed) checkpoint that it completed. */
  notifyComplete(checkpoint: PendingCheckpoint): void {
    const { checkpointId, triggerTimestamp } = checkpoint;
    for (const task of checkpoint.tasks) {
      this.background.run(`notifying ${describe(task)} that checkpoint ${checkpointId} completed`, () =>
        this.gateway.notifyCheckpointComplete(task.attemptId, checkpointId, triggerTimestamp),
      );
    }
  }

  /** Tells every task of the (aborted) checkpoint that it was aborted. */
  notifyAborted(checkpoint: PendingCheckpoint, latestCompletedCheckpointId: CheckpointId | undefined): void {
    const { checkpointId, triggerTimestamp } = checkpoint;
    for (const task of checkpoint.tasks) {
      this.background.run(`notifying ${describe(task)} that checkpoint ${checkpointId} was aborted`, () =>
        this.gateway.notifyCheckpointAborted(
          task.attemptId,
          checkpointId,
          triggerTimestamp,
          latestCompletedCheckpointId,
        ),
      );
    }
  }
}

export function describe(task: CheckpointTask): string {
  return `vertex ${task.vertexId} subtask ${task.subtaskIndex} (attempt ${task.attemptId})`;
}
