import type { ICustomPartitioner, Message } from 'kafkajs';
import { UserError } from '../../../common/errors/freshet-error.js';
import { loadKafkajs } from '../../../common/lazy-modules.js';
import type { KafkaPartitioner } from './kafka-partitioner.js';

export type PartitionerFunction = ReturnType<ICustomPartitioner>;

/**
 * The kafkajs partitioner a writer sends with: a record's fixed partition if it has one, else the
 * sink's KafkaPartitioner (given the record's element, kept in `elements` by the writer, and the
 * topic's partition ids), else Kafka's default partitioner (murmur2 of the key).
 */
export function kafkajsPartitioner<T>(
  partitioner: KafkaPartitioner<T> | undefined,
  elements: WeakMap<Message, unknown> | undefined,
): PartitionerFunction {
  const fallback = loadKafkajs().Partitioners.DefaultPartitioner();
  if (partitioner === undefined || elements === undefined) return fallback;
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const partitions = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
    let partition: number;
    try {
      partition = partitioner.partition(
        elements.get(message) as T,
        asBytes(message.key),
        asBytes(message.value),
        topic,
        partitions,
      );
    } catch (error) {
      throw new UserError(
        'KAFKA_PARTITIONER_FAILED',
        `the KafkaSink partitioner failed for topic '${topic}': ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    if (!partitions.includes(partition)) {
      throw new UserError(
        'KAFKA_PARTITIONER_FAILED',
        `the KafkaSink partitioner chose partition ${partition} of topic '${topic}', which has partitions ${partitions.join(',')}`,
      );
    }
    return partition;
  };
}

function asBytes(value: Buffer | string | null | undefined): Uint8Array | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
