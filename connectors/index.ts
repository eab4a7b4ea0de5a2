/** The connectors of Freshet (`freshet/connectors`): sources and sinks for jobs. */
export { CollectionSource, type CollectionSplit } from './collection/collection-source.js';
export { DataGeneratorSource } from './datagen/data-generator-source.js';
export { NumberSequenceSource } from './datagen/number-sequence-source.js';
export { RandomGenerator } from './datagen/random-generator.js';
export { RateLimiterStrategy, type RateLimiter } from './datagen/rate-limiter-strategy.js';
export type { SequenceSplit } from './datagen/sequence-source-reader.js';
export { FileSource, FileSourceBuilder, type FileSourceSplit } from './file/file-source.js';
export type { StreamFormat, StreamFormatDecoder } from './file/stream-format.js';
export { TextLineInputFormat } from './file/text-line-input-format.js';
export { FileSink, RowFormatBuilder } from './file/file-sink.js';
export { SimpleStringEncoder, type Encoder } from './file/encoder.js';
export type { OutputFileConfig } from './file/output-file-config.js';
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  type PartFileInfo,
  type RollingPolicy,
} from './file/rolling-policy.js';
export { PrintSink } from './print/print-sink.js';
export { DiscardingSink } from './blackhole/discarding-sink.js';
export { NexmarkSource, type NexmarkSplit } from './nexmark/nexmark-source.js';
export { NexmarkGenerator, generateEvents } from './nexmark/nexmark-generator.js';
export type { NexmarkConfig } from './nexmark/nexmark-generator-config.js';
export {
  eventTimestamp,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  type Auction,
  type Bid,
  type NexmarkEvent,
  type NexmarkEventType,
  type Person,
} from './nexmark/nexmark-model.js';
export { JdbcSink } from './jdbc/jdbc-sink.js';
export type { JdbcStatementBuilder } from './jdbc/jdbc-writer-setup.js';
export type { JdbcCommittable, JdbcWriterState } from './jdbc/jdbc-committable.js';
export { JdbcExecutionOptions, JdbcExecutionOptionsBuilder } from './jdbc/jdbc-execution-options.js';
export { JdbcConnectionOptions, JdbcConnectionOptionsBuilder } from './jdbc/jdbc-connection-options.js';
export { JdbcExactlyOnceOptions, JdbcExactlyOnceOptionsBuilder } from './jdbc/jdbc-exactly-once-options.js';
export { JdbcErrorCode } from './jdbc/jdbc-errors.js';
export { KafkaSource } from './kafka/source/kafka-source.js';
export { KafkaSourceBuilder } from './kafka/source/kafka-source-builder.js';
export type { KafkaPartitionSplit, TopicPartition } from './kafka/source/kafka-partition-split.js';
export type { KafkaSourceEnumState } from './kafka/source/kafka-source-enumerator.js';
export {
  OffsetResetStrategy,
  OffsetsInitializer,
  type PartitionOffsetsRetriever,
} from './kafka/source/offsets-initializer.js';
export { KafkaRecordDeserializationSchema } from './kafka/source/kafka-record-deserialization-schema.js';
export {
  ByteArrayDeserializationSchema,
  JsonDeserializationSchema,
  type DeserializationSchema,
} from './kafka/source/deserialization-schema.js';
export type { KafkaConsumerRecord, KafkaHeaderValue } from './kafka/source/kafka-source-client.js';
export {
  KafkaSourceErrorCode,
  type DeserializationErrorHandler,
} from './kafka/source/kafka-source-errors.js';
export { KafkaSourceOptions, IsolationLevel } from './kafka/source/kafka-source-options.js';
export { SimpleStringSchema } from './kafka/common/simple-string-schema.js';
export { KafkaSink } from './kafka/sink/kafka-sink.js';
export { KafkaSinkBuilder } from './kafka/sink/kafka-sink-builder.js';
export { DeliveryGuarantee } from './kafka/sink/delivery-guarantee.js';
export { KafkaRecordSerializationSchema } from './kafka/sink/kafka-record-serialization-schema.js';
export {
  KafkaRecordSerializationSchemaBuilder,
  type KafkaHeaders,
} from './kafka/sink/kafka-record-serialization-schema-builder.js';
export type { KafkaProducerRecord, KafkaSinkContext } from './kafka/sink/kafka-producer-record.js';
export type { SerializationSchema } from './kafka/sink/serialization-schema.js';
export { JsonSerializationSchema } from './kafka/sink/json-serialization-schema.js';
export { FlinkFixedPartitioner, type KafkaPartitioner } from './kafka/sink/kafka-partitioner.js';
export type { KafkaCommittable, KafkaWriterState } from './kafka/sink/kafka-committable.js';
export { KafkaSinkErrorCode } from './kafka/sink/kafka-sink-errors.js';
export { SUPPORTED_PRODUCER_PROPERTIES } from './kafka/sink/kafka-producer-config.js';
