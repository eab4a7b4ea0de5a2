/**
 * The barrier handler of a task reading an input gate (Flink's CheckpointedInputGate set-up):
 * aligned for exactly once (blocking a channel in the gate once its barrier arrived), tracking
 * for at least once; its decisions go to the task's checkpointing.
 */
import type { CheckpointingMode } from '../../common/config/config-options.js';
import type { CheckpointBarrier } from '../../common/protocol/checkpoint-barrier.js';
import type { InputGate } from '../network/consumer/input-gate.js';
import { CheckpointAbortReason, type BarrierHandlerActions } from './barrier-handler-actions.js';
import type { CheckpointBarrierHandler } from './checkpoint-barrier-handler.js';
import { createCheckpointBarrierHandler } from './create-checkpoint-barrier-handler.js';

export interface GateCheckpointing {
  performCheckpoint(barrier: CheckpointBarrier): void;
  abortCheckpoint(checkpointId: number, reason: string): void;
  channelStateComplete(checkpointId: number): void;
}

export function createGateBarrierHandler(
  gate: InputGate,
  mode: CheckpointingMode,
  unalignedEnabled: boolean,
  checkpointing: GateCheckpointing,
): CheckpointBarrierHandler {
  const actions: BarrierHandlerActions = {
    blockChannel: (index) => gate.blockChannel(gate.channels[index]!),
    resumeChannels: () => gate.resumeAll(),
    triggerCheckpoint: (barrier) => checkpointing.performCheckpoint(barrier),
    abortCheckpoint: (checkpointId, reason) =>
      checkpointing.abortCheckpoint(
        checkpointId,
        reason === CheckpointAbortReason.SUBSUMED
          ? 'CHECKPOINT_DECLINED_SUBSUMED'
          : 'CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER',
      ),
  };
  const common = { mode, numberOfChannels: gate.channels.length, clock: () => performance.now() };
  if (!unalignedEnabled) return createCheckpointBarrierHandler({ ...common, unalignedEnabled, actions });
  return createCheckpointBarrierHandler({
    ...common,
    unalignedEnabled,
    actions: {
      ...actions,
      finishChannelState: () => {},
      channelStateComplete: (checkpointId) => checkpointing.channelStateComplete(checkpointId),
    },
  });
}
