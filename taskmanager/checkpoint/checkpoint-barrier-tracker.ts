/**
 * At-least-once barrier handling (Flink's CheckpointBarrierTracker): never blocks a channel, so
 * records after barrier n on a fast channel may enter the operator before checkpoint n is taken.
 * It counts the barriers of several checkpoints at once and triggers checkpoint n when barrier n
 * was seen on every open channel; older checkpoints still incomplete then are dropped as subsumed.
 */
import { BarrierAlignmentMetrics, type Clock } from './barrier-alignment-metrics.js';
import { CheckpointAbortReason, type BarrierHandlerActions } from './barrier-handler-actions.js';
import { checkOpenChannel, openChannelSet } from './check-channel.js';
import type { CheckpointBarrierHandler } from './checkpoint-barrier-handler.js';
import type { CheckpointBarrier } from './checkpoint-barrier.js';

/** Most checkpoints counted at once; the oldest is dropped beyond it (Flink's limit). */
export const MAX_CHECKPOINTS_TO_TRACK = 50;

export interface CheckpointBarrierTrackerOptions {
  readonly numberOfChannels: number;
  readonly actions: BarrierHandlerActions;
  readonly clock: Clock;
}

/** Flink's CheckpointBarrierCount. */
interface BarrierCount {
  readonly barrier: CheckpointBarrier;
  /** Open channels whose barrier has not been seen. */
  readonly awaiting: Set<number>;
}

export class CheckpointBarrierTracker implements CheckpointBarrierHandler {
  readonly metrics: BarrierAlignmentMetrics;
  /** Ascending by checkpoint ID. */
  private readonly pending: BarrierCount[] = [];
  /** The newest checkpoint seen (counted, triggered, dropped or cancelled); -1 before the first. */
  private latestCheckpointId = -1;
  private readonly numberOfChannels: number;
  private readonly openChannels: Set<number>;
  private readonly actions: BarrierHandlerActions;

  constructor(options: CheckpointBarrierTrackerOptions) {
    this.numberOfChannels = options.numberOfChannels;
    this.openChannels = openChannelSet(options.numberOfChannels);
    this.actions = options.actions;
    this.metrics = new BarrierAlignmentMetrics(options.clock);
  }

  processBarrier(barrier: CheckpointBarrier, channelIndex: number): void {
    checkOpenChannel(
      this.openChannels,
      this.numberOfChannels,
      channelIndex,
      `barrier ${barrier.checkpointId}`,
    );
    const checkpointId = barrier.checkpointId;
    const position = this.pending.findIndex((count) => count.barrier.checkpointId === checkpointId);
    if (position >= 0) {
      const count = this.pending[position]!;
      count.awaiting.delete(channelIndex);
      if (count.awaiting.size === 0) this.complete(position);
      return;
    }
    // Not newer than what was seen: triggered, dropped or cancelled already.
    if (checkpointId <= this.latestCheckpointId) return;
    this.latestCheckpointId = checkpointId;
    this.metrics.markAlignmentStart(barrier);
    const awaiting = new Set(this.openChannels);
    awaiting.delete(channelIndex);
    this.pending.push({ barrier, awaiting });
    if (awaiting.size === 0) this.complete(this.pending.length - 1);
    else if (this.pending.length > MAX_CHECKPOINTS_TO_TRACK) this.drop(this.pending.shift()!);
  }

  processCancellationBarrier(checkpointId: number, channelIndex: number): void {
    checkOpenChannel(
      this.openChannels,
      this.numberOfChannels,
      channelIndex,
      `cancellation barrier ${checkpointId}`,
    );
    while (this.pending.length > 0 && this.pending[0]!.barrier.checkpointId < checkpointId) {
      this.drop(this.pending.shift()!);
    }
    const first = this.pending[0];
    if (first !== undefined && first.barrier.checkpointId === checkpointId) {
      this.pending.shift();
      this.metrics.markAlignmentAborted(checkpointId);
    } else if (checkpointId > this.latestCheckpointId) {
      this.latestCheckpointId = checkpointId;
    } else {
      return; // A trailing cancellation of a checkpoint that is already over here.
    }
    this.actions.abortCheckpoint(checkpointId, CheckpointAbortReason.CANCELLATION_BARRIER);
  }

  processEndOfPartition(channelIndex: number): void {
    checkOpenChannel(this.openChannels, this.numberOfChannels, channelIndex, 'end of partition');
    this.openChannels.delete(channelIndex);
    for (const count of this.pending) count.awaiting.delete(channelIndex);
    // The ended channel may have been the last one several checkpoints waited for: trigger them in order.
    for (let i = 0; i < this.pending.length;) {
      if (this.pending[i]!.awaiting.size === 0) {
        this.complete(i);
        i = 0;
      } else {
        i++;
      }
    }
  }

  onBuffer(_channelIndex: number): boolean {
    return false;
  }

  /** The newest checkpoint whose barriers are being counted. */
  getPendingCheckpointId(): number | undefined {
    return this.pending.at(-1)?.barrier.checkpointId;
  }

  /** The checkpoints whose barriers are being counted, oldest first. */
  getPendingCheckpointIds(): number[] {
    return this.pending.map((count) => count.barrier.checkpointId);
  }

  /** Triggers pending[position] after dropping every older checkpoint still incomplete. */
  private complete(position: number): void {
    const removed = this.pending.splice(0, position + 1);
    const completed = removed.pop()!;
    for (const older of removed) this.drop(older);
    this.metrics.markAlignmentEnd(completed.barrier.checkpointId);
    this.actions.triggerCheckpoint(completed.barrier);
  }

  private drop(count: BarrierCount): void {
    this.metrics.markAlignmentAborted(count.barrier.checkpointId);
    this.actions.abortCheckpoint(count.barrier.checkpointId, CheckpointAbortReason.SUBSUMED);
  }
}
