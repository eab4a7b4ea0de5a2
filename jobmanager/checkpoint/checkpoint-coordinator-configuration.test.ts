import { describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config/configuration.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { CheckpointCoordinatorConfiguration } from './checkpoint-coordinator-configuration.js';

describe('CheckpointCoordinatorConfiguration', () => {
  it("has Flink's defaults and no periodic checkpoints without an interval", () => {
    const configuration = CheckpointCoordinatorConfiguration.fromConfiguration(new Configuration());
    expect(configuration).toEqual({
      checkpointIntervalMs: undefined,
      checkpointTimeoutMs: 600_000,
      minPauseBetweenCheckpointsMs: 0,
      maxConcurrentCheckpoints: 1,
      tolerableCheckpointFailureNumber: 0,
      maxRetainedCheckpoints: 1,
      checkpointingMode: 'EXACTLY_ONCE',
      unalignedCheckpointsEnabled: false,
    });
    expect(CheckpointCoordinatorConfiguration.isPeriodicCheckpointingConfigured(configuration)).toBe(false);
  });

  it('reads every checkpointing key', () => {
    const configuration = CheckpointCoordinatorConfiguration.fromConfiguration(
      Configuration.fromMap({
        'execution.checkpointing.interval': '5 s',
        'execution.checkpointing.timeout': '1 min',
        'execution.checkpointing.min-pause': '500 ms',
        'execution.checkpointing.max-concurrent-checkpoints': 3,
        'execution.checkpointing.tolerable-failed-checkpoints': '2',
        'state.checkpoints.num-retained': 4,
        'execution.checkpointing.mode': 'AT_LEAST_ONCE',
      }),
    );
    expect(configuration).toEqual({
      checkpointIntervalMs: 5_000,
      checkpointTimeoutMs: 60_000,
      minPauseBetweenCheckpointsMs: 500,
      maxConcurrentCheckpoints: 3,
      tolerableCheckpointFailureNumber: 2,
      maxRetainedCheckpoints: 4,
      checkpointingMode: 'AT_LEAST_ONCE',
      unalignedCheckpointsEnabled: false,
    });
    expect(CheckpointCoordinatorConfiguration.isPeriodicCheckpointingConfigured(configuration)).toBe(true);
  });

  it('rejects a bad value naming the key (validated by the config layer)', () => {
    expect(() =>
      CheckpointCoordinatorConfiguration.fromConfiguration(
        Configuration.fromMap({ 'execution.checkpointing.max-concurrent-checkpoints': 0 }),
      ),
    ).toThrow(/execution\.checkpointing\.max-concurrent-checkpoints.*an integer >= 1/);
  });

  it('rejects unaligned checkpoints in AT_LEAST_ONCE mode, saying what to change', () => {
    const read = () =>
      CheckpointCoordinatorConfiguration.fromConfiguration(
        Configuration.fromMap({
          'execution.checkpointing.unaligned.enabled': true,
          'execution.checkpointing.mode': 'AT_LEAST_ONCE',
        }),
      );
    expect(read).toThrow(IllegalConfigurationError);
    expect(read).toThrow(/needs 'execution\.checkpointing\.mode: EXACTLY_ONCE'.*AT_LEAST_ONCE/);
  });

  it('rejects unaligned checkpoints with more than one concurrent checkpoint', () => {
    expect(() =>
      CheckpointCoordinatorConfiguration.fromConfiguration(
        Configuration.fromMap({
          'execution.checkpointing.unaligned.enabled': 'true',
          'execution.checkpointing.max-concurrent-checkpoints': 2,
        }),
      ),
    ).toThrow(/needs 'execution\.checkpointing\.max-concurrent-checkpoints: 1' \(got 2\)/);
  });

  it('accepts unaligned checkpoints in EXACTLY_ONCE mode', () => {
    const configuration = CheckpointCoordinatorConfiguration.fromConfiguration(
      Configuration.fromMap({ 'execution.checkpointing.unaligned.enabled': true }),
    );
    expect(configuration.unalignedCheckpointsEnabled).toBe(true);
  });
});
