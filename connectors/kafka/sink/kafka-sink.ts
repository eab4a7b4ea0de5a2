import type { Kafka, Message } from 'kafkajs';
import type { SinkInitContext, TwoPhaseCommittingSink } from '../../../api/connector/sink.js';
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { AtLeastOnceRecordSender } from './at-least-once-record-sender.js';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import { CommittedTransactions } from './committed-transactions.js';
import { KafkaCommitter } from './kafka-committer.js';
import { KafkaInternalConnection } from './kafka-internal-producer.js';
import { createKafkaClient } from './kafka-producer-config.js';
import type { KafkaRecordSender } from './kafka-record-sender.js';
import { brokerUnreachableError, recoveryError } from './kafka-sink-errors.js';
import { KafkaSinkBuilder, type KafkaSinkOptions } from './kafka-sink-builder.js';
import { KafkaWriter } from './kafka-writer.js';
import { kafkajsPartitioner } from './kafkajs-partitioner.js';
import { abortLingeringTransactions } from './transaction-aborter.js';
import { TransactionalRecordSender } from './transactional-record-sender.js';
import { checkWriterState, namespaceKey, type TransactionalIdNamespace } from './transactional-id.js';

/**
 * Writes a stream to Kafka topics (Flink's KafkaSink) with the builder's delivery guarantee:
 * NONE, AT_LEAST_ONCE (every record of a checkpoint acknowledged before it completes) or
 * EXACTLY_ONCE (Kafka transactions, committed when checkpoints complete; needs checkpointing and a
 * transactional id prefix). Always a two-phase sink, so the runtime calls the writer at each
 * barrier; only EXACTLY_ONCE hands over committables.
 *
 * ```ts
 * stream.sinkTo(
 *   KafkaSink.builder<string>()
 *     .setBootstrapServers('localhost:9092')
 *     .setRecordSerializer(
 *       KafkaRecordSerializationSchema.builder<string>()
 *         .setTopic('out')
 *         .setValueSerializationSchema(new SimpleStringSchema())
 *         .build(),
 *     )
 *     .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *     .setTransactionalIdPrefix('orders-out')
 *     .build(),
 * );
 * ```
 */
export class KafkaSink<T> implements TwoPhaseCommittingSink<T, KafkaCommittable, KafkaWriterState> {
  /** What the committers of this process committed, for the writers (shared by its subtasks). */
  private readonly commits = new CommittedTransactions();

  /** Prefer `KafkaSink.builder()`. */
  constructor(readonly options: KafkaSinkOptions<T>) {}

  static builder<T = unknown>(): KafkaSinkBuilder<T> {
    return new KafkaSinkBuilder<T>((options) => new KafkaSink(options));
  }

  /**
   * Connects (failing with KAFKA_BROKER_UNREACHABLE after the client's retries). EXACTLY_ONCE first
   * aborts the transactions earlier attempts left open: from each recovered state's next
   * transactional id on, and in this subtask's own ids from its restored counter (0 without one).
   */
  async createWriter(
    context: SinkInitContext,
    recoveredState: KafkaWriterState[] = [],
  ): Promise<KafkaWriter<T>> {
    const { recordSerializer, deliveryGuarantee, config } = this.options;
    if (deliveryGuarantee === DeliveryGuarantee.EXACTLY_ONCE && !context.checkpointingEnabled) {
      throw new IllegalConfigurationError(
        'KafkaSink with DeliveryGuarantee.EXACTLY_ONCE needs checkpointing: its transactions are committed ' +
          'when checkpoints complete; call env.enableCheckpointing(interval) or use AT_LEAST_ONCE',
      );
    }
    const sinkContext = {
      parallelInstanceId: context.indexOfSubtask,
      numberOfParallelInstances: context.parallelism,
    };
    recordSerializer.open?.(sinkContext);
    const partitioner = recordSerializer.partitioner;
    partitioner?.open?.(context.indexOfSubtask, context.parallelism);
    const elements = partitioner === undefined ? undefined : new WeakMap<Message, unknown>();
    const kafka = createKafkaClient(config, `${context.operatorUidOrId}-${context.indexOfSubtask}`);
    const sender =
      deliveryGuarantee === DeliveryGuarantee.EXACTLY_ONCE
        ? await this.transactionalSender(
            kafka,
            context,
            recoveredState,
            kafkajsPartitioner(partitioner, elements),
          )
        : await this.plainSender(kafka, deliveryGuarantee, kafkajsPartitioner(partitioner, elements));
    return new KafkaWriter(recordSerializer, sinkContext, config, sender, elements);
  }

