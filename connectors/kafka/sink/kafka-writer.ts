/**
 * The KafkaSink's writer (Flink's KafkaWriter): serializes each element into a Kafka record on the
 * task's thread, buffers records and hands them to the delivery guarantee's KafkaRecordSender in
 * batches, once `batch.size` bytes (or 1000 records) are buffered or `linger.ms` passed (default:
 * the next turn of the event loop, which the task yields to between input buffers). Sending is
 * asynchronous; the first failure fails the task at the next `write`, `flush` or checkpoint
 * (Flink's checkAsyncException).
 */
import type { IHeaders, Message } from 'kafkajs';
import type { PrecommittingSinkWriter, SinkWriterContext } from '../../../api/connector/sink.js';
import { toError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import type { KafkaProducerConfig } from './kafka-producer-config.js';
import type { KafkaProducerRecord, KafkaSinkContext } from './kafka-producer-record.js';
import { KafkaRecordBatch } from './kafka-record-batch.js';
import type { KafkaRecordSender } from './kafka-record-sender.js';
import type { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';
import { serializationError } from './kafka-sink-errors.js';

/** kafkajs groups a request's records per partition in quadratic time; keep requests moderate. */
const MAX_BATCH_RECORDS = 1000;

export class KafkaWriter<T> implements PrecommittingSinkWriter<T, KafkaCommittable, KafkaWriterState> {
  private batch = new KafkaRecordBatch();
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  /** A failure of a batch handed over from a linger timer (outside any call of the task). */
  private deferredFailure: Error | undefined;

  /**
   * `partitionedElements`: where the element of each record without a fixed partition is kept for
   * the schema's partitioner, which runs when the record is sent (undefined without one).
   */
  constructor(
    private readonly schema: KafkaRecordSerializationSchema<T>,
    private readonly sinkContext: KafkaSinkContext,
    private readonly config: KafkaProducerConfig,
    private readonly sender: KafkaRecordSender,
    private readonly partitionedElements: WeakMap<Message, unknown> | undefined,
  ) {}

  /** Records serialized but not yet handed to the sender. */
  get bufferedRecords(): number {
    return this.batch.records;
  }

  write(element: T, context: SinkWriterContext): void {
    const failure = this.deferredFailure ?? this.sender.failure;
    if (failure !== undefined) throw failure;
    let record: KafkaProducerRecord | null;
    try {
      record = this.schema.serialize(element, this.sinkContext, context.timestamp);
      if (record !== null) checkRecord(record);
    } catch (error) {
      throw serializationError(element, error);
    }
    if (record === null) return;
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const timestamp = record.timestamp;
    const message: Message = {
      key,
      value,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
      ...(timestamp === undefined || timestamp < 0 ? {} : { timestamp: String(timestamp) }),
      ...(record.headers === undefined ? {} : { headers: toHeaders(record.headers) }),
    };
    if (record.partition === undefined) this.partitionedElements?.set(message, element);
    this.batch.add(record.topic, message, (key?.length ?? 0) + (value?.length ?? 0));
    if (this.batch.bytes >= this.config.batchSizeBytes || this.batch.records >= MAX_BATCH_RECORDS) {
      this.dispatch();
    } else {
      this.scheduleDispatch();
    }
  }

  /** Sends what is buffered and waits until Kafka acknowledged everything sent so far. */
  async flush(_endOfInput: boolean): Promise<void> {
    this.dispatch();
    if (this.deferredFailure !== undefined) throw this.deferredFailure;
    await this.sender.flush();
  }

  /** Hands the buffered records over before the sender cuts, all before the first await. */
  prepareCommit(checkpointId: number): Promise<KafkaCommittable[]> {
    this.dispatch();
    if (this.deferredFailure !== undefined) return Promise.reject(this.deferredFailure);
    return this.sender.prepareCommit(checkpointId);
  }

  snapshotState(checkpointId: number): KafkaWriterState[] {
    return this.sender.snapshotState(checkpointId);
  }

  /** Drops what is buffered (not sent, so never committed) and closes the sender. */
  async close(): Promise<void> {
    this.cancelTimer();
    this.batch = new KafkaRecordBatch();
    await this.sender.close();
  }

  private dispatch(): void {
    this.cancelTimer();
    if (this.batch.records === 0) return;
    const batch = this.batch;
    this.batch = new KafkaRecordBatch();
    this.sender.send(batch);
  }

  private scheduleDispatch(): void {
    if (this.timer !== undefined) return;
    const fire = (): void => {
      this.timer = undefined;
      try {
        this.dispatch();
      } catch (error) {
        this.deferredFailure ??= toError(error);
      }
    };
    this.timer = this.config.lingerMs === 0 ? setImmediate(fire) : setTimeout(fire, this.config.lingerMs);
    this.timer.unref();
  }

  private cancelTimer(): void {
    const timer = this.timer;
    if (timer === undefined) return;
    this.timer = undefined;
    if (this.config.lingerMs === 0) clearImmediate(timer as NodeJS.Immediate);
    else clearTimeout(timer as NodeJS.Timeout);
  }
}

function checkRecord(record: KafkaProducerRecord): void {
  if (typeof record.topic !== 'string' || record.topic === '') {
    throw new TypeError(`the record has no topic (${JSON.stringify(record.topic)})`);
  }
  const partition = record.partition;
  if (partition !== undefined && !(Number.isSafeInteger(partition) && partition >= 0)) {
    throw new TypeError(`the record's partition ${String(partition)} is not a non-negative integer`);
  }
}

function toBuffer(bytes: Uint8Array | string | null | undefined): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  if (Buffer.isBuffer(bytes)) return bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toHeaders(headers: Readonly<Record<string, Uint8Array | string>>): IHeaders {
  const result: IHeaders = {};
  for (const [name, value] of Object.entries(headers)) result[name] = toBuffer(value) ?? Buffer.alloc(0);
  return result;
}
