import type { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import type { KafkaRecordBatch } from './kafka-record-batch.js';

/**
 * How a KafkaWriter's batches reach Kafka for its delivery guarantee: AtLeastOnceRecordSender
 * (NONE, AT_LEAST_ONCE) or TransactionalRecordSender (EXACTLY_ONCE).
 */
export interface KafkaRecordSender {
  /** The first failure of an asynchronous send; the writer fails the task with it. */
  readonly failure: FreshetError | undefined;
  /** Sends `batch`, or queues it behind the batches in flight. */
  send(batch: KafkaRecordBatch): void;
  /** Resolves once every batch sent so far is acknowledged; rejects with the failure, if any. */
  flush(): Promise<void>;
  /**
   * At a checkpoint barrier, after the writer handed over its buffered records: what the
   * checkpoint must commit. Cuts synchronously: batches sent after this call belong to the next.
   */
  prepareCommit(checkpointId: number): Promise<KafkaCommittable[]>;
  snapshotState(checkpointId: number): KafkaWriterState[];
  close(): Promise<void>;
}
