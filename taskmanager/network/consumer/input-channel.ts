/**
 * The consumer end of one subpartition (Flink's RemoteInputChannel; local and cross-slot channels
 * use the same credit protocol). It starts with `EXCLUSIVE_BUFFERS` credits; when the producer
 * reports a backlog larger than the credit it holds, the channel borrows floating buffers from
 * its gate and grants them as extra credit. Each consumed buffer gives its credit back.
 */
import type { ChannelEvent } from '../../../common/protocol/network-messages.js';
import type { InputChannelDeploymentDescriptor } from '../../../common/protocol/task-deployment.js';
import { bufferBytes, type NetworkBuffer } from '../../../common/protocol/record-batch-codec.js';

export const EXCLUSIVE_BUFFERS = 2;

export type ChannelEntry =
  | { readonly kind: 'buffer'; readonly data: NetworkBuffer }
  | { readonly kind: 'event'; readonly event: ChannelEvent };

export interface FloatingBufferPool {
  /** Takes up to `wanted` floating buffers for this channel; returns how many it got. */
  requestFloating(channel: InputChannel, wanted: number): number;
  recycleFloating(): void;
}

export interface InputChannelListener {
  notifyChannelNonEmpty(channel: InputChannel): void;
  notifyChannelError(channel: InputChannel, message: string): void;
}

export class InputChannel {
  /** Entries before `head` are polled and cleared, so no processed buffer stays reachable from here. */
  private queue: (ChannelEntry | undefined)[] = [];
  private head = 0;
  /** Credit the producer holds (granted and not yet used). */
  private creditAtProducer = EXCLUSIVE_BUFFERS;
  private floatingHeld = 0;
  private lastBacklog = 0;
  private finished = false;
  private grant: ((credit: number) => void) | undefined;
  /** The buffers the last unaligned barrier overtook in this channel's queue. */
  private overtaken: { readonly checkpointId: number; readonly buffers: Uint8Array[] } | undefined;

  constructor(
    readonly gateIndex: number,
    readonly channelIndex: number,
    readonly descriptor: InputChannelDeploymentDescriptor,
    readonly receiverId: string,
    private readonly listener: InputChannelListener,
    private readonly pool: FloatingBufferPool,
  ) {}

  /** Wires the credit path back to the producer (called when the partition is requested). */
  setCreditSender(grant: (credit: number) => void): void {
    this.grant = grant;
  }

  isFinished(): boolean {
    return this.finished;
  }

  onBuffer(data: NetworkBuffer, backlog: number): void {
    this.creditAtProducer--;
    this.lastBacklog = backlog;
    this.enqueue({ kind: 'buffer', data });
    this.requestFloatingForBacklog();
  }

  onEvent(event: ChannelEvent, backlog: number): void {
    this.lastBacklog = backlog;
    if (event.type === 'end-of-partition') this.finished = true;
    if (event.type === 'checkpoint-barrier' && event.options.alignment === 'unaligned') {
      this.enqueueAhead({ kind: 'event', event }, event.checkpointId);
    } else {
      this.enqueue({ kind: 'event', event });
    }
  }

  /**
   * The buffers the unaligned barrier of `checkpointId` overtook here (they come after it now but
   * were sent before it: the checkpoint's input channel state); empty when none.
   */
  takeOvertaken(checkpointId: number): Uint8Array[] {
    const overtaken = this.overtaken;
    if (overtaken?.checkpointId !== checkpointId) return [];
    this.overtaken = undefined;
    return overtaken.buffers;
  }

  onError(message: string): void {
    this.listener.notifyChannelError(this, message);
  }

  poll(): ChannelEntry | undefined {
    if (this.head >= this.queue.length) return undefined;
    const entry = this.queue[this.head]!;
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return entry;
  }

  hasData(): boolean {
    return this.head < this.queue.length;
  }

  /** The task processed a buffer from this channel: its memory is free again. */
  onBufferConsumed(): void {
    if (this.floatingHeld > 0 && this.lastBacklog <= this.creditAtProducer) {
      this.floatingHeld--;
      this.pool.recycleFloating();
    } else {
      this.addCredit(1);
    }
    this.requestFloatingForBacklog();
  }

  /** A floating buffer became free in the gate and was given to this waiting channel. */
  assignFloating(count: number): void {
    this.floatingHeld += count;
    this.addCredit(count);
  }

  wantsFloating(): number {
    return Math.max(0, this.lastBacklog - this.creditAtProducer);
  }

  private requestFloatingForBacklog(): void {
    const wanted = this.wantsFloating();
    if (wanted > 0) {
      const got = this.pool.requestFloating(this, wanted);
      if (got > 0) this.assignFloating(got);
    }
  }

  private addCredit(credit: number): void {
    this.creditAtProducer += credit;
    this.grant?.(credit);
  }

  /** An unaligned barrier jumps the queue (Flink's priority event), remembering what it overtook. */
  private enqueueAhead(entry: ChannelEntry, checkpointId: number): void {
    const wasEmpty = !this.hasData();
    const rest = this.queue.slice(this.head);
    const buffers: Uint8Array[] = [];
    for (const queued of rest) if (queued?.kind === 'buffer') buffers.push(bufferBytes(queued.data));
    this.overtaken = { checkpointId, buffers };
    this.queue = [entry, ...rest];
    this.head = 0;
    if (wasEmpty) this.listener.notifyChannelNonEmpty(this);
  }

  private enqueue(entry: ChannelEntry): void {
    const wasEmpty = !this.hasData();
    this.queue.push(entry);
    if (wasEmpty) this.listener.notifyChannelNonEmpty(this);
  }
}
