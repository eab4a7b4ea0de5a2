/**
 * KafkaSink in jobs on the embedded cluster against a real broker: AT_LEAST_ONCE delivers every
 * record; EXACTLY_ONCE with a checkpoint every 200 ms and a task failure in the middle of the run
 * delivers every record exactly once to a `read_committed` consumer, while a `read_uncommitted`
 * one also sees the records of the transaction the failure aborted (so transactions are in use).
 * Record timestamps and keys come from the elements and the key schema.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import {
  DataGeneratorSource,
  DeliveryGuarantee,
  KafkaRecordSerializationSchema,
  KafkaSink,
  RateLimiterStrategy,
  SimpleStringSchema,
} from 'freshet/connectors';
import { type KafkaBroker, kafkaAvailable } from '../support/kafka-broker.js';
import { useKafkaBroker } from './kafka-broker-lifecycle.js';
import { describeWithServer } from '../support/server-availability.js';
import { countValues, readUntilEndMarkers, uniqueTopic, writeEndMarkers } from './sink-test-support.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

function stringSink(
  broker: KafkaBroker,
  topic: string,
  guarantee: DeliveryGuarantee,
  prefix?: string,
): KafkaSink<string> {
  const builder = KafkaSink.builder<string>()
    .setBootstrapServers(broker.bootstrapServers)
    .setRecordSerializer(
      KafkaRecordSerializationSchema.builder<string>()
        .setTopic(topic)
        .setKeySerializationSchema({ serialize: (value: string) => Buffer.from(`key-${value}`) })
        .setValueSerializationSchema(new SimpleStringSchema())
        .build(),
    )
    .setDeliveryGuarantee(guarantee)
    .setProperty('transaction.timeout.ms', 600_000);
  return (prefix === undefined ? builder : builder.setTransactionalIdPrefix(prefix)).build();
}

const expectedValues = (n: number): string[] => Array.from({ length: n }, (_, i) => `v${i}`);

describeWithServer('KafkaSink jobs (embedded cluster, real broker)', kafkaAvailable, () => {
  const kafka = useKafkaBroker();

  it('AT_LEAST_ONCE: every record reaches the topic, with element timestamps and keys', async () => {
    const records = 5000;
    const topic = uniqueTopic('alo-job');
    await kafka.broker.createTopic(topic, 2);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(200);
    env
      .fromSource(
        new DataGeneratorSource((i) => i, records),
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(
          (i) => 1_700_000_000_000 + i,
        ),
        'numbers',
      )
      .map((i) => `v${i}`)
      .sinkTo(stringSink(kafka.broker, topic, DeliveryGuarantee.AT_LEAST_ONCE))
      .name('kafka out');
    await env.execute('kafka-sink-at-least-once');

    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 2);
    const read = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 2, 'read_committed');
    expect([...countValues(read).keys()].sort()).toEqual(expectedValues(records).sort());
    expect(read).toHaveLength(records); // no failure, so no duplicates
    const first = read.find((r) => r.value === 'v7')!;
    expect(first.key).toBe('key-v7');
    expect(first.timestamp).toBe(String(1_700_000_000_000 + 7));
  });

  it('EXACTLY_ONCE: a read_committed consumer sees every record once across a task failure', async () => {
    const records = 6000;
    const failAt = 3500;
    const topic = uniqueTopic('eo-job');
    await kafka.broker.createTopic(topic, 2);
    const checkpoints = await mkdtemp(join(tmpdir(), 'freshet-kafka-eo-ckpt-'));
    directories.push(checkpoints);
    let failedOnce = false;
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(200);
    env.configure({
      'state.checkpoints.dir': `file://${checkpoints}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '3',
      'restart-strategy.fixed-delay.delay': '10 ms',
    });
    env
      .fromSource(
        new DataGeneratorSource((i) => i, records, RateLimiterStrategy.perSecond(4000)),
        WatermarkStrategy.noWatermarks<number>(),
        'numbers',
      )
      .map((i) => {
        if (!failedOnce && i === failAt) {
          failedOnce = true;
          throw new Error('injected failure');
        }
        return `v${i}`;
      })
      .sinkTo(stringSink(kafka.broker, topic, DeliveryGuarantee.EXACTLY_ONCE, 'eo-job'))
      .name('kafka out');
    await env.execute('kafka-sink-exactly-once');
    expect(failedOnce).toBe(true);

    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 2);
    const committed = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 2, 'read_committed');
    const counts = countValues(committed);
    expect([...counts.keys()].sort()).toEqual(expectedValues(records).sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const uncommitted = await readUntilEndMarkers(
      kafka.broker.bootstrapServers,
      topic,
      2,
      'read_uncommitted',
    );
    // The transaction open at the failure was aborted; its records are in the log all the same.
    expect(uncommitted.length).toBeGreaterThan(records);
  }, 90_000);
});