  createCommitter(context: SinkInitContext): KafkaCommitter {
    const kafka = createKafkaClient(
      this.options.config,
      `${context.operatorUidOrId}-${context.indexOfSubtask}-committer`,
    );
    return new KafkaCommitter(kafka, this.options.config, this.commits);
  }

  private async plainSender(
    kafka: Kafka,
    guarantee: DeliveryGuarantee,
    partitioner: ReturnType<typeof kafkajsPartitioner>,
  ): Promise<KafkaRecordSender> {
    const producer = kafka.producer({ createPartitioner: () => partitioner, allowAutoTopicCreation: true });
    try {
      await producer.connect();
    } catch (error) {
      throw brokerUnreachableError(this.options.config.bootstrapServers, 'connect', error);
    }
    return new AtLeastOnceRecordSender(
      producer,
      this.options.config,
      guarantee === DeliveryGuarantee.AT_LEAST_ONCE,
    );
  }

  private async transactionalSender(
    kafka: Kafka,
    context: SinkInitContext,
    recoveredState: readonly KafkaWriterState[],
    partitioner: ReturnType<typeof kafkajsPartitioner>,
  ): Promise<KafkaRecordSender> {
    const { config } = this.options;
    const own: TransactionalIdNamespace = {
      transactionalIdPrefix: this.options.transactionalIdPrefix!,
      jobId: context.jobId,
      subtaskIndex: context.indexOfSubtask,
    };
    const probes = probeStarts(own, recoveredState.map(checkWriterState));
    let connection: KafkaInternalConnection;
    try {
      connection = await KafkaInternalConnection.open(kafka);
    } catch (error) {
      throw brokerUnreachableError(config.bootstrapServers, 'connect', error);
    }
    try {
      for (const { namespace, fromCounter } of probes.values()) {
        await abortLingeringTransactions(connection, namespace, fromCounter, config.transactionTimeoutMs);
      }
    } catch (error) {
      await connection.close();
      throw recoveryError(config.bootstrapServers, error);
    }
    const start = probes.get(namespaceKey(own))!.fromCounter;
    return new TransactionalRecordSender(connection, config, own, start, partitioner, this.commits);
  }
}

interface ProbeStart {
  readonly namespace: TransactionalIdNamespace;
  readonly fromCounter: number;
}

/**
 * Where to start aborting, per namespace: each recovered state's next counter (the lowest, should
 * a namespace come twice), and this subtask's own namespace from 0 when no state covers it.
 */
export function probeStarts(
  own: TransactionalIdNamespace,
  states: readonly KafkaWriterState[],
): Map<string, ProbeStart> {
  const probes = new Map<string, ProbeStart>();
  for (const state of states) {
    const namespace: TransactionalIdNamespace = {
      transactionalIdPrefix: state.transactionalIdPrefix,
      jobId: state.jobId,
      subtaskIndex: state.subtaskIndex,
    };
    const key = namespaceKey(namespace);
    const known = probes.get(key);
    if (known === undefined || state.nextTransactionCounter < known.fromCounter) {
      probes.set(key, { namespace, fromCounter: state.nextTransactionCounter });
    }
  }
  const ownKey = namespaceKey(own);
  if (!probes.has(ownKey)) probes.set(ownKey, { namespace: own, fromCounter: 0 });
  return probes;
}
