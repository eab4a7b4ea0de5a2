/**
 * The checkpointing settings the CheckpointCoordinator runs with (Flink's
 * CheckpointCoordinatorConfiguration), read from the `execution.checkpointing.*` keys and
 * `state.checkpoints.num-retained`. Each value is validated by its ConfigOption (the error names
 * key, value and expected form); the combinations Flink does not support are rejected here.
 */
import { CheckpointingOptions, type CheckpointingMode } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

export interface CheckpointCoordinatorConfiguration {
  /** Time between periodic checkpoints; undefined when periodic checkpointing is off (savepoints still work). */
  readonly checkpointIntervalMs: number | undefined;
  /** A checkpoint not completed within this time is aborted as expired. */
  readonly checkpointTimeoutMs: number;
  /** Least time between the completion of one checkpoint and the trigger of the next periodic one. */
  readonly minPauseBetweenCheckpointsMs: number;
  /** Most checkpoints pending at once; savepoints may exceed it. */
  readonly maxConcurrentCheckpoints: number;
  /** Consecutive counted checkpoint failures tolerated before the job fails over. */
  readonly tolerableCheckpointFailureNumber: number;
  /** Completed checkpoints kept (older ones are discarded when subsumed). */
  readonly maxRetainedCheckpoints: number;
  readonly checkpointingMode: CheckpointingMode;
  readonly unalignedCheckpointsEnabled: boolean;
}

export const CheckpointCoordinatorConfiguration = {
  /** Throws an IllegalConfigurationError for a bad value or an unsupported combination. */
  fromConfiguration(configuration: Configuration): CheckpointCoordinatorConfiguration {
    const result: CheckpointCoordinatorConfiguration = {
      checkpointIntervalMs: configuration.get(CheckpointingOptions.CHECKPOINTING_INTERVAL),
      checkpointTimeoutMs: configuration.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT),
      minPauseBetweenCheckpointsMs: configuration.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS),
      maxConcurrentCheckpoints: configuration.get(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS),
      tolerableCheckpointFailureNumber: configuration.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER),
      maxRetainedCheckpoints: configuration.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS),
      checkpointingMode: configuration.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE),
      unalignedCheckpointsEnabled: configuration.get(CheckpointingOptions.ENABLE_UNALIGNED),
    };
    validate(result);
    return result;
  },

  /** Whether the coordinator triggers checkpoints by itself. */
  isPeriodicCheckpointingConfigured(configuration: CheckpointCoordinatorConfiguration): boolean {
    return configuration.checkpointIntervalMs !== undefined;
  },
};

function validate(configuration: CheckpointCoordinatorConfiguration): void {
  if (!configuration.unalignedCheckpointsEnabled) return;
  const unaligned = `'${CheckpointingOptions.ENABLE_UNALIGNED.key}: true'`;
  if (configuration.checkpointingMode !== 'EXACTLY_ONCE') {
    throw new IllegalConfigurationError(
      `${unaligned} needs '${CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE.key}: EXACTLY_ONCE' ` +
        `(got ${configuration.checkpointingMode}); set the mode to EXACTLY_ONCE or disable unaligned checkpoints`,
    );
  }
  if (configuration.maxConcurrentCheckpoints !== 1) {
    throw new IllegalConfigurationError(
      `${unaligned} needs '${CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS.key}: 1' ` +
        `(got ${configuration.maxConcurrentCheckpoints}); lower it to 1 or disable unaligned checkpoints`,
    );
  }
}
