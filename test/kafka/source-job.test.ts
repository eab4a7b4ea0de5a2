/**
 * KafkaSource jobs on the in-process runtime against a real Kafka broker: a bounded job at
 * parallelism 2 over a 4-partition topic reads every record exactly once with its Kafka timestamp;
 * the starting-offset variants; an unbounded job picks up a partition added while it runs and
 * commits checkpointed offsets to its group; and the bad inputs — a record that does not
 * deserialize, an unknown topic, brokers that are not there, and the broker lost mid-run.
 */
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ProcessFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type Collector,
  type ProcessContext,
  type Sink,
} from 'freshet';
import {
  JsonDeserializationSchema,
  KafkaSource,
  OffsetResetStrategy,
  OffsetsInitializer,
  SimpleStringSchema,
} from 'freshet/connectors';
import { waitFor } from '../support/cli.js';
import { type KafkaBroker, kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { describeWithServer } from '../support/server-availability.js';
import { findFreePorts } from '../support/server-process.js';

let broker: KafkaBroker | undefined;
let kafka: Kafka;
let producer: Producer;
let admin: Admin;

/** Fails fast: no restarts, so a failure ends the job with its cause. */
const NO_RESTARTS = { 'restart-strategy.type': 'none' } as const;

interface Event {
  readonly id: number;
}

class WithTimestamp extends ProcessFunction<Event, { id: number; ts: number | undefined }> {
  processElement(
    value: Event,
    ctx: ProcessContext,
    out: Collector<{ id: number; ts: number | undefined }>,
  ): void {
    out.collect({ id: value.id, ts: ctx.timestamp() });
  }
}

async function produce(
  topic: string,
  messages: readonly { partition: number; value: string; timestamp?: number }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({
      topic,
      messages: messages.slice(i, i + 500).map((m) => ({
        partition: m.partition,
        value: m.value,
        ...(m.timestamp === undefined ? {} : { timestamp: String(m.timestamp) }),
      })),
    });
  }
}

function sourceFor(topic: string) {
  return KafkaSource.builder()
    .setBootstrapServers(broker!.bootstrapServers)
    .setTopics(topic)
    .setProperty('default.api.timeout.ms', '3000');
}

/** Reads a bounded string source at parallelism 2 and returns the values, sorted. */
async function readStrings(source: KafkaSource<string>): Promise<string[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2).configure(NO_RESTARTS);
  const values = await env.fromSource(source, WatermarkStrategy.noWatermarks(), 'kafka').executeAndCollect();
  return values.sort();
}

