import type { KafkaPartitioner } from './kafka-partitioner.js';
import type { KafkaProducerRecord, KafkaSinkContext } from './kafka-producer-record.js';
import { KafkaRecordSerializationSchemaBuilder } from './kafka-record-serialization-schema-builder.js';

/**
 * Turns an element into a Kafka record: topic, key, value, headers (Flink's
 * KafkaRecordSerializationSchema). Build one with `KafkaRecordSerializationSchema.builder()`, or
 * implement it for full control.
 */
export interface KafkaRecordSerializationSchema<T> {
  /** Called once per writer before the first `serialize`. */
  open?(context: KafkaSinkContext): void;
  /**
   * The record for `element`, or `null` to skip it. `timestamp` is the element's event timestamp
   * (if it has one). Throwing fails the task.
   */
  serialize(element: T, context: KafkaSinkContext, timestamp: number | undefined): KafkaProducerRecord | null;
  /**
   * Picks partitions for records without a fixed one, when they are sent (the topic's partitions
   * are known then); default: Kafka's default partitioner.
   */
  readonly partitioner?: KafkaPartitioner<T> | undefined;
}

export const KafkaRecordSerializationSchema = {
  /** A schema from a topic (or topic selector) and value/key serialization schemas. */
  builder<T = unknown>(): KafkaRecordSerializationSchemaBuilder<T> {
    return new KafkaRecordSerializationSchemaBuilder<T>();
  },
};
