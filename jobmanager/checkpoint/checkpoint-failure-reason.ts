/**
 * Why a checkpoint failed or was never started (Flink's CheckpointFailureReason), with the message
 * shown in logs and REST, and whether the failure counts against
 * `execution.checkpointing.tolerable-failed-checkpoints`. Like Flink, only real failures of a
 * checkpoint attempt count (declined, expired, I/O, finalization); requests that were merely not
 * started, subsumed, cancelled by a shutdown or by a task failure (the failover handles that) do not.
 */
export const CheckpointFailureReason = {
  PERIODIC_SCHEDULER_SHUTDOWN: 'PERIODIC_SCHEDULER_SHUTDOWN',
  TOO_MANY_CHECKPOINT_REQUESTS: 'TOO_MANY_CHECKPOINT_REQUESTS',
  MINIMUM_TIME_BETWEEN_CHECKPOINTS: 'MINIMUM_TIME_BETWEEN_CHECKPOINTS',
  NOT_ALL_REQUIRED_TASKS_RUNNING: 'NOT_ALL_REQUIRED_TASKS_RUNNING',
  IO_EXCEPTION: 'IO_EXCEPTION',
  CHECKPOINT_ASYNC_EXCEPTION: 'CHECKPOINT_ASYNC_EXCEPTION',
  CHECKPOINT_EXPIRED: 'CHECKPOINT_EXPIRED',
  CHECKPOINT_SUBSUMED: 'CHECKPOINT_SUBSUMED',
  CHECKPOINT_DECLINED: 'CHECKPOINT_DECLINED',
  CHECKPOINT_DECLINED_TASK_NOT_READY: 'CHECKPOINT_DECLINED_TASK_NOT_READY',
  CHECKPOINT_DECLINED_TASK_CLOSING: 'CHECKPOINT_DECLINED_TASK_CLOSING',
  CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER: 'CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER',
  CHECKPOINT_DECLINED_SUBSUMED: 'CHECKPOINT_DECLINED_SUBSUMED',
  CHECKPOINT_DECLINED_INPUT_END_OF_STREAM: 'CHECKPOINT_DECLINED_INPUT_END_OF_STREAM',
  CHECKPOINT_COORDINATOR_SHUTDOWN: 'CHECKPOINT_COORDINATOR_SHUTDOWN',
  CHECKPOINT_COORDINATOR_SUSPEND: 'CHECKPOINT_COORDINATOR_SUSPEND',
  TRIGGER_CHECKPOINT_FAILURE: 'TRIGGER_CHECKPOINT_FAILURE',
  FINALIZE_CHECKPOINT_FAILURE: 'FINALIZE_CHECKPOINT_FAILURE',
  TASK_FAILURE: 'TASK_FAILURE',
} as const;
export type CheckpointFailureReason = (typeof CheckpointFailureReason)[keyof typeof CheckpointFailureReason];

interface ReasonInfo {
  readonly message: string;
  /** Counts as a consecutive failure for the tolerable-failure threshold. */
  readonly counted: boolean;
  /** The request was refused before a checkpoint attempt (a pending checkpoint) existed. */
  readonly preFlight: boolean;
}

const REASONS: Readonly<Record<CheckpointFailureReason, ReasonInfo>> = {
  PERIODIC_SCHEDULER_SHUTDOWN: {
    message: 'periodic checkpoint scheduler is shut down',
    counted: false,
    preFlight: true,
  },
  TOO_MANY_CHECKPOINT_REQUESTS: {
    message: 'too many checkpoint requests are queued',
    counted: false,
    preFlight: true,
  },
  MINIMUM_TIME_BETWEEN_CHECKPOINTS: {
    message: 'the minimum pause between checkpoints has not passed yet',
    counted: false,
    preFlight: true,
  },
  NOT_ALL_REQUIRED_TASKS_RUNNING: {
    message: 'not all required tasks are currently running',
    counted: false,
    preFlight: true,
  },
  IO_EXCEPTION: {
    message: 'an I/O error occurred while preparing the checkpoint storage',
    counted: true,
    preFlight: false,
  },
  CHECKPOINT_ASYNC_EXCEPTION: {
    message: 'the asynchronous part of a task snapshot failed',
    counted: true,
    preFlight: false,
  },
  CHECKPOINT_EXPIRED: {
    message: 'the checkpoint expired before completing',
    counted: true,
    preFlight: false,
  },
  CHECKPOINT_SUBSUMED: {
    message: 'the checkpoint was subsumed by a newer completed checkpoint',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_DECLINED: { message: 'a task declined the checkpoint', counted: true, preFlight: false },
  CHECKPOINT_DECLINED_TASK_NOT_READY: {
    message: 'a task declined the checkpoint: it was not ready yet',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_DECLINED_TASK_CLOSING: {
    message: 'a task declined the checkpoint: it is closing',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER: {
    message: 'a task received a cancellation barrier for the checkpoint',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_DECLINED_SUBSUMED: {
    message: 'a task declined the checkpoint: it already saw a newer barrier',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_DECLINED_INPUT_END_OF_STREAM: {
    message: 'a task declined the checkpoint: an input reached its end',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_COORDINATOR_SHUTDOWN: {
    message: 'the checkpoint coordinator is shut down',
    counted: false,
    preFlight: false,
  },
  CHECKPOINT_COORDINATOR_SUSPEND: {
    message: 'the checkpoint coordinator is suspended',
    counted: false,
    preFlight: false,
  },
  TRIGGER_CHECKPOINT_FAILURE: {
    message: 'the checkpoint could not be triggered at a source task',
    counted: false,
    preFlight: false,
  },
  FINALIZE_CHECKPOINT_FAILURE: {
    message: 'the checkpoint metadata could not be written',
    counted: true,
    preFlight: false,
  },
  TASK_FAILURE: {
    message: 'a task failed before acknowledging the checkpoint',
    counted: false,
    preFlight: false,
  },
};

export const CheckpointFailureReasons = {
  message: (reason: CheckpointFailureReason): string => REASONS[reason].message,
  isCounted: (reason: CheckpointFailureReason): boolean => REASONS[reason].counted,
  isPreFlight: (reason: CheckpointFailureReason): boolean => REASONS[reason].preFlight,
};
