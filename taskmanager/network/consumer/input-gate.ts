/**
 * The input of a task for one or more input edges (Flink's SingleInputGate, unioned): all its
 * channels, a FIFO of channels that have data (so polling is O(1) and fair), the floating buffer
 * pool shared by the channels, and an availability future the task loop waits on.
 */
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type {
  InputChannel,
  ChannelEntry,
  FloatingBufferPool,
  InputChannelListener,
} from './input-channel.js';

export const FLOATING_BUFFERS_PER_GATE = 8;

export interface PolledEntry {
  readonly channel: InputChannel;
  readonly entry: ChannelEntry;
}

export class InputGate implements InputChannelListener, FloatingBufferPool {
  readonly channels: InputChannel[] = [];
  private channelsWithData: InputChannel[] = [];
  private floatingAvailable = FLOATING_BUFFERS_PER_GATE;
  private readonly waitingForFloating: InputChannel[] = [];
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;
  private error: FreshetError | undefined;
  private finishedChannels = 0;
  /** Channels blocked by barrier alignment, and those of them that have data waiting. */
  private readonly blocked = new Set<InputChannel>();
  private blockedWithData: InputChannel[] = [];

  addChannel(
    factory: (listener: InputChannelListener, pool: FloatingBufferPool) => InputChannel,
  ): InputChannel {
    const channel = factory(this, this);
    this.channels.push(channel);
    return channel;
  }

  /** The next buffer or event, or undefined when none is ready (then wait on getAvailableFuture). */
  pollNext(): PolledEntry | undefined {
    if (this.error !== undefined) throw this.error;
    while (this.channelsWithData.length > 0) {
      const channel = this.channelsWithData[0]!;
      if (this.blocked.has(channel)) {
        this.channelsWithData.shift();
        if (!this.blockedWithData.includes(channel)) this.blockedWithData.push(channel);
        continue;
      }
      const entry = channel.poll();
      if (entry === undefined) {
        this.channelsWithData.shift();
        continue;
      }
      // Round-robin between channels: move this one to the back if it still has data.
      this.channelsWithData.shift();
      if (channel.hasData()) this.channelsWithData.push(channel);
      if (entry.kind === 'event' && entry.event.type === 'end-of-partition') this.finishedChannels++;
      return { channel, entry };
    }
    return undefined;
  }

  /** True once every channel delivered its end-of-partition and it was polled. */
  isFinished(): boolean {
    return this.finishedChannels === this.channels.length;
  }

  getAvailableFuture(): Promise<void> {
    if (this.channelsWithData.length > 0 || this.error !== undefined) return Promise.resolve();
    if (this.waiter === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  notifyChannelNonEmpty(channel: InputChannel): void {
    if (this.blocked.has(channel)) {
      if (!this.blockedWithData.includes(channel)) this.blockedWithData.push(channel);
      return;
    }
    this.channelsWithData.push(channel);
    this.wake();
  }

  /** Stops polling the channel until `resumeAll` (checkpoint barrier alignment). */
  blockChannel(channel: InputChannel): void {
    this.blocked.add(channel);
  }

  /** Polls every blocked channel again; those with data rejoin the queue. */
  resumeAll(): void {
    this.blocked.clear();
    const waiting = this.blockedWithData;
    this.blockedWithData = [];
    for (const channel of waiting) {
      if (channel.hasData() && !this.channelsWithData.includes(channel)) this.channelsWithData.push(channel);
    }
    if (this.channelsWithData.length > 0) this.wake();
  }

  notifyChannelError(channel: InputChannel, message: string): void {
    this.error = new FreshetError(
      'PARTITION_REQUEST_FAILED',
      `input channel ${channel.channelIndex} (${channel.descriptor.partitionId.dataSetId}) failed: ${message}`,
      { retryable: true },
    );
    this.wake();
  }

  requestFloating(channel: InputChannel, wanted: number): number {
    const got = Math.min(wanted, this.floatingAvailable);
    this.floatingAvailable -= got;
    if (got < wanted && !this.waitingForFloating.includes(channel)) this.waitingForFloating.push(channel);
    return got;
  }

  recycleFloating(): void {
    while (this.waitingForFloating.length > 0) {
      const channel = this.waitingForFloating.shift()!;
      if (channel.wantsFloating() > 0) {
        channel.assignFloating(1);
        if (channel.wantsFloating() > 0) this.waitingForFloating.push(channel);
        return;
      }
    }
    this.floatingAvailable++;
  }

  private wake(): void {
    if (this.waiter !== undefined) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  }
}
