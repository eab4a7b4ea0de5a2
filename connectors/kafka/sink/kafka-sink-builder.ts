import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import { parseKafkaProducerConfig, type KafkaProducerConfig } from './kafka-producer-config.js';
import type { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';
import type { KafkaSink } from './kafka-sink.js';

/** Everything a KafkaSink is built from, checked. */
export interface KafkaSinkOptions<T> {
  readonly recordSerializer: KafkaRecordSerializationSchema<T>;
  readonly deliveryGuarantee: DeliveryGuarantee;
  /** Set (non-empty) for EXACTLY_ONCE. */
  readonly transactionalIdPrefix: string | undefined;
  readonly config: KafkaProducerConfig;
}

export type KafkaSinkFactory = <T>(options: KafkaSinkOptions<T>) => KafkaSink<T>;

/**
 * Configures a KafkaSink (Flink's KafkaSinkBuilder): bootstrap servers and a record serializer are
 * required; the delivery guarantee is NONE unless set; EXACTLY_ONCE needs a transactional id prefix.
 * Producer properties use Kafka's names (`setProperty('transaction.timeout.ms', '900000')`).
 */
export class KafkaSinkBuilder<T> {
  private recordSerializer: KafkaRecordSerializationSchema<T> | undefined;
  private deliveryGuarantee: DeliveryGuarantee = DeliveryGuarantee.NONE;
  private transactionalIdPrefix: string | undefined;
  private readonly properties: Record<string, string> = {};

  constructor(private readonly create: KafkaSinkFactory) {}

  /** `host:port[,host:port...]` (the producer property `bootstrap.servers`). */
  setBootstrapServers(bootstrapServers: string): this {
    return this.setProperty('bootstrap.servers', bootstrapServers);
  }

  setRecordSerializer<U extends T>(recordSerializer: KafkaRecordSerializationSchema<U>): KafkaSinkBuilder<U> {
    const self = this as unknown as KafkaSinkBuilder<U>;
    self.recordSerializer = recordSerializer;
    return self;
  }

  setDeliveryGuarantee(deliveryGuarantee: DeliveryGuarantee): this {
    const known: readonly string[] = Object.values(DeliveryGuarantee);
    if (!known.includes(deliveryGuarantee)) {
      throw new IllegalConfigurationError(
        `KafkaSink delivery guarantee '${String(deliveryGuarantee)}' is unknown; use DeliveryGuarantee.NONE, ` +
          'AT_LEAST_ONCE or EXACTLY_ONCE',
      );
    }
    this.deliveryGuarantee = deliveryGuarantee;
    return this;
  }

  /**
   * The prefix of the sink's transactional ids (EXACTLY_ONCE). Ids are
   * `${prefix}-${jobId}-${subtask}-${counter}`; use one prefix per sink of a job.
   */
  setTransactionalIdPrefix(transactionalIdPrefix: string): this {
    if (typeof transactionalIdPrefix !== 'string' || transactionalIdPrefix.trim() === '') {
      throw new IllegalConfigurationError('KafkaSink transactional id prefix must be a non-empty string');
    }
    this.transactionalIdPrefix = transactionalIdPrefix;
    return this;
  }

  /** A Kafka producer property (Kafka's key names); see SUPPORTED_PRODUCER_PROPERTIES. */
  setProperty(key: string, value: string | number | boolean): this {
    this.properties[key] = String(value);
    return this;
  }

  setKafkaProducerConfig(properties: Readonly<Record<string, string | number | boolean>>): this {
    for (const [key, value] of Object.entries(properties)) this.setProperty(key, value);
    return this;
  }

  build(): KafkaSink<T> {
    if (this.recordSerializer === undefined) {
      throw new IllegalConfigurationError(
        'KafkaSink needs setRecordSerializer(KafkaRecordSerializationSchema.builder()...build())',
      );
    }
    if (
      this.deliveryGuarantee === DeliveryGuarantee.EXACTLY_ONCE &&
      this.transactionalIdPrefix === undefined
    ) {
      throw new IllegalConfigurationError(
        'KafkaSink with DeliveryGuarantee.EXACTLY_ONCE needs setTransactionalIdPrefix(prefix): its ' +
          'transactional ids start with it, and a restored job finds the transactions to abort by it',
      );
    }
    return this.create({
      recordSerializer: this.recordSerializer,
      deliveryGuarantee: this.deliveryGuarantee,
      transactionalIdPrefix: this.transactionalIdPrefix,
      config: parseKafkaProducerConfig(this.properties, this.deliveryGuarantee),
    });
  }
}
