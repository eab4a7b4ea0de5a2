/**
 * Sends a writer's batches in Kafka transactions, one per checkpoint interval (EXACTLY_ONCE, Flink's
 * two-phase commit with Kafka transactions). At a barrier, `prepareCommit` cuts the open
 * transaction, waits until Kafka acknowledged its records and hands over `{transactionalId,
 * producerId, epoch}` for the Committer to commit once the checkpoint completed; a transaction
 * without records is kept open for the next interval instead (an idle subtask hands over nothing).
 *
 * The next transaction begins at once, at the barrier (InitProducerId under the subtask's next
 * transactional id), as Flink's writer does, not when its first record comes: every id a writer
 * uses is taken while its task runs. A writer that outlives its task (the runtime abandons it on a
 * failover without closing it, and its queued sends still go out) therefore cannot open a
 * transaction under an id that the restored writer's probe already found unused, so the probe
 * aborts everything it left open.
 *
 * Batches go out one at a time (idempotent sequence numbers), and a transaction's first batch waits
 * for the previous transaction's last, so records keep the order they were written in.
 */
import type { ICustomPartitioner } from 'kafkajs';
import type { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import { committableKey, type CommittedTransactions } from './committed-transactions.js';
import type { KafkaInternalConnection, KafkaInternalProducer } from './kafka-internal-producer.js';
import type { KafkaProducerConfig } from './kafka-producer-config.js';
import type { KafkaRecordBatch } from './kafka-record-batch.js';
import type { KafkaRecordSender } from './kafka-record-sender.js';
import { kafkaErrorType, sendError } from './kafka-sink-errors.js';
import { buildTransactionalId, type TransactionalIdNamespace } from './transactional-id.js';

interface OpenTransaction {
  readonly counter: number;
  readonly producer: KafkaInternalProducer;
  /** Settles once the transaction began and everything sent in it so far is acknowledged. */
  tail: Promise<void>;
  records: number;
  readonly topics: Set<string>;
}

const settled = (promise: Promise<void>): Promise<void> =>
  promise.then(
    () => undefined,
    () => undefined,
  );

/** A newer producer of the id (a restored writer) already aborted the transaction when fenced. */
async function abortUnlessFenced(producer: KafkaInternalProducer): Promise<void> {
  try {
    await producer.abortTransaction();
  } catch (error) {
    const type = kafkaErrorType(error);
    if (type !== 'PRODUCER_FENCED' && type !== 'INVALID_PRODUCER_EPOCH') throw error;
  }
}

export class TransactionalRecordSender implements KafkaRecordSender {
  private current: OpenTransaction | undefined;
  /** The last batch of the previous transaction, settled (its failure is reported on its own). */
  private previousTail: Promise<void> = Promise.resolve();
  private nextCounter: number;
  private firstFailure: FreshetError | undefined;
  /** Transactions handed over whose commit this writer has not seen yet, in order. */
  private readonly uncommitted = new Map<string, KafkaCommittable>();

  /**
   * `startCounter`: the first transaction's counter (ids from it on were probed and aborted). The
   * first transaction begins now.
   */
  constructor(
    private readonly connection: KafkaInternalConnection,
    private readonly config: KafkaProducerConfig,
    private readonly namespace: TransactionalIdNamespace,
    startCounter: number,
    private readonly partitioner: ReturnType<ICustomPartitioner>,
    private readonly commits: CommittedTransactions,
  ) {
    this.nextCounter = startCounter;
    this.current = this.beginTransaction();
  }

  get failure(): FreshetError | undefined {
    return this.firstFailure;
  }

  /** The transactional id of the open transaction. */
  get currentTransactionalId(): string | undefined {
    return this.current?.producer.transactionalId;
  }

  send(batch: KafkaRecordBatch): void {
    const transaction = (this.current ??= this.beginTransaction());
    for (const topic of batch.topics) transaction.topics.add(topic);
    transaction.records += batch.records;
    const tail = transaction.tail.then(() => transaction.producer.send(batch.toProducerBatch(this.config)));
    transaction.tail = tail;
    void tail.catch((error: unknown) => this.fail(error, transaction));
  }

  async flush(): Promise<void> {
    const transaction = this.current;
    if (transaction !== undefined) await this.acknowledged(transaction, transaction.tail);
    if (this.firstFailure !== undefined) throw this.firstFailure;
  }

  /**
   * The transaction cut now, and again every earlier one whose commit this writer has not seen
   * (see CommittedTransactions).
   */
  prepareCommit(_checkpointId: number): Promise<KafkaCommittable[]> {
    const earlier = [...this.uncommitted.values()];
    const transaction = this.current;
    if (transaction === undefined) return Promise.resolve(earlier);
    if (transaction.records === 0) {
      // Nothing new to commit: the transaction stays open for the next interval (it did begin).
      return this.acknowledged(transaction, transaction.tail).then(() => earlier);
    }
    this.previousTail = settled(transaction.tail);
    this.current = this.beginTransaction();
    return this.acknowledged(transaction, transaction.tail).then(() => {
      const committable: KafkaCommittable = {
        transactionalId: transaction.producer.transactionalId,
        producerId: transaction.producer.producerId,
        epoch: transaction.producer.epoch,
      };
      const key = committableKey(committable);
      this.uncommitted.set(key, committable);
      this.commits.watch(committable, () => this.uncommitted.delete(key));
      return [...earlier, committable];
    });
  }

  /** Ids from the open transaction's on may linger after a failure; a restored writer starts there. */
  snapshotState(_checkpointId: number): KafkaWriterState[] {
    return [{ ...this.namespace, nextTransactionCounter: this.current?.counter ?? this.nextCounter }];
  }

  /**
   * Aborts the open transaction (records after the last barrier) when Kafka is healthy; after a
   * failure it is left to the restored writer, which aborts it first thing (if that writer fenced
   * this one already, the transaction is aborted and so is this call). Prepared transactions are
   * never aborted here: a completed checkpoint may still commit them after a restore.
   */
  async close(): Promise<void> {
    const transaction = this.current;
    this.current = undefined;
    for (const committable of this.uncommitted.values()) this.commits.unwatch(committable);
    this.uncommitted.clear();
    try {
      if (transaction !== undefined) {
        await settled(transaction.tail);
        if (this.firstFailure === undefined) await abortUnlessFenced(transaction.producer);
      }
    } finally {
      await this.connection.close();
    }
  }

  private beginTransaction(): OpenTransaction {
    const counter = this.nextCounter++;
    const producer = this.connection.producer(
      buildTransactionalId(this.namespace, counter),
      this.config.transactionTimeoutMs,
      this.partitioner,
    );
    const began = producer.initTransactions().then(() => producer.beginTransaction());
    const transaction: OpenTransaction = {
      counter,
      producer,
      tail: Promise.all([began, this.previousTail]).then(() => undefined),
      records: 0,
      topics: new Set(),
    };
    void transaction.tail.catch((error: unknown) => this.fail(error, transaction));
    return transaction;
  }

  private async acknowledged(transaction: OpenTransaction, tail: Promise<void>): Promise<void> {
    try {
      await tail;
    } catch (error) {
      throw this.fail(error, transaction);
    }
  }

  private fail(error: unknown, transaction: OpenTransaction): FreshetError {
    const failure = sendError(
      error,
      [...transaction.topics],
      this.config.bootstrapServers,
      transaction.producer.transactionalId,
    );
    this.firstFailure ??= failure;
    return failure;
  }
}
