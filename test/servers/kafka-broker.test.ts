import { type Consumer, Kafka, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { type KafkaBroker, kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { describeWithServer } from '../support/server-availability.js';
import { isPortFree, isProcessAlive, waitFor } from '../support/server-process.js';

interface Received {
  readonly partition: number;
  readonly value: string;
}

function client(broker: KafkaBroker): Kafka {
  return new Kafka({
    clientId: 'freshet-kafka-broker-test',
    brokers: [broker.bootstrapServers],
    logLevel: logLevel.NOTHING,
  });
}

/** Runs `consumer` on `topic` from the beginning until `done(received)` holds, with a deadline. */
async function consumeUntil(
  consumer: Consumer,
  topic: string,
  done: (received: readonly Received[]) => boolean,
  timeoutMs = 30_000,
): Promise<Received[]> {
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        received.push({ partition, value: message.value?.toString() ?? '' });
        return Promise.resolve();
      },
    });
    await waitFor(`consuming ${topic}`, () => Promise.resolve(done(received) ? true : undefined), {
      timeoutMs,
      intervalMs: 50,
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

async function expectGone(broker: KafkaBroker): Promise<void> {
  expect(isProcessAlive(broker.pid)).toBe(false);
  expect(await isPortFree(broker.port)).toBe(true);
  expect(await isPortFree(broker.controllerPort)).toBe(true);
}

describeWithServer('Kafka broker (KRaft, single node)', kafkaAvailable, () => {
  let broker: KafkaBroker | undefined;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    const { downloaded, fetchMs, startMs } = broker.timings;
    console.log(
      `kafka broker start: ${downloaded ? 'first run (downloaded jars)' : 'cached jars'}, ` +
        `fetch ${Math.round(fetchMs)} ms, start ${Math.round(startMs)} ms`,
    );
  }, 300_000);

  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it('produces to and consumes from a topic with 4 partitions', async () => {
    if (broker === undefined) throw new Error('broker not started');
    await broker.createTopic('round-trip', 4);
    const kafka = client(broker);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sent = Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `record-${i}` }));
    try {
      await producer.send({ topic: 'round-trip', messages: sent });
    } finally {
      await producer.disconnect();
    }

    const received = await consumeUntil(
      kafka.consumer({ groupId: 'round-trip-group' }),
      'round-trip',
      (got) => got.length >= sent.length,
    );
    expect([...received].sort((a, b) => a.value.localeCompare(b.value))).toEqual(
      [...sent].sort((a, b) => a.value.localeCompare(b.value)),
    );
    expect(new Set(received.map((r) => r.partition))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('a read_committed consumer sees committed transactions only', async () => {
    if (broker === undefined) throw new Error('broker not started');
    const topic = 'transactions';
    await broker.createTopic(topic, 2);
    const kafka = client(broker);
    const producer = kafka.producer({
      transactionalId: 'freshet-test-tx',
      maxInFlightRequests: 1,
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({
        topic,
        messages: [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `committed-${i}` })),
      });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({
        topic,
        messages: [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `aborted-${i}` })),
      });
      await aborted.abort();
      // A committed end marker on every partition: once a consumer has it, it has read past the abort.
      const end = await producer.transaction();
      await end.send({
        topic,
        messages: [0, 1].map((partition) => ({ partition, value: `end-${partition}` })),
      });
      await end.commit();
    } finally {
      await producer.disconnect();
    }
    const sawBothEnds = (got: readonly Received[]): boolean =>
      got.some((r) => r.value === 'end-0') && got.some((r) => r.value === 'end-1');

    const readCommitted = await consumeUntil(
      kafka.consumer({ groupId: 'read-committed', readUncommitted: false }),
      topic,
      sawBothEnds,
    );
    expect(readCommitted.map((r) => r.value).sort()).toEqual([
      'committed-0',
      'committed-1',
      'committed-2',
      'committed-3',
      'end-0',
      'end-1',
    ]);

    // The aborted records did reach the log: a read_uncommitted consumer sees them.
    const readUncommitted = await consumeUntil(
      kafka.consumer({ groupId: 'read-uncommitted', readUncommitted: true }),
      topic,
      sawBothEnds,
    );
    expect(
      readUncommitted
        .map((r) => r.value)
        .filter((v) => v.startsWith('aborted-'))
        .sort(),
    ).toEqual(['aborted-0', 'aborted-1', 'aborted-2', 'aborted-3']);
  });

  it('stop() ends the broker process and frees its ports', async () => {
    if (broker === undefined) throw new Error('broker not started');
    await broker.stop();
    await expectGone(broker);
  });

  it('kill() SIGKILLs a broker and frees its ports', async () => {
    const second = await startKafkaBroker();
    console.log(`kafka broker start (second broker, cached jars): ${Math.round(second.timings.startMs)} ms`);
    try {
      expect(second.timings.downloaded).toBe(false);
      expect(isProcessAlive(second.pid)).toBe(true);
    } finally {
      await second.kill();
    }
    await expectGone(second);
  }, 120_000);
});
