/**
 * A checkpoint that was triggered and waits for its tasks (Flink's PendingCheckpoint). Pure
 * bookkeeping: which tasks still owe an acknowledgement, the state handles collected so far (as
 * operator states), and the statistics REST shows. Its lifecycle is a small state machine:
 *
 *   PENDING --all acked--> FINALIZING --metadata written--> COMPLETED
 *      \_________________________\______abort(reason)______> ABORTED
 *
 * An acknowledgement after the abort returns 'discarded' so the caller deletes its state.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type { CheckpointException } from './checkpoint-exception.js';
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointMetadata, CompletedCheckpoint, OperatorState } from './completed-checkpoint.js';
import type { CheckpointTask } from './task-set.js';
import {
  stateSizeOf,
  taskStateHandles,
  type OperatorSubtaskState,
  type TaskStateSnapshot,
} from '../../common/checkpoint/task-state-snapshot.js';

export const TaskAcknowledgeResult = {
  SUCCESS: 'success',
  /** The task acknowledged this checkpoint before. */
  DUPLICATE: 'duplicate',
  /** The task is not one this checkpoint waits for (e.g. an attempt from before a failover). */
  UNKNOWN: 'unknown',
  /** The checkpoint was aborted; the acknowledged state must be deleted. */
  DISCARDED: 'discarded',
} as const;
export type TaskAcknowledgeResult = (typeof TaskAcknowledgeResult)[keyof typeof TaskAcknowledgeResult];

export const PendingCheckpointStatus = {
  PENDING: 'PENDING',
  FINALIZING: 'FINALIZING',
  COMPLETED: 'COMPLETED',
  ABORTED: 'ABORTED',
} as const;
export type PendingCheckpointStatus = (typeof PendingCheckpointStatus)[keyof typeof PendingCheckpointStatus];

/** Per job vertex progress, for `/jobs/:jobid/checkpoints/details/:checkpointid`. */
export interface VertexCheckpointStats {
  readonly vertexId: string;
  readonly numSubtasks: number;
  readonly numAcknowledgedSubtasks: number;
  readonly stateSize: number;
  /** Undefined until the first subtask of the vertex acknowledged. */
  readonly latestAckTimestamp: number | undefined;
}

export interface PendingCheckpointInit {
  readonly jobId: JobId;
  readonly checkpointId: CheckpointId;
  readonly triggerTimestamp: number;
  readonly properties: CheckpointProperties;
  /** The storage location prepared for it. */
  readonly location: string;
  readonly tasksToAcknowledge: readonly CheckpointTask[];
}

interface MutableVertexStats {
  numSubtasks: number;
  numAcknowledgedSubtasks: number;
  stateSize: number;
  latestAckTimestamp: number | undefined;
}

interface MutableOperatorState {
  readonly operatorId: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtaskStates: Record<number, OperatorSubtaskState>;
  coordinatorState?: Uint8Array;
}

export class PendingCheckpoint {
  readonly jobId: JobId;
  readonly checkpointId: CheckpointId;
  readonly triggerTimestamp: number;
  readonly properties: CheckpointProperties;
  readonly location: string;
  /** Every task of the checkpoint: acknowledges, and is notified of completion or abortion. */
  readonly tasks: readonly CheckpointTask[];
  private readonly notYetAcknowledged = new Map<ExecutionAttemptId, CheckpointTask>();
  private readonly acknowledged = new Set<ExecutionAttemptId>();
  private readonly operatorStates = new Map<string, MutableOperatorState>();
  private readonly vertexStats = new Map<string, MutableVertexStats>();
  private currentStatus: PendingCheckpointStatus = PendingCheckpointStatus.PENDING;
  private abortCause: CheckpointException | undefined;
  private totalStateSize = 0;
  private latestAck: number | undefined;

  constructor(init: PendingCheckpointInit) {
    this.jobId = init.jobId;
    this.checkpointId = init.checkpointId;
    this.triggerTimestamp = init.triggerTimestamp;
    this.properties = init.properties;
    this.location = init.location;
    this.tasks = init.tasksToAcknowledge;
    for (const task of init.tasksToAcknowledge) {
      this.notYetAcknowledged.set(task.attemptId, task);
      const stats = this.vertexStats.get(task.vertexId);
      if (stats === undefined) {
        this.vertexStats.set(task.vertexId, {
          numSubtasks: 1,
          numAcknowledgedSubtasks: 0,
          stateSize: 0,
          latestAckTimestamp: undefined,
        });
      } else {
        stats.numSubtasks++;
      }
      for (const operatorId of task.operatorIds) this.operatorState(task, operatorId);
    }
  }

  get status(): PendingCheckpointStatus {
    return this.currentStatus;
  }

  get isSavepoint(): boolean {
    return CheckpointProperties.isSavepoint(this.properties);
  }

  /** Whether it is over (completed or aborted). */
  get isDisposed(): boolean {
    return this.currentStatus === 'COMPLETED' || this.currentStatus === 'ABORTED';
  }

  /** Set once aborted. */
  get failureCause(): CheckpointException | undefined {
    return this.abortCause;
  }

  get numberOfTasks(): number {
    return this.tasks.length;
  }

  get numberOfAcknowledgedTasks(): number {
    return this.acknowledged.size;
  }

