import { describe, expect, it } from 'vitest';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { TestingSinkWriterContext } from '../../testing/testing-sink-init-context.js';
import { SimpleStringSchema } from '../common/simple-string-schema.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import { parseKafkaProducerConfig, type KafkaProducerConfig } from './kafka-producer-config.js';
import type { KafkaRecordBatch } from './kafka-record-batch.js';
import type { KafkaRecordSender } from './kafka-record-sender.js';
import { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';
import { KafkaWriter } from './kafka-writer.js';

/** Records what the writer hands over; `failure` can be set to a send failure. */
class TestingRecordSender implements KafkaRecordSender {
  readonly batches: KafkaRecordBatch[] = [];
  readonly calls: string[] = [];
  failure: FreshetError | undefined;

  send(batch: KafkaRecordBatch): void {
    this.batches.push(batch);
    this.calls.push(`send ${batch.records}`);
  }
  flush(): Promise<void> {
    this.calls.push('flush');
    return this.failure === undefined ? Promise.resolve() : Promise.reject(this.failure);
  }
  prepareCommit(checkpointId: number): Promise<KafkaCommittable[]> {
    this.calls.push(`prepareCommit ${checkpointId}`);
    return Promise.resolve([]);
  }
  snapshotState(): KafkaWriterState[] {
    return [];
  }
  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }
  values(): string[] {
    return this.batches.flatMap((b) =>
      (b.toProducerBatch(config()).topicMessages ?? []).flatMap((t) =>
        t.messages.map((m) => String(m.value)),
      ),
    );
  }
}

const config = (properties: Record<string, string> = {}): KafkaProducerConfig =>
  parseKafkaProducerConfig({ 'bootstrap.servers': 'k:9092', ...properties }, DeliveryGuarantee.AT_LEAST_ONCE);
const sinkContext = { parallelInstanceId: 0, numberOfParallelInstances: 1 };
const stringSchema = KafkaRecordSerializationSchema.builder<string>()
  .setTopic('out')
  .setValueSerializationSchema(new SimpleStringSchema())
  .build();

function writer(sender: TestingRecordSender, properties?: Record<string, string>): KafkaWriter<string> {
  return new KafkaWriter(stringSchema, sinkContext, config(properties), sender, undefined);
}

const context = new TestingSinkWriterContext();

describe('KafkaWriter', () => {
  it('batches records and hands them over before a checkpoint cuts', async () => {
    const sender = new TestingRecordSender();
    const w = writer(sender, { 'linger.ms': '60000' });
    w.write('a', context);
    w.write('b', context);
    expect(sender.batches).toHaveLength(0);
    expect(w.bufferedRecords).toBe(2);
    await w.prepareCommit(1);
    expect(sender.calls).toEqual(['send 2', 'prepareCommit 1']);
    expect(sender.values()).toEqual(['a', 'b']);
    await w.close();
  });

  it('sends a full batch at once (batch.size bytes) and the rest on the next event-loop turn', async () => {
    const sender = new TestingRecordSender();
    const w = writer(sender, { 'batch.size': '4' });
    w.write('ab', context);
    w.write('cd', context); // 4 bytes: sent now
    expect(sender.calls).toEqual(['send 2']);
    w.write('e', context);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sender.calls).toEqual(['send 2', 'send 1']);
    await w.close();
  });

  it('fails the write with the element when the serializer throws', () => {
    const sender = new TestingRecordSender();
    const schema = KafkaRecordSerializationSchema.builder<{ id: number }>()
      .setTopic('out')
      .setValueSerializationSchema({
        serialize: (e: { id: number }) => {
          throw new Error(`no encoding for ${e.id}`);
        },
      })
      .build();
    const w = new KafkaWriter(schema, sinkContext, config(), sender, undefined);
    expect(() => w.write({ id: 3 }, context)).toThrow(
      expect.objectContaining({
        code: 'KAFKA_SINK_SERIALIZATION_FAILED',
        message: 'KafkaSink could not serialize the element {"id":3}: no encoding for 3',
      }),
    );
  });

  it('refuses records without a topic or with a bad partition, skips null records', async () => {
    const sender = new TestingRecordSender();
    const values = new Map<string, unknown>([
      ['no-topic', { topic: '', key: null, value: null }],
      ['bad-partition', { topic: 't', partition: -1, key: null, value: null }],
      ['skip', null],
    ]);
    const w = new KafkaWriter<string>(
      { serialize: (e) => values.get(e) as never },
      sinkContext,
      config(),
      sender,
      undefined,
    );
    expect(() => w.write('no-topic', context)).toThrow(/the record has no topic/);
    expect(() => w.write('bad-partition', context)).toThrow(/partition -1 is not a non-negative integer/);
    w.write('skip', context);
    expect(w.bufferedRecords).toBe(0);
    await w.close();
  });

  it("uses the element's timestamp unless it is negative", async () => {
    const sender = new TestingRecordSender();
    const w = writer(sender);
    const timed = new TestingSinkWriterContext();
    timed.timestamp = 1234;
    w.write('a', timed);
    timed.timestamp = -5;
    w.write('b', timed);
    await w.flush(false);
    const messages = sender.batches[0]!.toProducerBatch(config()).topicMessages![0]!.messages;
    expect(messages.map((m) => m.timestamp)).toEqual(['1234', undefined]);
  });

  it('fails the next write and flush with the first asynchronous send failure', async () => {
    const sender = new TestingRecordSender();
    const w = writer(sender);
    const failure = new FreshetError('KAFKA_SINK_SEND_FAILED', 'broker said no');
    sender.failure = failure;
    expect(() => w.write('a', context)).toThrow(failure);
    await expect(w.flush(true)).rejects.toBe(failure);
  });

  it('drops what is buffered on close (never sent, so never committed)', async () => {
    const sender = new TestingRecordSender();
    const w = writer(sender, { 'linger.ms': '60000' });
    w.write('a', context);
    await w.close();
    expect(sender.calls).toEqual(['close']);
  });
});
