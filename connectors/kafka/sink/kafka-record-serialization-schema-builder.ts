import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import type { KafkaPartitioner } from './kafka-partitioner.js';
import type { KafkaProducerRecord, KafkaSinkContext } from './kafka-producer-record.js';
import type { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';
import type { SerializationSchema } from './serialization-schema.js';

export type KafkaHeaders = Readonly<Record<string, Uint8Array | string>>;

/**
 * Configures a KafkaRecordSerializationSchema (Flink's KafkaRecordSerializationSchemaBuilder):
 * exactly one of `setTopic` / `setTopicSelector`, a value serialization schema, optionally a key
 * schema, a partitioner and a header provider.
 */
export class KafkaRecordSerializationSchemaBuilder<T> {
  private topic: string | undefined;
  private topicSelector: ((element: T) => string) | undefined;
  private valueSchema: SerializationSchema<T> | undefined;
  private keySchema: SerializationSchema<T> | undefined;
  private partitioner: KafkaPartitioner<T> | undefined;
  private headerProvider: ((element: T) => KafkaHeaders) | undefined;

  /** Every record goes to `topic`. */
  setTopic(topic: string): this {
    if (this.topicSelector !== undefined) {
      throw new IllegalConfigurationError(
        'KafkaRecordSerializationSchema: setTopicSelector was already called',
      );
    }
    if (typeof topic !== 'string' || topic === '') {
      throw new IllegalConfigurationError(
        'KafkaRecordSerializationSchema: the topic must be a non-empty string',
      );
    }
    this.topic = topic;
    return this;
  }

  /** Each record goes to the topic `selector(element)` returns. */
  setTopicSelector(selector: (element: T) => string): this {
    if (this.topic !== undefined) {
      throw new IllegalConfigurationError('KafkaRecordSerializationSchema: setTopic was already called');
    }
    this.topicSelector = selector;
    return this;
  }

  setValueSerializationSchema<U extends T>(
    schema: SerializationSchema<U>,
  ): KafkaRecordSerializationSchemaBuilder<U> {
    const self = this as unknown as KafkaRecordSerializationSchemaBuilder<U>;
    self.valueSchema = schema;
    return self;
  }

  /** Serializes the whole element into the record key (default: records have no key). */
  setKeySerializationSchema<U extends T>(
    schema: SerializationSchema<U>,
  ): KafkaRecordSerializationSchemaBuilder<U> {
    const self = this as unknown as KafkaRecordSerializationSchemaBuilder<U>;
    self.keySchema = schema;
    return self;
  }

  setPartitioner(partitioner: KafkaPartitioner<T>): this {
    this.partitioner = partitioner;
    return this;
  }

  /** Headers of each record (Flink's HeaderProvider). */
  setHeaderProvider(provider: (element: T) => KafkaHeaders): this {
    this.headerProvider = provider;
    return this;
  }

  build(): KafkaRecordSerializationSchema<T> {
    if (this.valueSchema === undefined) {
      throw new IllegalConfigurationError(
        'KafkaRecordSerializationSchema needs setValueSerializationSchema(...) (e.g. new SimpleStringSchema())',
      );
    }
    const topic = this.topic;
    const selector = this.topicSelector;
    if (topic === undefined && selector === undefined) {
      throw new IllegalConfigurationError(
        'KafkaRecordSerializationSchema needs setTopic(topic) or setTopicSelector(element => topic)',
      );
    }
    return new KafkaRecordSerializationSchemaWrapper<T>(
      selector ?? (() => topic!),
      this.valueSchema,
      this.keySchema,
      this.partitioner,
      this.headerProvider,
    );
  }
}

/** What the builder builds (Flink's KafkaRecordSerializationSchemaWrapper). */
class KafkaRecordSerializationSchemaWrapper<T> implements KafkaRecordSerializationSchema<T> {
  constructor(
    private readonly topicOf: (element: T) => string,
    private readonly valueSchema: SerializationSchema<T>,
    private readonly keySchema: SerializationSchema<T> | undefined,
    readonly partitioner: KafkaPartitioner<T> | undefined,
    private readonly headerProvider: ((element: T) => KafkaHeaders) | undefined,
  ) {}

  /** The partitioner is opened by the writer that applies it. */
  open(_context: KafkaSinkContext): void {
    this.valueSchema.open?.();
    this.keySchema?.open?.();
  }

  serialize(element: T, _context: KafkaSinkContext, timestamp: number | undefined): KafkaProducerRecord {
    const topic = this.topicOf(element);
    if (typeof topic !== 'string' || topic === '') {
      throw new TypeError(`the topic selector returned ${JSON.stringify(topic)}, not a topic name`);
    }
    const key = this.keySchema === undefined ? null : this.keySchema.serialize(element);
    const value = this.valueSchema.serialize(element);
    const record: KafkaProducerRecord = { topic, key, value };
    const headers = this.headerProvider?.(element);
    return {
      ...record,
      ...(timestamp === undefined ? {} : { timestamp }),
      ...(headers === undefined ? {} : { headers }),
    };
  }
}
