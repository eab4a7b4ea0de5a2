/**
 * The states of barrier alignment in an exactly-once task (Flink's BarrierHandlerState family):
 * each event method does what the state calls for and returns the next state.
 *
 *   WaitingForFirstBarrier --barrier n (aligned)--> CollectingBarriers --last barrier n--> trigger,
 *     resume all --> WaitingForFirstBarrier
 *   WaitingForFirstBarrier --barrier n (unaligned)--> trigger --> CollectingBarriersUnaligned
 *     --last barrier n--> channel state complete --> WaitingForFirstBarrier
 *
 * Channels that ended count as aligned. Which checkpoint a barrier belongs to (older ones ignored,
 * newer ones abort the pending one) is decided by SingleCheckpointBarrierHandler before it calls
 * into the state, so the states only ever see barriers of their own checkpoint.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { BarrierAlignmentMetrics } from './barrier-alignment-metrics.js';
import type { BarrierHandlerActions, ChannelStateActions } from './barrier-handler-actions.js';
import { CheckpointAlignment, type CheckpointBarrier } from './checkpoint-barrier.js';

export interface BarrierHandlerContext {
  readonly actions: BarrierHandlerActions;
  /** Present when unaligned checkpoints are enabled; unaligned barriers are aligned otherwise. */
  readonly channelState: ChannelStateActions | undefined;
  readonly metrics: BarrierAlignmentMetrics;
  /** Channels that have not delivered their end of partition. */
  readonly openChannels: ReadonlySet<number>;
}

export type BarrierHandlerStateName =
  'WaitingForFirstBarrier' | 'CollectingBarriers' | 'CollectingBarriersUnaligned';

export interface BarrierHandlerState {
  readonly name: BarrierHandlerStateName;
  /** The checkpoint being aligned; undefined while waiting for a first barrier. */
  readonly pendingBarrier: CheckpointBarrier | undefined;
  /** The barrier of the pending checkpoint (a new one when waiting) arrived on the channel. */
  barrierReceived(
    ctx: BarrierHandlerContext,
    channelIndex: number,
    barrier: CheckpointBarrier,
  ): BarrierHandlerState;
  /** The channel ended (it is no longer in ctx.openChannels). */
  endOfPartitionReceived(ctx: BarrierHandlerContext, channelIndex: number): BarrierHandlerState;
  /** Abandons the pending checkpoint (undoing any blocking); the caller reports the abort. */
  abort(ctx: BarrierHandlerContext): BarrierHandlerState;
  /** Whether a buffer from the channel is channel state of the pending checkpoint. */
  capturesBuffer(channelIndex: number): boolean;
  isBlocked(channelIndex: number): boolean;
}

class WaitingForFirstBarrier implements BarrierHandlerState {
  readonly name = 'WaitingForFirstBarrier';
  readonly pendingBarrier = undefined;

  barrierReceived(
    ctx: BarrierHandlerContext,
    channelIndex: number,
    barrier: CheckpointBarrier,
  ): BarrierHandlerState {
    const awaiting = new Set(ctx.openChannels);
    awaiting.delete(channelIndex);
    ctx.metrics.markAlignmentStart(barrier);
    if (barrier.options.alignment === CheckpointAlignment.unaligned && ctx.channelState !== undefined) {
      ctx.actions.triggerCheckpoint(barrier);
      return new CollectingBarriersUnaligned(barrier, awaiting, ctx.channelState).finishChannel(
        ctx,
        channelIndex,
        true,
      );
    }
    if (awaiting.size === 0) {
      // A single open channel: nothing to align.
      ctx.metrics.markAlignmentEnd(barrier.checkpointId);
      ctx.actions.triggerCheckpoint(barrier);
      return WAITING_FOR_FIRST_BARRIER;
    }
    ctx.actions.blockChannel(channelIndex);
    return new CollectingBarriers(barrier, awaiting, new Set([channelIndex]));
  }

  endOfPartitionReceived(): BarrierHandlerState {
    return this;
  }

  abort(): BarrierHandlerState {
    return this;
  }

  capturesBuffer(): boolean {
    return false;
  }

  isBlocked(): boolean {
    return false;
  }
}

export const WAITING_FOR_FIRST_BARRIER: BarrierHandlerState = new WaitingForFirstBarrier();

