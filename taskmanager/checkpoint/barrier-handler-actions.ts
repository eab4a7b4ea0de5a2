/**
 * What a checkpoint barrier handler asks of its task. The handler only decides; the task (driving
 * the input gate) carries the decisions out between records, on its mailbox thread.
 */
import type { CheckpointBarrier } from './checkpoint-barrier.js';

/** Why a task gives up on a checkpoint (Flink's CheckpointFailureReason, declined-* subset). */
export const CheckpointAbortReason = {
  /** A barrier (or cancellation) of a newer checkpoint arrived before this one was aligned. */
  SUBSUMED: 'subsumed by newer checkpoint',
  /** An upstream task aborted the checkpoint and sent a cancellation barrier. */
  CANCELLATION_BARRIER: 'cancelled by a cancellation barrier from an input',
} as const;
export type CheckpointAbortReason = (typeof CheckpointAbortReason)[keyof typeof CheckpointAbortReason];

export interface BarrierHandlerActions {
  /** Stop polling this channel until resumeChannels(): its data belongs after the checkpoint. */
  blockChannel(channelIndex: number): void;
  /** Poll every blocked channel again. */
  resumeChannels(): void;
  /** Snapshot the operator state now, then emit the barrier to every output. */
  triggerCheckpoint(barrier: CheckpointBarrier): void;
  /** Decline the checkpoint (tell the coordinator) and drop whatever was captured for it. */
  abortCheckpoint(checkpointId: number, reason: CheckpointAbortReason): void;
}

/**
 * The extra calls of an unaligned checkpoint: after the trigger, the buffers each channel delivers
 * before its barrier are the checkpoint's channel state (the task captures the buffers for which
 * `onBuffer` returned true).
 */
export interface ChannelStateActions {
  /** Channel `channelIndex` delivered its barrier (or ended): its channel state is complete. */
  finishChannelState(checkpointId: number, channelIndex: number): void;
  /** Every channel finished: the checkpoint's channel state is complete and can be persisted. */
  channelStateComplete(checkpointId: number): void;
}

export type UnalignedBarrierHandlerActions = BarrierHandlerActions & ChannelStateActions;
