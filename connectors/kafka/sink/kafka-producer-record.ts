/**
 * A record for Kafka, as a KafkaRecordSerializationSchema produces it (Flink's ProducerRecord
 * <byte[], byte[]>), and what the schema knows about the writer serializing it.
 */
export interface KafkaProducerRecord {
  readonly topic: string;
  /** A fixed partition; otherwise the sink's partitioner or Kafka's default one picks it. */
  readonly partition?: number;
  readonly key: Uint8Array | null;
  /** `null` is a tombstone. */
  readonly value: Uint8Array | null;
  /** Milliseconds since the epoch; default: the element's event timestamp, else the send time. */
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, Uint8Array | string>>;
}

/** The writer a schema serializes for (Flink's KafkaRecordSerializationSchema.KafkaSinkContext). */
export interface KafkaSinkContext {
  readonly parallelInstanceId: number;
  readonly numberOfParallelInstances: number;
}