describeWithServer('KafkaSource jobs against a real broker', kafkaAvailable, () => {
  beforeAll(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({
      clientId: 'source-job-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    admin = kafka.admin();
    await producer.connect();
    await admin.connect();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  }, 60_000);

  it('reads every record of a 4-partition topic exactly once at parallelism 2, with Kafka timestamps', async () => {
    const events = 4000;
    await broker!.createTopic('orders', 4);
    await produce(
      'orders',
      Array.from({ length: events }, (_, id) => ({
        partition: id % 4,
        value: JSON.stringify({ id }),
        timestamp: 1_700_000_000_000 + id,
      })),
    );
    const source = sourceFor('orders')
      .setGroupId('orders-reader')
      .setStartingOffsets(OffsetsInitializer.earliest())
      .setBounded(OffsetsInitializer.latest())
      .setValueOnlyDeserializer(new JsonDeserializationSchema<Event>())
      .build();
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2).configure(NO_RESTARTS);
    const rows = await env
      .fromSource(source, WatermarkStrategy.forMonotonousTimestamps<Event>(), 'orders')
      .process(new WithTimestamp())
      .executeAndCollect();
    expect(rows).toHaveLength(events);
    expect(rows.map((row) => row.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: events }, (_, i) => i),
    );
    expect(rows.every((row) => row.ts === 1_700_000_000_000 + row.id)).toBe(true);
  });

  it('starts at the earliest, latest, timestamp, given or committed offsets', async () => {
    await broker!.createTopic('starts', 2);
    await produce(
      'starts',
      [0, 1].flatMap((partition) =>
        Array.from({ length: 10 }, (_, i) => ({
          partition,
          value: `${partition}:${i}`,
          timestamp: 1000 * i,
        })),
      ),
    );
    const all = (partition: number, from = 0): string[] =>
      Array.from({ length: 10 - from }, (_, i) => `${partition}:${i + from}`);
    const read = (starting: OffsetsInitializer, groupId?: string): Promise<string[]> => {
      const builder = sourceFor('starts')
        .setStartingOffsets(starting)
        .setBounded(OffsetsInitializer.latest())
        .setValueOnlyDeserializer(new SimpleStringSchema());
      if (groupId !== undefined) builder.setGroupId(groupId);
      return readStrings(builder.build());
    };
    expect(await read(OffsetsInitializer.earliest())).toEqual([...all(0), ...all(1)].sort());
    expect(await read(OffsetsInitializer.latest())).toEqual([]);
    expect(await read(OffsetsInitializer.timestamp(6500))).toEqual([...all(0, 7), ...all(1, 7)].sort());
    expect(await read(OffsetsInitializer.offsets([[{ topic: 'starts', partition: 0 }, 8]]))).toEqual(
      [...all(0, 8), ...all(1)].sort(),
    );
    await admin.setOffsets({
      groupId: 'starts-group',
      topic: 'starts',
      partitions: [{ partition: 1, offset: '4' }],
    });
    expect(
      await read(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST), 'starts-group'),
    ).toEqual(all(1, 4));
  });

  it('picks up a partition added while it runs and commits checkpointed offsets to its group', async () => {
    await broker!.createTopic('growing', 2);
    await produce(
      'growing',
      [0, 1].flatMap((partition) =>
        Array.from({ length: 10 }, (_, i) => ({ partition, value: `${partition}:${i}` })),
      ),
    );
    const received: string[] = [];
    const sink: Sink<string> = {
      createWriter: () => ({
        write: (value: string) => {
          received.push(value);
        },
        flush() {},
        close() {},
      }),
    };
    const source = sourceFor('growing')
      .setGroupId('growing-group')
      .setProperty('partition.discovery.interval.ms', '300')
      .setValueOnlyDeserializer(new SimpleStringSchema())
      .build();
    const env = StreamExecutionEnvironment.getExecutionEnvironment()
      .setParallelism(2)
      .enableCheckpointing(200)
      .configure(NO_RESTARTS);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), 'growing').sinkTo(sink);
    const client = await env.executeAsync('growing');
    try {
      await waitFor(
        () => received.length >= 20,
        30_000,
        () => `the first 20 records (got ${received.length})`,
      );
      await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 3 }] });
      // A fresh producer: kafkajs drops messages for partitions its cached metadata lacks.
      const fresh = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await fresh.connect();
      await fresh.send({
        topic: 'growing',
        messages: Array.from({ length: 5 }, (_, i) => ({ partition: 2, value: `2:${i}` })),
      });
      await fresh.disconnect();
      await waitFor(
        () => received.filter((value) => value.startsWith('2:')).length === 5,
        30_000,
        () =>
          `the records of the new partition (got ${JSON.stringify(received.filter((v) => v.startsWith('2:')))})`,
      );
      let committed = '';
      await waitFor(
        async () => {
          const offsets = await admin.fetchOffsets({ groupId: 'growing-group', topics: ['growing'] });
          committed = JSON.stringify(offsets[0]?.partitions.map((p) => [p.partition, p.offset]).sort());
          return (
            committed ===
            JSON.stringify([
              [0, '10'],
              [1, '10'],
              [2, '5'],
            ])
          );
        },
        20_000,
        () => `checkpointed offsets committed to the group (last: ${committed})`,
        100,
      );
    } finally {
      await client.cancel();
    }
    expect([...received].sort()).toEqual(
      [0, 1, 2].flatMap((p) => Array.from({ length: p === 2 ? 5 : 10 }, (_, i) => `${p}:${i}`)).sort(),
    );
  });

  it('fails naming topic, partition and offset of a record that does not deserialize', async () => {
    await broker!.createTopic('bad-json', 1);
    await produce('bad-json', [
      { partition: 0, value: '{"id":1}' },
      { partition: 0, value: '{"id":' },
      { partition: 0, value: '{"id":3}' },
    ]);
    const source = sourceFor('bad-json')
      .setBounded(OffsetsInitializer.latest())
      .setValueOnlyDeserializer(new JsonDeserializationSchema<Event>())
      .build();
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1).configure(NO_RESTARTS);
    await expect(
      env.fromSource(source, WatermarkStrategy.noWatermarks(), 'bad').executeAndCollect(),
    ).rejects.toThrow(/failed to deserialize the record at topic 'bad-json' partition 0 offset 1/);
  });

  it('fails naming an unknown topic after a bounded wait', async () => {
    const source = sourceFor('no-such-topic')
      .setProperty('default.api.timeout.ms', '1500')
      .setValueOnlyDeserializer(new SimpleStringSchema())
      .build();
    const started = Date.now();
    await expect(readStrings(source)).rejects.toThrow(
      /topic 'no-such-topic' does not exist on the Kafka cluster/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('fails clearly when the brokers cannot be reached', async () => {
    const [port] = await findFreePorts(1);
    const source = KafkaSource.builder()
      .setBootstrapServers(`127.0.0.1:${port}`)
      .setTopics('anything')
      .setProperty('default.api.timeout.ms', '1500')
      .setProperty('socket.connection.setup.timeout.ms', '300')
      .setValueOnlyDeserializer(new SimpleStringSchema())
      .build();
    await expect(readStrings(source)).rejects.toThrow(
      new RegExp(
        `could not discover the partitions of topics \\[anything\\] on 127\\.0\\.0\\.1:${port} \\(retried for \\d+ ms\\)`,
      ),
    );
  });

  // Last: it kills the broker.
  it('fails the task when the broker is lost mid-run and stays away past default.api.timeout.ms', async () => {
    await broker!.createTopic('doomed', 2);
    await produce('doomed', [{ partition: 0, value: 'first' }]);
    const received: string[] = [];
    const source = sourceFor('doomed')
      .setProperty('socket.connection.setup.timeout.ms', '300')
      .setProperty('request.timeout.ms', '1000')
      .setValueOnlyDeserializer(new SimpleStringSchema())
      .build();
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1).configure(NO_RESTARTS);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), 'doomed').sinkTo({
      createWriter: () => ({
        write: (value: string) => {
          received.push(value);
        },
        flush() {},
        close() {},
      }),
    });
    const client = await env.executeAsync('doomed');
    await waitFor(() => received.length === 1, 30_000, 'the first record');
    await broker!.kill();
    await expect(client.getJobExecutionResult()).rejects.toThrow(
      /KafkaSource could not fetch doomed-\d.* for \d+ ms/,
    );
  });
});
