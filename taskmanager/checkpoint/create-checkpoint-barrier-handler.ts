/**
 * Picks the barrier handler for a task from the job's checkpointing settings (Flink's
 * InputProcessorUtil.createCheckpointBarrierHandler): at-least-once → CheckpointBarrierTracker;
 * exactly-once → SingleCheckpointBarrierHandler, aligned or (with unaligned checkpoints enabled)
 * taking unaligned barriers unaligned.
 */
import { CheckpointingMode } from '../../common/config/config-options.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type { Clock } from './barrier-alignment-metrics.js';
import type { BarrierHandlerActions, UnalignedBarrierHandlerActions } from './barrier-handler-actions.js';
import { CheckpointBarrierTracker } from './checkpoint-barrier-tracker.js';
import type { CheckpointBarrierHandler } from './checkpoint-barrier-handler.js';
import { SingleCheckpointBarrierHandler } from './single-checkpoint-barrier-handler.js';

export type CheckpointBarrierHandlerConfig = {
  readonly mode: CheckpointingMode;
  readonly numberOfChannels: number;
  readonly clock: Clock;
} & (
  | { readonly unalignedEnabled: false; readonly actions: BarrierHandlerActions }
  | { readonly unalignedEnabled: true; readonly actions: UnalignedBarrierHandlerActions }
);

export function createCheckpointBarrierHandler(
  config: CheckpointBarrierHandlerConfig,
): CheckpointBarrierHandler {
  const { numberOfChannels, clock } = config;
  if (config.mode === CheckpointingMode.AT_LEAST_ONCE) {
    if (config.unalignedEnabled) {
      throw new IllegalConfigurationError(
        'unaligned checkpoints need exactly-once checkpointing; set execution.checkpointing.mode: ' +
          'EXACTLY_ONCE or execution.checkpointing.unaligned.enabled: false',
      );
    }
    return new CheckpointBarrierTracker({ numberOfChannels, clock, actions: config.actions });
  }
  if (config.unalignedEnabled) {
    return SingleCheckpointBarrierHandler.unaligned({ numberOfChannels, clock, actions: config.actions });
  }
  return SingleCheckpointBarrierHandler.aligned({ numberOfChannels, clock, actions: config.actions });
}
