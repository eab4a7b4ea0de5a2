/**
 * Turns fetched Kafka records into stream records (Flink's KafkaRecordDeserializationSchema):
 * it sees the whole record (key, value, headers, topic, partition, offset, timestamp) and may
 * emit any number of elements. `valueOnly(schema)` adapts a value DeserializationSchema; records
 * without a value (tombstones) are skipped by it.
 */
import type { Collector } from '../../../api/functions/collector.js';
import type { DeserializationSchema } from './deserialization-schema.js';
import type { KafkaConsumerRecord } from './kafka-source-client.js';

export interface KafkaRecordDeserializationSchema<T> {
  /** Called once per reader before the first record. */
  open?(): void | Promise<void>;
  deserialize(record: KafkaConsumerRecord, out: Collector<T>): void;
}

class ValueOnlyDeserializationSchema<T> implements KafkaRecordDeserializationSchema<T> {
  constructor(private readonly schema: DeserializationSchema<T>) {}

  open(): void | Promise<void> {
    return this.schema.open?.();
  }

  deserialize(record: KafkaConsumerRecord, out: Collector<T>): void {
    if (record.value === null) return;
    const value = this.schema.deserialize(record.value);
    if (value !== null && value !== undefined) out.collect(value);
  }
}

export const KafkaRecordDeserializationSchema = {
  valueOnly: <T>(schema: DeserializationSchema<T>): KafkaRecordDeserializationSchema<T> =>
    new ValueOnlyDeserializationSchema(schema),
  /** From a function of the whole record; returning undefined skips it. */
  of: <T>(
    deserialize: (record: KafkaConsumerRecord) => T | undefined,
  ): KafkaRecordDeserializationSchema<T> => ({
    deserialize(record, out) {
      const value = deserialize(record);
      if (value !== undefined) out.collect(value);
    },
  }),
};
