import { describe, expect, it } from 'vitest';
import { TestingSinkInitContext } from '../../testing/testing-sink-init-context.js';
import { SimpleStringSchema } from '../common/simple-string-schema.js';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';
import { KafkaSink } from './kafka-sink.js';

const serializer = KafkaRecordSerializationSchema.builder<string>()
  .setTopic('out')
  .setValueSerializationSchema(new SimpleStringSchema())
  .build();

describe('KafkaSink.builder()', () => {
  it('builds with bootstrap servers and a serializer; NONE is the default guarantee', () => {
    const sink = KafkaSink.builder<string>()
      .setBootstrapServers('k:9092')
      .setRecordSerializer(serializer)
      .build();
    expect(sink.options.deliveryGuarantee).toBe(DeliveryGuarantee.NONE);
    expect(sink.options.config.bootstrapServers).toEqual(['k:9092']);
  });

  it('needs a transactional id prefix for EXACTLY_ONCE', () => {
    const builder = KafkaSink.builder<string>()
      .setBootstrapServers('k:9092')
      .setRecordSerializer(serializer)
      .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE);
    expect(() => builder.build()).toThrow(/EXACTLY_ONCE needs setTransactionalIdPrefix\(prefix\)/);
    expect(() => builder.setTransactionalIdPrefix(' ')).toThrow(/non-empty/);
    const sink = builder
      .setTransactionalIdPrefix('orders')
      .setProperty('transaction.timeout.ms', 900_000)
      .build();
    expect(sink.options).toMatchObject({
      transactionalIdPrefix: 'orders',
      config: { transactionTimeoutMs: 900_000 },
    });
  });

  it('needs a serializer and bootstrap servers, and knows only the three guarantees', () => {
    expect(() => KafkaSink.builder().setBootstrapServers('k:9092').build()).toThrow(/setRecordSerializer/);
    expect(() => KafkaSink.builder<string>().setRecordSerializer(serializer).build()).toThrow(
      /setBootstrapServers/,
    );
    expect(() => KafkaSink.builder().setDeliveryGuarantee('twice' as DeliveryGuarantee)).toThrow(
      /delivery guarantee 'twice' is unknown/,
    );
  });

  it('refuses EXACTLY_ONCE in a job without checkpoints before connecting', async () => {
    const sink = KafkaSink.builder<string>()
      .setBootstrapServers('127.0.0.1:9')
      .setRecordSerializer(serializer)
      .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
      .setTransactionalIdPrefix('p')
      .build();
    await expect(
      sink.createWriter(new TestingSinkInitContext({ checkpointingEnabled: false })),
    ).rejects.toThrow(/needs checkpointing/);
  });
});
