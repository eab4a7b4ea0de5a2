/**
 * Builds a KafkaSource (Flink's KafkaSourceBuilder):
 *
 * ```ts
 * const source = KafkaSource.builder()
 *   .setBootstrapServers('localhost:9092')
 *   .setTopics('input-topic')
 *   .setGroupId('my-group')
 *   .setStartingOffsets(OffsetsInitializer.earliest())
 *   .setValueOnlyDeserializer(new SimpleStringSchema())
 *   .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), 'Kafka Source');
 * ```
 *
 * Required: bootstrap servers, one subscription (topics, pattern or partitions) and a
 * deserializer. `setBounded(stoppingOffsets)` makes the source bounded (no partition discovery).
 */
import { Boundedness } from '../../../api/connector/source.js';
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import type { DeserializationSchema } from './deserialization-schema.js';
import type { TopicPartition } from './kafka-partition-split.js';
import { KafkaRecordDeserializationSchema } from './kafka-record-deserialization-schema.js';
import type { KafkaSourceClientFactory } from './kafka-source-client.js';
import type { DeserializationErrorHandler } from './kafka-source-errors.js';
import {
  KafkaSourceOptions,
  parseKafkaSourceConfig,
  type KafkaSourceConfig,
} from './kafka-source-options.js';
import type { KafkaSource } from './kafka-source.js';
import { KafkaSubscriber } from './kafka-subscriber.js';
import { KafkajsSourceClient } from './kafkajs-source-client.js';
import { OffsetsInitializer } from './offsets-initializer.js';

/** Everything a built KafkaSource holds. */
export interface KafkaSourceSettings<T> {
  readonly subscriber: KafkaSubscriber;
  readonly startingOffsets: OffsetsInitializer;
  readonly stoppingOffsets: OffsetsInitializer | undefined;
  readonly boundedness: Boundedness;
  readonly config: KafkaSourceConfig;
  readonly deserializer: KafkaRecordDeserializationSchema<T>;
  readonly deserializationErrorHandler: DeserializationErrorHandler | undefined;
  readonly clientFactory: KafkaSourceClientFactory;
}

export class KafkaSourceBuilder<T> {
  private readonly create: (settings: KafkaSourceSettings<T>) => KafkaSource<T>;
  private subscriber: { readonly kind: string; readonly value: KafkaSubscriber } | undefined;
  private startingOffsets: OffsetsInitializer = OffsetsInitializer.earliest();
  private stoppingOffsets: OffsetsInitializer | undefined;
  private boundedness: Boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
  private deserializer: KafkaRecordDeserializationSchema<T> | undefined;
  private deserializationErrorHandler: DeserializationErrorHandler | undefined;
  private clientFactory: ((config: KafkaSourceConfig) => KafkaSourceClientFactory) | undefined;
  private readonly properties: Record<string, string> = {};

  /** Use `KafkaSource.builder()`. */
  constructor(create: (settings: KafkaSourceSettings<T>) => KafkaSource<T>) {
    this.create = create;
  }

  /** `host:port[,host:port...]` (Kafka's `bootstrap.servers`). */
  setBootstrapServers(servers: string): this {
    return this.setProperty(KafkaSourceOptions.BOOTSTRAP_SERVERS, servers);
  }

  setGroupId(groupId: string): this {
    return this.setProperty(KafkaSourceOptions.GROUP_ID, groupId);
  }

  setClientIdPrefix(prefix: string): this {
    return this.setProperty(KafkaSourceOptions.CLIENT_ID_PREFIX, prefix);
  }

  /** Every partition of these topics. */
  setTopics(...topics: (string | readonly string[])[]): this {
    const names = topics.flat();
    if (names.length === 0 || names.some((name) => name.trim() === '')) {
      throw new IllegalConfigurationError('KafkaSource setTopics needs one or more non-empty topic names');
    }
    return this.setSubscriber('topics', KafkaSubscriber.topics(names));
  }

  /** Every partition of every topic whose whole name matches (checked again at each discovery). */
  setTopicPattern(pattern: RegExp | string): this {
    return this.setSubscriber('topic pattern', KafkaSubscriber.pattern(pattern));
  }

  /** Exactly these partitions. */
  setPartitions(...partitions: (TopicPartition | readonly TopicPartition[])[]): this {
    const list = partitions.flat();
    if (list.length === 0) throw new IllegalConfigurationError('KafkaSource setPartitions needs partitions');
    return this.setSubscriber('partitions', KafkaSubscriber.partitions(list));
  }

