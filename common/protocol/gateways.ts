/**
 * The control-plane interfaces between JobManager and TaskManagers (Flink's gateways). In local
 * mode they are direct calls; across processes the same calls travel over the RPC protocol.
 */
import type { SerializedError } from '../errors/serialized-error.js';
import type { ExecutionAttemptId, JobId } from '../ids.js';
import type { ExecutionState } from '../job-status.js';
import type { TaskDeploymentDescriptor } from './task-deployment.js';
import type { CheckpointOptions } from './checkpoint-barrier.js';
import type { TaskStateSnapshot } from '../checkpoint/task-state-snapshot.js';
import type { SourceCoordinatorEvent, SourceReaderEvent } from './operator-events.js';

/** Network I/O counters of one subtask (Flink's IOMetrics: records and bytes in and out). */
export interface TaskIoMetrics {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface TaskExecutionStateUpdate {
  readonly jobId: JobId;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly state: ExecutionState;
  readonly error?: SerializedError;
  /** The subtask's final counters, sent with its terminal state. */
  readonly ioMetrics?: TaskIoMetrics;
}

/** Counters of a running subtask, sent with TaskManager heartbeats. */
export interface TaskMetricsReport extends TaskIoMetrics {
  readonly jobId: JobId;
  readonly executionAttemptId: ExecutionAttemptId;
}

/** JobManager → TaskManager. */
export interface TaskExecutorGateway {
  submitTask(tdd: TaskDeploymentDescriptor): Promise<void>;
  cancelTask(executionAttemptId: ExecutionAttemptId): Promise<void>;
  /** Frees everything the TaskManager holds for a job that reached a terminal state. */
  releaseJob(jobId: JobId): Promise<void>;
  /** Tells a source task to snapshot its state and emit barrier `checkpointId`. */
  triggerCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): Promise<void>;
  /**
   * The checkpoint completed: the task commits what it prepared for it (two-phase sinks).
   * `final`: every task's input had ended when it was taken, so the tasks may finish now.
   */
  notifyCheckpointComplete(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    final?: boolean,
  ): Promise<void>;
  notifyCheckpointAborted(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
  ): Promise<void>;
  /**
   * An event of an operator's coordinator (a source's split enumerator) for the running attempt;
   * rejects when the attempt does not run there. Events to one attempt arrive in call order.
   */
  sendOperatorEventToTask?(
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceCoordinatorEvent,
  ): Promise<void>;
}

/** TaskManager → JobManager. */
export interface JobMasterGateway {
  updateTaskExecutionState(update: TaskExecutionStateUpdate): void;
  /** Data a collect sink sends to the job's client. */
  deliverClientData(jobId: JobId, operatorId: string, payload: unknown): void;
  /** A task wrote its state for the checkpoint (`state` undefined: it has none). */
  acknowledgeCheckpoint(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    state: TaskStateSnapshot | undefined,
  ): void;
  /** A task could not take the checkpoint; `reason` is a CheckpointFailureReason name. */
  declineCheckpoint(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    reason: string,
    error: SerializedError | undefined,
  ): void;
  /** An event of a subtask (a source reader) for its operator's coordinator, in order per subtask. */
  sendOperatorEventToCoordinator?(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceReaderEvent,
  ): void;
}
