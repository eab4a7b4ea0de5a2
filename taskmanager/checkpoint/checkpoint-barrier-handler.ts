/**
 * What the task loop feeds a checkpoint barrier handler (Flink's CheckpointBarrierHandler): every
 * barrier, cancellation barrier and end of partition it polls from the input gate, and every record
 * buffer (so an unaligned checkpoint can capture in-flight data). Channels are numbered by their
 * position in the task's input gate, 0 ≤ channelIndex < numberOfChannels. Decisions come out
 * through the injected BarrierHandlerActions.
 */
import type { BarrierAlignmentMetrics } from './barrier-alignment-metrics.js';
import type { CheckpointBarrier } from './checkpoint-barrier.js';

export interface CheckpointBarrierHandler {
  processBarrier(barrier: CheckpointBarrier, channelIndex: number): void;
  /** A cancellation barrier: checkpoint `checkpointId` was aborted upstream. */
  processCancellationBarrier(checkpointId: number, channelIndex: number): void;
  processEndOfPartition(channelIndex: number): void;
  /**
   * A record buffer was polled from the channel; true when it must also be captured as channel
   * state of the pending unaligned checkpoint (it is processed either way).
   */
  onBuffer(channelIndex: number): boolean;
  /** The checkpoint being aligned, or undefined when none is. */
  getPendingCheckpointId(): number | undefined;
  readonly metrics: BarrierAlignmentMetrics;
}
