import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import { AtLeastOnceRecordSender } from './at-least-once-record-sender.js';
import { parseKafkaProducerConfig } from './kafka-producer-config.js';
import { KafkaRecordBatch } from './kafka-record-batch.js';

/** A kafkajs producer whose sends stay pending until the test settles them. */
class TestingProducer {
  readonly pending: { batch: ProducerBatch; resolve: () => void; reject: (error: unknown) => void }[] = [];
  disconnected = false;

  sendBatch(batch: ProducerBatch): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.push({ batch, resolve: () => resolve([]), reject }));
  }
  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }
}

const config = parseKafkaProducerConfig(
  { 'bootstrap.servers': 'k:9092', 'max.in.flight.requests.per.connection': '2' },
  DeliveryGuarantee.AT_LEAST_ONCE,
);

function batch(value: string): KafkaRecordBatch {
  const b = new KafkaRecordBatch();
  b.add('out', { value }, value.length);
  return b;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AtLeastOnceRecordSender', () => {
  it('keeps at most max.in.flight requests in flight and queues the rest in order', async () => {
    const producer = new TestingProducer();
    const sender = new AtLeastOnceRecordSender(producer as unknown as Producer, config, true);
    for (const value of ['a', 'b', 'c']) sender.send(batch(value));
    expect(producer.pending).toHaveLength(2);
    expect(sender.pendingBatches).toBe(3);
    producer.pending.shift()!.resolve();
    await tick();
    expect(producer.pending.map((p) => p.batch.topicMessages![0]!.messages[0]!.value)).toEqual(['b', 'c']);
  });

  it('flushes at a checkpoint only what was sent before it', async () => {
    const producer = new TestingProducer();
    const sender = new AtLeastOnceRecordSender(producer as unknown as Producer, config, true);
    sender.send(batch('before'));
    let prepared = false;
    const prepare = sender.prepareCommit(1).then((committables) => {
      prepared = true;
      return committables;
    });
    sender.send(batch('after')); // after the barrier: the checkpoint does not wait for it
    producer.pending.shift()!.resolve();
    expect(await prepare).toEqual([]);
    expect(prepared).toBe(true);
    expect(producer.pending).toHaveLength(1);
  });

  it('NONE does not wait at checkpoints', async () => {
    const producer = new TestingProducer();
    const sender = new AtLeastOnceRecordSender(producer as unknown as Producer, config, false);
    sender.send(batch('x'));
    expect(await sender.prepareCommit(1)).toEqual([]);
    expect(producer.pending).toHaveLength(1);
  });

  it('reports the first failure, naming the topic, and sends nothing more', async () => {
    const producer = new TestingProducer();
    const sender = new AtLeastOnceRecordSender(producer as unknown as Producer, config, true);
    for (const value of ['a', 'b', 'c']) sender.send(batch(value));
    producer.pending
      .shift()!
      .reject(Object.assign(new Error('boom'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' }));
    await tick();
    expect(sender.failure).toMatchObject({ code: 'KAFKA_TOPIC_NOT_FOUND' });
    expect(sender.failure?.message).toContain("topic 'out'");
    producer.pending.shift()!.resolve();
    await tick();
    expect(producer.pending).toHaveLength(0); // 'c' was not sent after the failure
    await expect(sender.flush()).rejects.toBe(sender.failure);
    await sender.close();
    expect(producer.disconnected).toBe(true);
  });
});
