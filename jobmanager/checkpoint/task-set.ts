/**
 * The tasks a checkpoint involves (a simple form of Flink's CheckpointPlan): all running
 * executions must acknowledge; the sources among them are triggered, and all of them are notified
 * of completion or abortion. The JobMaster supplies it from its ExecutionGraph at trigger time.
 */
import type { ExecutionAttemptId } from '../../common/ids.js';

export interface CheckpointTask {
  readonly attemptId: ExecutionAttemptId;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  /** The vertex's parallelism and max parallelism, stored with its operators' state for rescaling. */
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The operator IDs of the vertex's chain, head first. */
  readonly operatorIds: readonly string[];
  /** A task without network inputs: the coordinator triggers the checkpoint there. */
  readonly isSource: boolean;
}

export interface TaskSet {
  readonly tasks: readonly CheckpointTask[];
}

/**
 * The tasks of the job's current attempt, or a reason why no checkpoint can start now (the job is
 * not RUNNING, a task is still deploying, ...).
 */
export type TaskSetSupplier = () => TaskSet | { readonly notReady: string };