/** Aligned: blocks each channel that delivered barrier n until every open channel did. */
class CollectingBarriers implements BarrierHandlerState {
  readonly name = 'CollectingBarriers';

  constructor(
    readonly pendingBarrier: CheckpointBarrier,
    /** Open channels that have not delivered the barrier yet. */
    private readonly awaiting: Set<number>,
    private readonly blocked: Set<number>,
  ) {}

  barrierReceived(ctx: BarrierHandlerContext, channelIndex: number): BarrierHandlerState {
    // A repeated barrier on an already blocked channel changes nothing (as Flink's handler).
    if (!this.awaiting.delete(channelIndex)) return this;
    if (this.awaiting.size === 0) return this.finish(ctx);
    this.blocked.add(channelIndex);
    ctx.actions.blockChannel(channelIndex);
    return this;
  }

  endOfPartitionReceived(ctx: BarrierHandlerContext, channelIndex: number): BarrierHandlerState {
    if (this.awaiting.delete(channelIndex) && this.awaiting.size === 0) return this.finish(ctx);
    return this;
  }

  abort(ctx: BarrierHandlerContext): BarrierHandlerState {
    ctx.metrics.markAlignmentAborted(this.pendingBarrier.checkpointId);
    ctx.actions.resumeChannels();
    return WAITING_FOR_FIRST_BARRIER;
  }

  capturesBuffer(channelIndex: number): boolean {
    if (this.blocked.has(channelIndex)) {
      throw new FreshetError(
        'BUFFER_FROM_BLOCKED_CHANNEL',
        `input channel ${channelIndex} delivered a buffer while blocked for the alignment of checkpoint ` +
          `${this.pendingBarrier.checkpointId}; the input gate must not poll blocked channels`,
      );
    }
    return false;
  }

  isBlocked(channelIndex: number): boolean {
    return this.blocked.has(channelIndex);
  }

  private finish(ctx: BarrierHandlerContext): BarrierHandlerState {
    ctx.metrics.markAlignmentEnd(this.pendingBarrier.checkpointId);
    ctx.actions.triggerCheckpoint(this.pendingBarrier);
    ctx.actions.resumeChannels();
    return WAITING_FOR_FIRST_BARRIER;
  }
}

/**
 * Unaligned: the checkpoint was triggered on the first barrier; until barrier n arrives on a
 * channel, that channel's buffers are in-flight data and belong to the checkpoint's channel state.
 */
class CollectingBarriersUnaligned implements BarrierHandlerState {
  readonly name = 'CollectingBarriersUnaligned';

  constructor(
    readonly pendingBarrier: CheckpointBarrier,
    /** Open channels whose barrier has not arrived: their buffers are still captured. */
    private readonly awaiting: Set<number>,
    private readonly channelState: ChannelStateActions,
  ) {}

  barrierReceived(ctx: BarrierHandlerContext, channelIndex: number): BarrierHandlerState {
    return this.finishChannel(ctx, channelIndex, false);
  }

  endOfPartitionReceived(ctx: BarrierHandlerContext, channelIndex: number): BarrierHandlerState {
    return this.finishChannel(ctx, channelIndex, false);
  }

  abort(ctx: BarrierHandlerContext): BarrierHandlerState {
    ctx.metrics.markAlignmentAborted(this.pendingBarrier.checkpointId);
    return WAITING_FOR_FIRST_BARRIER;
  }

  capturesBuffer(channelIndex: number): boolean {
    return this.awaiting.has(channelIndex);
  }

  isBlocked(): boolean {
    return false;
  }

  /** `first`: the channel that delivered the triggering barrier (never in `awaiting`). */
  finishChannel(ctx: BarrierHandlerContext, channelIndex: number, first: boolean): BarrierHandlerState {
    if (!first && !this.awaiting.delete(channelIndex)) return this;
    const checkpointId = this.pendingBarrier.checkpointId;
    this.channelState.finishChannelState(checkpointId, channelIndex);
    if (this.awaiting.size > 0) return this;
    ctx.metrics.markAlignmentEnd(checkpointId);
    this.channelState.channelStateComplete(checkpointId);
    return WAITING_FOR_FIRST_BARRIER;
  }
}
