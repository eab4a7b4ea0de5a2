/**
 * The first half of triggering: from an admitted request to a PendingCheckpoint (Flink's
 * CheckpointCoordinator#startTriggeringCheckpoint up to createPendingCheckpoint). It takes the
 * running tasks, draws the next checkpoint ID and has the storage prepare a location. The outcome
 * is a value: the pending checkpoint with the options for its sources, a failure (no running
 * sources, storage error), or 'abandoned' when the coordinator was stopped meanwhile.
 */
import { toError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { CheckpointCoordinatorConfiguration } from './checkpoint-coordinator-configuration.js';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointFailureReason } from './checkpoint-failure-reason.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointIdCounter } from './checkpoint-id-counter.js';
import { CheckpointOptions } from './checkpoint-options.js';
import type { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointStorageCoordinatorView } from './checkpoint-storage-coordinator-view.js';
import type { CheckpointsCleaner } from './checkpoints-cleaner.js';
import { PendingCheckpoint } from './pending-checkpoint.js';
import type { TaskSetSupplier } from './task-set.js';

export type PendingCheckpointCreation =
  | { readonly type: 'created'; readonly pending: PendingCheckpoint; readonly options: CheckpointOptions }
  | {
      readonly type: 'failed';
      /** Undefined when it failed before getting an ID. */
      readonly checkpointId: CheckpointId | undefined;
      readonly exception: CheckpointException;
    }
  /** The caller stopped caring meanwhile (a prepared location was deleted again). */
  | { readonly type: 'abandoned' };

export interface PendingCheckpointFactoryServices {
  readonly jobId: JobId;
  readonly configuration: CheckpointCoordinatorConfiguration;
  readonly tasks: TaskSetSupplier;
  readonly idCounter: CheckpointIdCounter;
  readonly storage: CheckpointStorageCoordinatorView;
  readonly cleaner: CheckpointsCleaner;
  readonly clock: () => number;
}

export class PendingCheckpointFactory {
  constructor(private readonly services: PendingCheckpointFactoryServices) {}

  /** @param isCurrent false once the caller gave up on this trigger (checked after the storage I/O). */
  async create(
    properties: CheckpointProperties,
    isCurrent: () => boolean,
  ): Promise<PendingCheckpointCreation> {
    const { jobId, configuration, tasks, idCounter, storage, cleaner, clock } = this.services;
    const plan = tasks();
    if ('notReady' in plan || !plan.tasks.some((task) => task.isSource)) {
      const detail = 'notReady' in plan ? plan.notReady : 'the job has no running source task';
      const reason = CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING;
      return { type: 'failed', checkpointId: undefined, exception: new CheckpointException(reason, detail) };
    }
    const checkpointId = idCounter.getAndIncrement();
    const triggerTimestamp = clock();
    let location: string;
    try {
      location = await storage.initializeLocation(checkpointId, properties);
    } catch (thrown) {
      if (!isCurrent()) return { type: 'abandoned' };
      const error = toError(thrown);
      const exception = new CheckpointException(CheckpointFailureReason.IO_EXCEPTION, error.message, error);
      return { type: 'failed', checkpointId, exception };
    }
    if (!isCurrent()) {
      cleaner.discardLocation(location);
      return { type: 'abandoned' };
    }
    const pending = new PendingCheckpoint({
      jobId,
      checkpointId,
      triggerTimestamp,
      properties,
      location,
      tasksToAcknowledge: plan.tasks,
    });
    const options = CheckpointOptions.forConfig(
      properties.checkpointType,
      location,
      configuration.checkpointingMode === 'EXACTLY_ONCE',
      configuration.unalignedCheckpointsEnabled,
    );
    return { type: 'created', pending, options };
  }
}
