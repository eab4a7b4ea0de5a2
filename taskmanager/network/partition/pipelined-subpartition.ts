/**
 * One subpartition of a result partition: the queue of buffers and events for one consumer
 * channel, sent only against the consumer's credit (events need none, as in Flink). The backlog
 * (buffers still queued) rides along with every buffer so the consumer can grant floating credit.
 */
import type { ChannelEvent } from '../../../common/protocol/network-messages.js';
import { bufferBytes, RecordBatch, type NetworkBuffer } from '../../../common/protocol/record-batch-codec.js';
import { DirectConnection, type NetworkConnection } from '../transport/network-connection.js';

type Entry = NetworkBuffer | ChannelEvent;

function isBuffer(entry: Entry): entry is NetworkBuffer {
  return entry instanceof Uint8Array || entry instanceof RecordBatch;
}

/** Buffers a subpartition may queue unsent before its partition is unavailable (Flink's default). */
export const MAX_BUFFERS_PER_CHANNEL = 10;
/**
 * The budget of a consumer on the producer's own thread, in buffers and records per buffer. Its
 * record batches pass by reference, so every record in flight is a live object: a few small
 * batches keep the records young (most die before the next minor GC instead of being copied and
 * promoted by it) and still in the cache when the consumer reads them.
 */
export const IN_THREAD_MAX_BUFFERS = 2;
export const IN_THREAD_BATCH_RECORDS = 256;

interface View {
  readonly connection: NetworkConnection;
  readonly receiverId: string;
  credit: number;
}

export class PipelinedSubpartition {
  /** Entries before `head` are sent and cleared, so no sent buffer stays reachable from here. */
  private queue: (Entry | undefined)[] = [];
  private head = 0;
  private buffersInBacklog = 0;
  private view: View | undefined;
  private endOfPartitionSent = false;
  /** The consumer runs on this thread (see IN_THREAD_MAX_BUFFERS). */
  private inThread_ = false;

  constructor(
    readonly index: number,
    private readonly onSent: () => void,
    private readonly onConsumed: () => void,
  ) {}

  get backlog(): number {
    return this.buffersInBacklog;
  }

  get inThread(): boolean {
    return this.inThread_;
  }

  /** Buffers this subpartition may queue unsent. */
  get maxBacklog(): number {
    return this.inThread_ ? IN_THREAD_MAX_BUFFERS : MAX_BUFFERS_PER_CHANNEL;
  }

  addBuffer(buffer: NetworkBuffer): void {
    this.queue.push(buffer);
    this.buffersInBacklog++;
    this.trySend();
  }

  addEvent(event: ChannelEvent): void {
    this.queue.push(event);
    this.trySend();
  }

  /**
   * Puts an event ahead of everything queued (an unaligned checkpoint barrier overtaking the
   * in-flight buffers) and returns encoded copies of the buffers it overtook: they are the
   * subpartition's state for that checkpoint and are still sent after the event.
   */
  addPriorityEvent(event: ChannelEvent): Uint8Array[] {
    const overtaken: Uint8Array[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      // Copies: a sent buffer's memory may be transferred to another thread.
      if (entry instanceof Uint8Array) overtaken.push(entry.slice());
      else if (entry instanceof RecordBatch) overtaken.push(bufferBytes(entry));
    }
    this.queue = [event, ...this.queue.slice(this.head)];
    this.head = 0;
    this.trySend();
    return overtaken;
  }

  attachView(connection: NetworkConnection, receiverId: string, initialCredit: number): void {
    this.view = { connection, receiverId, credit: initialCredit };
    this.inThread_ = connection instanceof DirectConnection;
    this.trySend();
  }

  addCredit(credit: number): void {
    if (this.view === undefined) return;
    this.view.credit += credit;
    this.trySend();
  }

  releaseView(): void {
    this.view = undefined;
  }

  isFullyConsumed(): boolean {
    return this.endOfPartitionSent;
  }

  private trySend(): void {
    const view = this.view;
    if (view === undefined) return;
    let sent = false;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (isBuffer(entry)) {
        if (view.credit === 0) break;
        view.credit--;
        this.buffersInBacklog--;
        this.take();
        view.connection.send({
          type: 'buffer',
          receiverId: view.receiverId,
          data: entry,
          backlog: this.buffersInBacklog,
        });
      } else {
        this.take();
        view.connection.send({
          type: 'event',
          receiverId: view.receiverId,
          event: entry,
          backlog: this.buffersInBacklog,
        });
        if (entry.type === 'end-of-partition') {
          this.endOfPartitionSent = true;
          this.onConsumed();
        }
      }
      sent = true;
    }
    if (sent) this.onSent();
  }

  private take(): void {
    this.queue[this.head] = undefined;
    this.head++;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
