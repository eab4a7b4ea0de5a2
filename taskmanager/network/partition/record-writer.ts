/**
 * Batches a task's output records for one result partition (Flink's RecordWriter): the
 * partitioner picks a channel, records collect per channel, and a channel's batch becomes one
 * buffer when it reaches the target size (adapted to the observed record size so buffers come out
 * near the configured segment size) or when flushed by the buffer timeout or an event. Buffers
 * are encoded only when they leave the thread (see record-batch-codec); the record size is
 * measured by encoding a sample of the records of one batch in SIZE_SAMPLE_EVERY. A consumer on the same thread gets batches
 * of at most IN_THREAD_BATCH_RECORDS.
 */
import type { ChannelEvent } from '../../../common/protocol/network-messages.js';
import type { ChannelSelector } from '../../../api/graph/partitioner.js';
import { encodeBatch, RecordBatch } from '../../../common/protocol/record-batch-codec.js';
import { IN_THREAD_BATCH_RECORDS } from './pipelined-subpartition.js';
import type { ResultPartition } from './result-partition.js';

const MIN_BATCH = 16;
const MAX_BATCH = 8192;
const SIZE_SAMPLE_EVERY = 128;
/** How many records of a sampled batch are encoded to measure the record size. */
const SIZE_SAMPLE_RECORDS = 32;

/** One channel's records being collected, in arrays allocated at the expected batch size. */
class ChannelBatch {
  readonly values: unknown[];
  timestamps: (number | undefined)[] | null = null;
  length = 0;

  /** `capacity`: the records at which the batch goes out. */
  constructor(readonly capacity: number) {
    this.values = new Array<unknown>(capacity);
  }

  add(value: unknown, timestamp: number | undefined): number {
    const at = this.length;
    if (timestamp !== undefined && this.timestamps === null) {
      // Unset places read as undefined: the records before this one had no timestamp.
      this.timestamps = new Array<number | undefined>(Math.max(this.capacity, at + 1));
    }
    this.values[at] = value;
    if (this.timestamps !== null) this.timestamps[at] = timestamp;
    return (this.length = at + 1);
  }

  /** The records collected, in arrays trimmed to their number. */
  take(): { values: unknown[]; timestamps: (number | undefined)[] | null } {
    this.values.length = this.length;
    if (this.timestamps !== null) this.timestamps.length = this.length;
    return { values: this.values, timestamps: this.timestamps };
  }
}

export class RecordWriter {
  private readonly batches: ChannelBatch[];
  private targetBatchSize = 256;
  /** Encoded bytes per record, from the last measured batch (0 until one was). */
  private bytesPerRecord = 0;
  private bytesOut = 0;
  private recordsOut = 0;
  private buffersOut = 0;

  constructor(
    readonly partition: ResultPartition,
    private readonly selector: ChannelSelector,
    private readonly segmentSize: number,
    /** Buffer timeout 0: every record goes out at once. */
    private readonly flushAlways: boolean,
  ) {
    this.batches = partition.subpartitions.map((_, channel) => this.newBatch(channel));
  }

  emit(value: unknown, timestamp: number | undefined): void {
    this.recordsOut++;
    const channel = this.selector.selectChannel(value);
    if (channel >= 0) {
      const batch = this.batches[channel]!;
      if (batch.add(value, timestamp) >= batch.capacity) this.flushChannel(channel);
      return;
    }
    for (let c = 0; c < this.batches.length; c++) {
      const batch = this.batches[c]!;
      if (batch.add(value, timestamp) >= batch.capacity) this.flushChannel(c);
    }
  }

  /** Sends every partly filled batch (buffer timeout, before events, at the end). */
  flushAll(): void {
    for (let c = 0; c < this.batches.length; c++) {
      if (this.batches[c]!.length > 0) this.flushChannel(c);
    }
  }

  broadcastEvent(event: ChannelEvent): void {
    this.flushAll();
    this.partition.broadcastEvent(event);
  }

  /**
   * Sends an unaligned checkpoint barrier ahead of every buffer not yet sent (partly filled
   * batches are flushed first) and returns the buffers it overtook, by subpartition.
   */
  broadcastPriorityEvent(event: ChannelEvent): Uint8Array[][] {
    this.flushAll();
    return this.partition.broadcastPriorityEvent(event);
  }

  isAvailable(): boolean {
    return this.partition.isAvailable();
  }

  metrics(): { recordsOut: number; bytesOut: number; buffersOut: number } {
    return { recordsOut: this.recordsOut, bytesOut: this.bytesOut, buffersOut: this.buffersOut };
  }

  private flushChannel(channel: number): void {
    const batch = this.batches[channel]!.take();
    const count = batch.values.length;
    if (this.buffersOut % SIZE_SAMPLE_EVERY === 0) {
      // SIZE_SAMPLE_RECORDS records spread over the batch stand for it.
      const { values, timestamps } = sample(batch.values, batch.timestamps);
      this.bytesPerRecord = encodeBatch(values, timestamps).byteLength / values.length;
      if (!this.flushAlways) {
        this.targetBatchSize = Math.max(
          MIN_BATCH,
          Math.min(MAX_BATCH, Math.floor(this.segmentSize / Math.max(this.bytesPerRecord, 1))),
        );
      }
    }
    const byteSize = Math.round(this.bytesPerRecord * count);
    this.bytesOut += byteSize;
    this.buffersOut++;
    this.batches[channel] = this.newBatch(channel);
    this.partition.addBuffer(channel, new RecordBatch(batch.values, batch.timestamps, byteSize));
  }

  private newBatch(channel: number): ChannelBatch {
    if (this.flushAlways) return new ChannelBatch(1);
    const inThread = this.partition.subpartitions[channel]!.inThread;
    return new ChannelBatch(
      inThread ? Math.min(this.targetBatchSize, IN_THREAD_BATCH_RECORDS) : this.targetBatchSize,
    );
  }
}

/** Up to SIZE_SAMPLE_RECORDS records at even strides through the batch (all of a small one). */
function sample(
  values: unknown[],
  timestamps: (number | undefined)[] | null,
): { values: unknown[]; timestamps: (number | undefined)[] | null } {
  const count = values.length;
  if (count <= SIZE_SAMPLE_RECORDS) return { values, timestamps };
  const stride = count / SIZE_SAMPLE_RECORDS;
  const sampledValues = new Array<unknown>(SIZE_SAMPLE_RECORDS);
  const sampledTimestamps = timestamps === null ? null : new Array<number | undefined>(SIZE_SAMPLE_RECORDS);
  for (let i = 0; i < SIZE_SAMPLE_RECORDS; i++) {
    const at = Math.floor(i * stride);
    sampledValues[i] = values[at];
    if (sampledTimestamps !== null) sampledTimestamps[i] = timestamps![at];
  }
  return { values: sampledValues, timestamps: sampledTimestamps };
}
