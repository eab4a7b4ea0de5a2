/**
 * Everything the KafkaSink takes from kafkajs beyond its public API, in this one file (Flink's
 * FlinkKafkaInternalProducer does the same with reflection into Kafka's Java producer).
 *
 * kafkajs has transactions, but its public producer hides the producer id and epoch of a
 * transaction, cannot commit a transaction once its producer is gone, and opens a connection set
 * per transactional id. Exactly-once needs all three: a committable is `{transactionalId,
 * producerId, epoch}`, and after a restore a fresh process commits it by sending EndTxn(commit)
 * with that producer id and epoch to the transaction coordinator (Flink's resumeTransaction +
 * commitTransaction); the coordinator accepts it as long as no newer producer took the id. The
 * internals used (kafkajs 2.2.4 is the last release; the project is no longer developed, so they do
 * not move under us, and `loadInternals` fails loudly if they ever do):
 * - the client's private cluster factory and logger (symbols `private:Kafka:createCluster` and
 *   `private:Kafka:logger`): one Cluster (connections, metadata) shared by a writer's transactions;
 * - `src/producer/eosManager`: per transactional id, InitProducerId (which fences earlier producers
 *   of the id and aborts their open transaction), AddPartitionsToTxn, EndTxn, producer id and epoch;
 * - `src/producer/messageProducer`: sends record batches under an eosManager (sequence numbers);
 * - `cluster.refreshMetadataIfNecessary()`, `cluster.findGroupCoordinator({ coordinatorType:
 *   TRANSACTION })` and `broker.endTxn(...)`.
 */
import { createRequire } from 'node:module';
import type { ICustomPartitioner, Kafka, ProducerBatch } from 'kafkajs';
import { FreshetError } from '../../../common/errors/freshet-error.js';

type Retrier = <R>(fn: (bail: (error: unknown) => void, retryCount: number) => Promise<R>) => Promise<R>;

interface InternalBroker {
  endTxn(request: {
    transactionalId: string;
    producerId: string;
    producerEpoch: number;
    transactionResult: boolean;
  }): Promise<unknown>;
}

interface InternalCluster {
  connect(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string; coordinatorType: number }): Promise<InternalBroker>;
  readonly retrier: Retrier;
}

interface InternalEosManager {
  initProducerId(): Promise<void>;
  getProducerId(): string | number;
  getProducerEpoch(): number;
  beginTransaction(): void;
  abort(): Promise<void>;
}

interface InternalMessageProducer {
  sendBatch(batch: ProducerBatch): Promise<unknown>;
}

type CreateCluster = (options: {
  metadataMaxAge: number;
  allowAutoTopicCreation: boolean;
  maxInFlightRequests: null;
  instrumentationEmitter: null;
}) => InternalCluster;

type CreateEosManager = (options: {
  logger: unknown;
  cluster: InternalCluster;
  transactionTimeout: number;
  transactional: true;
  transactionalId: string;
}) => InternalEosManager;

type CreateMessageProducer = (options: {
  logger: unknown;
  cluster: InternalCluster;
  partitioner: ReturnType<ICustomPartitioner>;
  eosManager: InternalEosManager;
  idempotent: true;
  retrier: Retrier;
  getConnectionStatus: () => string;
}) => InternalMessageProducer;

/** kafkajs's FindCoordinator key type of transaction coordinators. */
const TRANSACTION_COORDINATOR = 1;
const METADATA_MAX_AGE_MS = 300_000;

interface Internals {
  readonly createEosManager: CreateEosManager;
  readonly createMessageProducer: CreateMessageProducer;
}

let internals: Internals | undefined;

function internalsChanged(what: string): FreshetError {
  return new FreshetError(
    'KAFKAJS_INTERNALS_CHANGED',
    `the installed kafkajs lacks ${what}, which the exactly-once KafkaSink needs; install kafkajs 2.2.x`,
  );
}

function loadInternals(): Internals {
  if (internals !== undefined) return internals;
  const require = createRequire(import.meta.url);
  const createEosManager = require('kafkajs/src/producer/eosManager/index.js') as unknown;
  const createMessageProducer = require('kafkajs/src/producer/messageProducer.js') as unknown;
  if (typeof createEosManager !== 'function') throw internalsChanged('src/producer/eosManager');
  if (typeof createMessageProducer !== 'function') throw internalsChanged('src/producer/messageProducer');
  internals = {
    createEosManager: createEosManager as CreateEosManager,
    createMessageProducer: createMessageProducer as CreateMessageProducer,
  };
  return internals;
}

function privateMember(kafka: Kafka, description: string): unknown {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === description);
  const value = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (value === undefined) throw internalsChanged(`the Kafka client's ${description}`);
  return value;
}

