/**
 * KafkaSink bad input: brokers unreachable at start (a clear error after the client's retries, for
 * both the plain and the transactional producer) and mid-run (the job fails over, then fails with
 * the same clear error), a topic that does not exist (the error names it), a serializer that throws
 * (the task fails naming the operator and the element), and a transaction timeout above the
 * broker's limit.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import {
  DataGeneratorSource,
  DeliveryGuarantee,
  KafkaRecordSerializationSchema,
  KafkaSink,
  RateLimiterStrategy,
  SimpleStringSchema,
  type SerializationSchema,
} from 'freshet/connectors';
import {
  TestingSinkInitContext,
  TestingSinkWriterContext,
} from '../../connectors/testing/testing-sink-init-context.js';
import { kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { useKafkaBroker } from './kafka-broker-lifecycle.js';
import { describeWithServer } from '../support/server-availability.js';
import { waitFor } from '../support/cli.js';
import { findFreePorts } from '../support/server-process.js';
import { uniqueTopic } from './sink-test-support.js';

/** Fail fast: one retry, short backoff and timeouts. */
const FAST_FAILURE = {
  retries: '1',
  'retry.backoff.ms': '100',
  'retry.backoff.max.ms': '200',
  'request.timeout.ms': '3000',
  'socket.connection.setup.timeout.ms': '1000',
};

function sink(
  bootstrapServers: string,
  topic: string,
  guarantee: DeliveryGuarantee,
  valueSchema: SerializationSchema<string> = new SimpleStringSchema(),
  properties: Record<string, string> = FAST_FAILURE,
): KafkaSink<string> {
  return KafkaSink.builder<string>()
    .setBootstrapServers(bootstrapServers)
    .setRecordSerializer(
      KafkaRecordSerializationSchema.builder<string>()
        .setTopic(topic)
        .setValueSerializationSchema(valueSchema)
        .build(),
    )
    .setDeliveryGuarantee(guarantee)
    .setTransactionalIdPrefix('bad-input')
    .setKafkaProducerConfig(properties)
    .build();
}

const checkpointing = (): TestingSinkInitContext =>
  new TestingSinkInitContext({ jobId: randomBytes(16).toString('hex'), checkpointingEnabled: true });

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error as Error,
  );
}

/** The messages of `error` and its causes, joined (job failures wrap the task's error). */
function fullMessage(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 10; e = e.cause) parts.push(e.message);
  return parts.join(' <- ');
}

describe('KafkaSink with unreachable brokers at start', () => {
  for (const guarantee of [DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE]) {
    it(`${guarantee}: createWriter fails with KAFKA_BROKER_UNREACHABLE naming the servers`, async () => {
      const [port] = await findFreePorts(1);
      const servers = `127.0.0.1:${port}`;
      const error = await failure(sink(servers, 'any', guarantee).createWriter(checkpointing()));
      expect(error).toMatchObject({ code: 'KAFKA_BROKER_UNREACHABLE', domain: 'external', retryable: true });
      expect(error.message).toContain(`cannot reach the Kafka brokers ${servers}`);
      expect(error.message).toMatch(/ECONNREFUSED|Connection error/);
    });
  }

  it('EXACTLY_ONCE without checkpointing is refused with a hint', async () => {
    const error = await failure(
      sink('127.0.0.1:9', 'any', DeliveryGuarantee.EXACTLY_ONCE).createWriter(new TestingSinkInitContext()),
    );
    expect(error).toMatchObject({ code: 'ILLEGAL_CONFIGURATION' });
    expect(error.message).toMatch(/needs checkpointing.*enableCheckpointing/);
  });
});