  get numberOfNonAcknowledgedTasks(): number {
    return this.notYetAcknowledged.size;
  }

  /** Bytes of state acknowledged so far. */
  get stateSize(): number {
    return this.totalStateSize;
  }

  get latestAckTimestamp(): number | undefined {
    return this.latestAck;
  }

  /** Older pending checkpoints are aborted when a newer one completes; savepoints are not. */
  get canBeSubsumed(): boolean {
    return !this.isSavepoint;
  }

  isAcknowledgedBy(attemptId: ExecutionAttemptId): boolean {
    return this.acknowledged.has(attemptId);
  }

  isFullyAcknowledged(): boolean {
    return this.notYetAcknowledged.size === 0 && this.currentStatus !== 'ABORTED';
  }

  /** Records a task's acknowledgement and state; `state` is undefined for a stateless task. */
  acknowledgeTask(
    attemptId: ExecutionAttemptId,
    state: TaskStateSnapshot | undefined,
    ackTimestamp: number,
  ): TaskAcknowledgeResult {
    if (this.currentStatus === 'ABORTED') return TaskAcknowledgeResult.DISCARDED;
    const task = this.notYetAcknowledged.get(attemptId);
    if (task === undefined) {
      return this.acknowledged.has(attemptId)
        ? TaskAcknowledgeResult.DUPLICATE
        : TaskAcknowledgeResult.UNKNOWN;
    }
    this.notYetAcknowledged.delete(attemptId);
    this.acknowledged.add(attemptId);
    for (const [operatorId, subtaskState] of Object.entries(state?.subtaskStateByOperatorId ?? {})) {
      this.operatorState(task, operatorId).subtaskStates[task.subtaskIndex] = subtaskState;
    }
    const size = stateSizeOf(taskStateHandles(state));
    this.totalStateSize += size;
    this.latestAck = ackTimestamp;
    const stats = this.vertexStats.get(task.vertexId)!;
    stats.numAcknowledgedSubtasks++;
    stats.stateSize += size;
    stats.latestAckTimestamp = ackTimestamp;
    return TaskAcknowledgeResult.SUCCESS;
  }

  /** The state of an operator's coordinator (taken before the barriers); ignored once aborted. */
  acknowledgeCoordinatorState(operatorId: string, state: Uint8Array): void {
    if (this.currentStatus !== 'PENDING') return;
    const operator = this.operatorStates.get(operatorId);
    if (operator !== undefined) operator.coordinatorState = state;
  }

  vertexCheckpointStats(): VertexCheckpointStats[] {
    return [...this.vertexStats].map(([vertexId, stats]) => ({ vertexId, ...stats }));
  }

  /**
   * PENDING → FINALIZING once every task acknowledged: returns what `_metadata` must hold. Throws
   * (a bug in the caller) in any other state.
   */
  startFinalizing(): CheckpointMetadata {
    if (this.currentStatus !== 'PENDING' || !this.isFullyAcknowledged()) {
      throw new FreshetError(
        'ILLEGAL_CHECKPOINT_STATE',
        `checkpoint ${this.checkpointId} cannot be finalized: it is ${this.currentStatus} with ` +
          `${this.notYetAcknowledged.size} task(s) not acknowledged`,
      );
    }
    this.currentStatus = PendingCheckpointStatus.FINALIZING;
    const operatorStates: OperatorState[] = [...this.operatorStates.values()].map((state) => ({
      ...state,
      subtaskStates: { ...state.subtaskStates },
    }));
    return {
      checkpointId: this.checkpointId,
      timestamp: this.triggerTimestamp,
      isSavepoint: this.isSavepoint,
      operatorStates,
    };
  }

  /** FINALIZING → COMPLETED once the metadata is written. */
  complete(
    metadata: CheckpointMetadata,
    externalPointer: string,
    completionTimestamp: number,
  ): CompletedCheckpoint {
    if (this.currentStatus !== 'FINALIZING') {
      throw new FreshetError(
        'ILLEGAL_CHECKPOINT_STATE',
        `checkpoint ${this.checkpointId} cannot complete: it is ${this.currentStatus}`,
      );
    }
    this.currentStatus = PendingCheckpointStatus.COMPLETED;
    return {
      jobId: this.jobId,
      checkpointId: this.checkpointId,
      timestamp: this.triggerTimestamp,
      completionTimestamp,
      properties: this.properties,
      metadata,
      location: this.location,
      externalPointer,
      stateSize: this.totalStateSize,
    };
  }

  /**
   * PENDING or FINALIZING → ABORTED. Returns the status it was aborted from, or undefined when it
   * was already completed or aborted (nothing happens then).
   */
  abort(cause: CheckpointException): PendingCheckpointStatus | undefined {
    if (this.isDisposed) return undefined;
    const from = this.currentStatus;
    this.currentStatus = PendingCheckpointStatus.ABORTED;
    this.abortCause = cause;
    return from;
  }

  private operatorState(task: CheckpointTask, operatorId: string): MutableOperatorState {
    let state = this.operatorStates.get(operatorId);
    if (state === undefined) {
      state = {
        operatorId,
        parallelism: task.parallelism,
        maxParallelism: task.maxParallelism,
        subtaskStates: {},
      };
      this.operatorStates.set(operatorId, state);
    }
    return state;
  }
}
