/**
 * Exactly-once barrier handling of one task (Flink's SingleCheckpointBarrierHandler): one
 * checkpoint at a time. It decides which checkpoint a barrier belongs to — older than the current
 * one: ignored; newer: the pending one is aborted as subsumed and the new one starts — and hands
 * the barrier to the current BarrierHandlerState, which blocks, triggers and resumes.
 *
 * `aligned` aligns every barrier. `unaligned` (Flink's alternating handler) takes barriers whose
 * options say 'unaligned' without blocking and still aligns the others (savepoints).
 */
import { BarrierAlignmentMetrics, type Clock } from './barrier-alignment-metrics.js';
import {
  CheckpointAbortReason,
  type BarrierHandlerActions,
  type ChannelStateActions,
  type UnalignedBarrierHandlerActions,
} from './barrier-handler-actions.js';
import {
  WAITING_FOR_FIRST_BARRIER,
  type BarrierHandlerContext,
  type BarrierHandlerState,
  type BarrierHandlerStateName,
} from './barrier-handler-state.js';
import { checkOpenChannel, openChannelSet } from './check-channel.js';
import type { CheckpointBarrierHandler } from './checkpoint-barrier-handler.js';
import type { CheckpointBarrier } from './checkpoint-barrier.js';

export interface SingleCheckpointBarrierHandlerOptions<
  A extends BarrierHandlerActions = BarrierHandlerActions,
> {
  readonly numberOfChannels: number;
  readonly actions: A;
  readonly clock: Clock;
}

export class SingleCheckpointBarrierHandler implements CheckpointBarrierHandler {
  readonly metrics: BarrierAlignmentMetrics;
  private state: BarrierHandlerState = WAITING_FOR_FIRST_BARRIER;
  /** The newest checkpoint seen (pending, triggered or aborted); -1 before the first. */
  private currentCheckpointId = -1;
  private readonly numberOfChannels: number;
  private readonly openChannels: Set<number>;
  private readonly ctx: BarrierHandlerContext;

  static aligned(options: SingleCheckpointBarrierHandlerOptions): SingleCheckpointBarrierHandler {
    return new SingleCheckpointBarrierHandler(options, undefined);
  }

  static unaligned(
    options: SingleCheckpointBarrierHandlerOptions<UnalignedBarrierHandlerActions>,
  ): SingleCheckpointBarrierHandler {
    return new SingleCheckpointBarrierHandler(options, options.actions);
  }

  private constructor(
    options: SingleCheckpointBarrierHandlerOptions,
    channelState: ChannelStateActions | undefined,
  ) {
    this.numberOfChannels = options.numberOfChannels;
    this.openChannels = openChannelSet(options.numberOfChannels);
    this.metrics = new BarrierAlignmentMetrics(options.clock);
    this.ctx = {
      actions: options.actions,
      channelState,
      metrics: this.metrics,
      openChannels: this.openChannels,
    };
  }

  processBarrier(barrier: CheckpointBarrier, channelIndex: number): void {
    checkOpenChannel(
      this.openChannels,
      this.numberOfChannels,
      channelIndex,
      `barrier ${barrier.checkpointId}`,
    );
    const checkpointId = barrier.checkpointId;
    if (checkpointId < this.currentCheckpointId) return;
    if (checkpointId === this.currentCheckpointId && this.state.pendingBarrier === undefined) {
      // Checkpoint already triggered or aborted here: its trailing barriers change nothing.
      return;
    }
    if (checkpointId > this.currentCheckpointId) {
      this.abortPending(CheckpointAbortReason.SUBSUMED);
      this.currentCheckpointId = checkpointId;
    }
    this.state = this.state.barrierReceived(this.ctx, channelIndex, barrier);
  }

  processCancellationBarrier(checkpointId: number, channelIndex: number): void {
    checkOpenChannel(
      this.openChannels,
      this.numberOfChannels,
      channelIndex,
      `cancellation barrier ${checkpointId}`,
    );
    const pendingId = this.state.pendingBarrier?.checkpointId;
    if (checkpointId < this.currentCheckpointId) return;
    if (checkpointId === this.currentCheckpointId && pendingId === undefined) return;
    if (pendingId !== checkpointId) this.abortPending(CheckpointAbortReason.SUBSUMED);
    else this.state = this.state.abort(this.ctx);
    // Keeps later barriers of the cancelled checkpoint from starting an alignment.
    this.currentCheckpointId = checkpointId;
    this.ctx.actions.abortCheckpoint(checkpointId, CheckpointAbortReason.CANCELLATION_BARRIER);
  }

  processEndOfPartition(channelIndex: number): void {
    checkOpenChannel(this.openChannels, this.numberOfChannels, channelIndex, 'end of partition');
    this.openChannels.delete(channelIndex);
    this.state = this.state.endOfPartitionReceived(this.ctx, channelIndex);
  }

  onBuffer(channelIndex: number): boolean {
    return this.state.capturesBuffer(channelIndex);
  }

  getPendingCheckpointId(): number | undefined {
    return this.state.pendingBarrier?.checkpointId;
  }

  isBlocked(channelIndex: number): boolean {
    return this.state.isBlocked(channelIndex);
  }

  getStateName(): BarrierHandlerStateName {
    return this.state.name;
  }

  private abortPending(reason: CheckpointAbortReason): void {
    const pending = this.state.pendingBarrier;
    if (pending === undefined) return;
    this.state = this.state.abort(this.ctx);
    this.ctx.actions.abortCheckpoint(pending.checkpointId, reason);
  }
}
