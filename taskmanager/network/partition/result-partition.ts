/**
 * The output of one producer subtask for one intermediate data set (Flink's ResultPartition).
 * Its buffer budget is Flink's: at most `maxBuffersPerChannel` queued per subpartition (fewer,
 * smaller buffers for a consumer on the same thread: see IN_THREAD_MAX_BUFFERS) and 2 per
 * subpartition + 8 floating in total; past that the partition is unavailable and the task
 * stops producing until consumers return credit. That is how backpressure reaches the source.
 */
import type { ChannelEvent } from '../../../common/protocol/network-messages.js';
import type { ResultPartitionId } from '../../../common/protocol/task-deployment.js';
import type { NetworkBuffer } from '../../../common/protocol/record-batch-codec.js';
import { PipelinedSubpartition } from './pipelined-subpartition.js';

const FLOATING_BUFFERS = 8;

export class ResultPartition {
  readonly subpartitions: PipelinedSubpartition[];
  private readonly poolSize: number;
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;
  private consumedSubpartitions = 0;

  constructor(
    readonly partitionId: ResultPartitionId,
    numberOfSubpartitions: number,
    private readonly onFullyConsumed: () => void,
  ) {
    this.poolSize = numberOfSubpartitions * 2 + FLOATING_BUFFERS;
    this.subpartitions = [];
    for (let i = 0; i < numberOfSubpartitions; i++) {
      this.subpartitions.push(
        new PipelinedSubpartition(
          i,
          () => this.checkAvailability(),
          () => this.subpartitionConsumed(),
        ),
      );
    }
  }

  get numberOfSubpartitions(): number {
    return this.subpartitions.length;
  }

  addBuffer(subpartition: number, buffer: NetworkBuffer): void {
    this.subpartitions[subpartition]!.addBuffer(buffer);
  }

  broadcastEvent(event: ChannelEvent): void {
    for (const sub of this.subpartitions) sub.addEvent(event);
  }

  /** An event ahead of all queued buffers of every subpartition; returns what it overtook, by subpartition. */
  broadcastPriorityEvent(event: ChannelEvent): Uint8Array[][] {
    return this.subpartitions.map((sub) => sub.addPriorityEvent(event));
  }

  /** True while the partition may take more buffers. */
  isAvailable(): boolean {
    let total = 0;
    for (const sub of this.subpartitions) {
      const backlog = sub.backlog;
      if (backlog >= sub.maxBacklog) return false;
      total += backlog;
    }
    return total < this.poolSize;
  }

  /** Resolves once `isAvailable()` holds. */
  getAvailableFuture(): Promise<void> {
    if (this.isAvailable()) return Promise.resolve();
    if (this.waiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  /** Total buffers queued and not yet sent (a gauge). */
  queuedBuffers(): number {
    let total = 0;
    for (const sub of this.subpartitions) total += sub.backlog;
    return total;
  }

  private checkAvailability(): void {
    if (this.waiter !== undefined && this.isAvailable()) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  }

  private subpartitionConsumed(): void {
    this.consumedSubpartitions++;
    if (this.consumedSubpartitions === this.subpartitions.length) this.onFullyConsumed();
  }
}