  /** Where reading starts in partitions found at start-up (default earliest); later ones start at earliest. */
  setStartingOffsets(initializer: OffsetsInitializer): this {
    this.startingOffsets = initializer;
    return this;
  }

  /** Stops each partition at these offsets and makes the source bounded. */
  setBounded(stoppingOffsets: OffsetsInitializer): this {
    this.boundedness = Boundedness.BOUNDED;
    this.stoppingOffsets = stoppingOffsets;
    return this;
  }

  /** Stops each partition at these offsets but stays a streaming (unbounded) source. */
  setUnbounded(stoppingOffsets: OffsetsInitializer): this {
    this.boundedness = Boundedness.CONTINUOUS_UNBOUNDED;
    this.stoppingOffsets = stoppingOffsets;
    return this;
  }

  /** Deserializes whole records (key, value, headers, topic, partition, offset, timestamp). */
  setDeserializer<U>(deserializer: KafkaRecordDeserializationSchema<U>): KafkaSourceBuilder<U> {
    const self = this as unknown as KafkaSourceBuilder<U>;
    self.deserializer = deserializer;
    return self;
  }

  /** Deserializes record values only (records without a value are skipped). */
  setValueOnlyDeserializer<U>(deserializer: DeserializationSchema<U>): KafkaSourceBuilder<U> {
    return this.setDeserializer(KafkaRecordDeserializationSchema.valueOnly(deserializer));
  }

  /**
   * Decides about records the deserializer throws on: 'fail' (the default without a handler, as
   * in Flink: the task fails with topic, partition and offset) or 'skip'.
   */
  setDeserializationErrorHandler(handler: DeserializationErrorHandler): this {
    this.deserializationErrorHandler = handler;
    return this;
  }

  /** A Kafka consumer or KafkaSource property (see KafkaSourceOptions). */
  setProperty(key: string, value: string): this {
    this.properties[key] = value;
    return this;
  }

  setProperties(properties: Readonly<Record<string, string>>): this {
    for (const [key, value] of Object.entries(properties)) this.setProperty(key, value);
    return this;
  }

  /** Another client than kafkajs's (tests, or a different library), created per enumerator/reader. */
  setClientFactory(factory: (config: KafkaSourceConfig) => KafkaSourceClientFactory): this {
    this.clientFactory = factory;
    return this;
  }

  build(): KafkaSource<T> {
    if (this.subscriber === undefined) {
      throw new IllegalConfigurationError(
        'KafkaSource needs something to read: call setTopics, setTopicPattern or setPartitions',
      );
    }
    if (this.deserializer === undefined) {
      throw new IllegalConfigurationError(
        'KafkaSource needs a deserializer: call setValueOnlyDeserializer(new SimpleStringSchema()) or setDeserializer',
      );
    }
    const properties: Record<string, string> = { ...this.properties };
    // As Flink: the reset strategy follows the starting offsets; bounded sources do not discover.
    properties[KafkaSourceOptions.AUTO_OFFSET_RESET] = this.startingOffsets
      .getAutoOffsetResetStrategy()
      .toLowerCase();
    if (this.boundedness === Boundedness.BOUNDED) {
      properties[KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS] = '-1';
    }
    const config = parseKafkaSourceConfig(properties);
    for (const initializer of [this.startingOffsets, this.stoppingOffsets]) {
      if (initializer?.requiresGroupId === true && config.groupId === undefined) {
        throw new IllegalConfigurationError(
          `KafkaSource ${initializer.toString()} needs a group ID: call setGroupId(...)`,
        );
      }
    }
    const clientFactory =
      this.clientFactory?.(config) ?? ((clientId: string) => new KafkajsSourceClient(config, clientId));
    return this.create({
      subscriber: this.subscriber.value,
      startingOffsets: this.startingOffsets,
      stoppingOffsets: this.stoppingOffsets,
      boundedness: this.boundedness,
      config,
      deserializer: this.deserializer,
      deserializationErrorHandler: this.deserializationErrorHandler,
      clientFactory,
    });
  }

  private setSubscriber(kind: string, value: KafkaSubscriber): this {
    if (this.subscriber !== undefined && this.subscriber.kind !== kind) {
      throw new IllegalConfigurationError(
        `KafkaSource cannot use ${kind} because ${this.subscriber.kind} ${this.subscriber.kind.endsWith('s') ? 'are' : 'is'} already set; choose one`,
      );
    }
    this.subscriber = { kind, value };
    return this;
  }
}