/** One connection set to a Kafka cluster, for any number of transactional producers and commits. */
export class KafkaInternalConnection {
  private status: 'connected' | 'disconnecting' | 'disconnected' = 'connected';

  private constructor(
    private readonly cluster: InternalCluster,
    private readonly logger: unknown,
  ) {}

  /** Connects (with the client's retries); rejects with kafkajs's error when no broker answers. */
  static async open(kafka: Kafka, allowAutoTopicCreation = true): Promise<KafkaInternalConnection> {
    loadInternals();
    const createCluster = privateMember(kafka, 'private:Kafka:createCluster');
    const logger = privateMember(kafka, 'private:Kafka:logger');
    if (typeof createCluster !== 'function') throw internalsChanged("the Kafka client's cluster factory");
    const cluster = (createCluster as CreateCluster)({
      metadataMaxAge: METADATA_MAX_AGE_MS,
      allowAutoTopicCreation,
      maxInFlightRequests: null,
      instrumentationEmitter: null,
    });
    await cluster.connect();
    return new KafkaInternalConnection(cluster, logger);
  }

  /** A producer for `transactionalId`; nothing is sent until `initTransactions`. */
  producer(
    transactionalId: string,
    transactionTimeoutMs: number,
    partitioner: ReturnType<ICustomPartitioner>,
  ): KafkaInternalProducer {
    const { createEosManager, createMessageProducer } = loadInternals();
    const eosManager = createEosManager({
      logger: this.logger,
      cluster: this.cluster,
      transactionTimeout: transactionTimeoutMs,
      transactional: true,
      transactionalId,
    });
    const messages = createMessageProducer({
      logger: this.logger,
      cluster: this.cluster,
      partitioner,
      eosManager,
      idempotent: true,
      retrier: this.cluster.retrier,
      getConnectionStatus: () => this.status,
    });
    return new KafkaInternalProducer(transactionalId, eosManager, messages);
  }

  /**
   * Ends the transaction of `transactionalId` that producer `producerId` at `epoch` began: one
   * EndTxn request to the id's transaction coordinator, whoever began it. Rejects with kafkajs's
   * error (protocol errors carry their `type`, e.g. CONCURRENT_TRANSACTIONS, INVALID_PRODUCER_EPOCH).
   */
  async endTransaction(
    transactionalId: string,
    producerId: string,
    epoch: number,
    commit: boolean,
  ): Promise<void> {
    // Brokers are known only from metadata; without it the coordinator lookup fails and retries.
    await this.cluster.refreshMetadataIfNecessary();
    const coordinator = await this.cluster.findGroupCoordinator({
      groupId: transactionalId,
      coordinatorType: TRANSACTION_COORDINATOR,
    });
    await coordinator.endTxn({
      transactionalId,
      producerId,
      producerEpoch: epoch,
      transactionResult: commit,
    });
  }

  /** Runs `attempt` with the client's retry policy: a rejection retries, `bail(error)` gives up. */
  retry<R>(attempt: (bail: (error: unknown) => void, retryCount: number) => Promise<R>): Promise<R> {
    return this.cluster.retrier(attempt);
  }

  async close(): Promise<void> {
    if (this.status === 'disconnected') return;
    this.status = 'disconnecting';
    try {
      await this.cluster.disconnect();
    } finally {
      this.status = 'disconnected';
    }
  }
}

/** A transactional producer over a shared connection (Flink's FlinkKafkaInternalProducer). */
export class KafkaInternalProducer {
  constructor(
    readonly transactionalId: string,
    private readonly eosManager: InternalEosManager,
    private readonly messages: InternalMessageProducer,
  ) {}

  /**
   * InitProducerId for the transactional id: fences every earlier producer of the id and aborts
   * its open transaction (retrying while the coordinator finishes that abort).
   */
  initTransactions(): Promise<void> {
    return this.eosManager.initProducerId();
  }

  /** The producer id InitProducerId gave (a decimal int64), or '-1' before. */
  get producerId(): string {
    return String(this.eosManager.getProducerId());
  }

  /** The epoch InitProducerId gave; 0 means the transactional id had never been used. */
  get epoch(): number {
    return this.eosManager.getProducerEpoch();
  }

  beginTransaction(): void {
    this.eosManager.beginTransaction();
  }

  /** Sends a batch in the transaction (adding its partitions first); resolves once Kafka acked it. */
  async send(batch: ProducerBatch): Promise<void> {
    await this.messages.sendBatch(batch);
  }

  /** Aborts the open transaction (no request if nothing was sent in it). */
  abortTransaction(): Promise<void> {
    return this.eosManager.abort();
  }
}