describeWithServer('KafkaSink bad input (real broker)', kafkaAvailable, () => {
  const kafka = useKafkaBroker();
  const directories: string[] = [];

  afterEach(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });

  for (const guarantee of [DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE]) {
    it(`${guarantee}: writing to a missing topic fails naming it`, async () => {
      const topic = uniqueTopic('missing');
      const writer = await sink(kafka.broker.bootstrapServers, topic, guarantee).createWriter(
        checkpointing(),
      );
      try {
        writer.write('x', new TestingSinkWriterContext());
        const error = await failure(writer.flush(false));
        expect(error).toMatchObject({ code: 'KAFKA_TOPIC_NOT_FOUND' });
        expect(error.message).toContain(`topic '${topic}': not found on ${kafka.broker.bootstrapServers}`);
        // The failure also fails the next write (the task), not only flushes.
        expect(() => writer.write('y', new TestingSinkWriterContext())).toThrow(error);
      } finally {
        await writer.close();
      }
    });
  }

  it('a job writing to a missing topic fails with the topic in its error', async () => {
    const topic = uniqueTopic('missing-job');
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource(
        new DataGeneratorSource((i) => `v${i}`, 10),
        WatermarkStrategy.noWatermarks<string>(),
        'numbers',
      )
      .sinkTo(sink(kafka.broker.bootstrapServers, topic, DeliveryGuarantee.AT_LEAST_ONCE))
      .name('kafka out');
    const error = await failure(env.execute('kafka-sink-missing-topic'));
    expect(fullMessage(error)).toContain(`topic '${topic}': not found`);
  });

  it('a serializer that throws fails the task, naming the operator and the element', async () => {
    const topic = uniqueTopic('serializer');
    await kafka.broker.createTopic(topic, 1);
    const throwing: SerializationSchema<string> = {
      serialize: (value) => {
        if (value === 'v3') throw new Error('cannot encode v3');
        return Buffer.from(value);
      },
    };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource(
        new DataGeneratorSource((i) => `v${i}`, 10),
        WatermarkStrategy.noWatermarks<string>(),
        'numbers',
      )
      .sinkTo(sink(kafka.broker.bootstrapServers, topic, DeliveryGuarantee.AT_LEAST_ONCE, throwing))
      .name('kafka out');
    const error = await failure(env.execute('kafka-sink-throwing-serializer'));
    const message = fullMessage(error);
    expect(message).toContain("operator 'kafka out' failed");
    expect(message).toContain('KafkaSink could not serialize the element "v3": cannot encode v3');
  });

  it('a transaction timeout above the broker limit is refused with a hint', async () => {
    const topic = uniqueTopic('timeout');
    await kafka.broker.createTopic(topic, 1);
    const tooLong = { ...FAST_FAILURE, 'transaction.timeout.ms': String(3 * 60 * 60_000) };
    const error = await failure(
      sink(
        kafka.broker.bootstrapServers,
        topic,
        DeliveryGuarantee.EXACTLY_ONCE,
        undefined,
        tooLong,
      ).createWriter(checkpointing()),
    );
    expect(error).toMatchObject({ code: 'KAFKA_INVALID_TRANSACTION_TIMEOUT', domain: 'user' });
    expect(error.message).toMatch(/transaction\.max\.timeout\.ms/);
  });

  it('a broker that dies mid-run fails the job over, then fails it with a clear error', async () => {
    const doomed = await startKafkaBroker();
    const topic = uniqueTopic('dying');
    let error: Error;
    try {
      await doomed.createTopic(topic, 1);
      const checkpoints = await mkdtemp(join(tmpdir(), 'freshet-kafka-dying-'));
      directories.push(checkpoints);
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.enableCheckpointing(200);
      env.configure({
        'state.checkpoints.dir': `file://${checkpoints}`,
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '1',
        'restart-strategy.fixed-delay.delay': '10 ms',
      });
      let written = 0;
      env
        .fromSource(
          new DataGeneratorSource(
            (i) => `v${i}`,
            Number.POSITIVE_INFINITY,
            RateLimiterStrategy.perSecond(500),
          ),
          WatermarkStrategy.noWatermarks<string>(),
          'numbers',
        )
        .map((value) => {
          written += 1;
          return value;
        })
        .sinkTo(sink(doomed.bootstrapServers, topic, DeliveryGuarantee.AT_LEAST_ONCE))
        .name('kafka out');
      const run = env.execute('kafka-sink-dying-broker');
      const outcome = failure(run);
      await waitFor(
        () => written >= 200,
        30_000,
        () => `200 records written (got ${written})`,
      );
      await doomed.kill();
      error = await outcome;
    } finally {
      await doomed.kill();
    }
    // The first attempt was writing when the broker died; the restarted one could not connect.
    expect(fullMessage(error)).toContain(
      `operator 'kafka out' failed: KafkaSink cannot reach the Kafka brokers ${doomed.bootstrapServers} to connect`,
    );
  }, 120_000);
});
