/**
 * What a CheckpointCoordinator is given: its job and settings, the tasks and storage it works
 * with, and optional replacements of its defaults (tests inject a manual clock and timer).
 */
import type { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { Logger } from '../../common/logging/logger.js';
import type { SchedulerTimer } from '../scheduler/scheduler-timer.js';
import type { CheckpointCoordinatorConfiguration } from './checkpoint-coordinator-configuration.js';
import type { CheckpointIdCounter } from './checkpoint-id-counter.js';
import type { CheckpointStorageCoordinatorView } from './checkpoint-storage-coordinator-view.js';
import type { CheckpointTriggerGateway } from './checkpoint-trigger-gateway.js';
import type { CompletedCheckpointStore } from './completed-checkpoint-store.js';
import type { OperatorCoordinatorCheckpoints } from './operator-coordinator-checkpoints.js';
import type { TaskAcknowledgeResult } from './pending-checkpoint.js';
import type { TaskSetSupplier } from './task-set.js';

/** Called when checkpoint failures exceed the tolerable number; the job must fail over with `error`. */
export type CheckpointFailureThresholdListener = (error: FreshetError) => void;

export interface CheckpointCoordinatorServices {
  readonly jobId: JobId;
  readonly configuration: CheckpointCoordinatorConfiguration;
  readonly gateway: CheckpointTriggerGateway;
  /** The running tasks at trigger time (all acknowledge; sources are triggered). */
  readonly tasks: TaskSetSupplier;
  readonly storage: CheckpointStorageCoordinatorView;
  /** Default: an in-memory store retaining `maxRetainedCheckpoints`. */
  readonly store?: CompletedCheckpointStore;
  /** Default: counts on from the store's latest checkpoint (or from 1). */
  readonly idCounter?: CheckpointIdCounter;
  readonly onFailureThresholdExceeded?: CheckpointFailureThresholdListener;
  readonly clock?: () => number;
  readonly timer?: SchedulerTimer;
  readonly logger?: Logger;
  /** Entries in the stats history (Flink's `web.checkpoints.history`, 10). */
  readonly historySize?: number;
  /** The operator coordinators (source split enumerators), snapshotted before the barriers. */
  readonly operatorCoordinators?: OperatorCoordinatorCheckpoints;
}

/** The outcome of an acknowledgement: the task's result, or the checkpoint is unknown or another job's. */
export type ReceiveAcknowledgeResult = TaskAcknowledgeResult | 'unknown-checkpoint' | 'wrong-job';
