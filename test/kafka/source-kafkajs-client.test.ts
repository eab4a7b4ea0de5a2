/**
 * The KafkaSource's kafkajs client and its reader against a real broker: exact partitions from
 * given offsets (no consumer group), offset look-ups, commits a group's admin sees, read_committed
 * skipping aborted transactions, and the errors of an unknown topic and an unreachable broker.
 */
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputStatus } from '../../api/connector/source.js';
import { KafkaSource, OffsetsInitializer, SimpleStringSchema } from '../../connectors/index.js';
import { kafkaPartitionSplit, toSplitId } from '../../connectors/kafka/source/kafka-partition-split.js';
import { isRetriableKafkaError, withRetries } from '../../connectors/kafka/source/kafka-retry.js';
import { parseKafkaSourceConfig } from '../../connectors/kafka/source/kafka-source-options.js';
import type { PartitionFetchResult } from '../../connectors/kafka/source/kafka-source-client.js';
import { KafkajsSourceClient } from '../../connectors/kafka/source/kafkajs-source-client.js';
import { TestingReaderOutput } from '../../connectors/testing/testing-reader-output.js';
import { TestingSourceReaderContext } from '../../connectors/testing/testing-source-reader-context.js';
import { type KafkaBroker, kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { describeWithServer } from '../support/server-availability.js';
import { findFreePorts } from '../support/server-process.js';

let broker: KafkaBroker | undefined;
let kafka: Kafka;
let producer: Producer;

function config(properties: Record<string, string> = {}) {
  return parseKafkaSourceConfig({ 'bootstrap.servers': broker!.bootstrapServers, ...properties });
}

async function produce(
  topic: string,
  partition: number,
  values: string[],
  timestamp?: number,
): Promise<void> {
  await producer.send({
    topic,
    messages: values.map((value) => ({
      partition,
      value,
      ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }),
    })),
  });
}

function values(results: PartitionFetchResult[], partition: number): string[] {
  const result = results.find((entry) => entry.partition === partition);
  if (result?.kind !== 'records') return [];
  return result.records.map((record) => record.value?.toString() ?? '');
}

describeWithServer('KafkaSource client against a real broker', kafkaAvailable, () => {
  beforeAll(async () => {
    broker = await startKafkaBroker();
    kafka = new Kafka({
      clientId: 'source-client-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  }, 60_000);

  it('fetches exactly the requested partitions from the requested offsets', async () => {
    await broker!.createTopic('exact', 3);
    await produce('exact', 0, ['a0', 'a1', 'a2', 'a3']);
    await produce('exact', 1, ['b0', 'b1']);
    await produce('exact', 2, ['c0']);
    const client = new KafkajsSourceClient(config(), 'exact-test');
    try {
      expect(await client.describeTopics(['exact', 'nope'])).toEqual(new Map([['exact', [0, 1, 2]]]));
      expect((await client.listTopics()).includes('exact')).toBe(true);
      const results = await client.fetch(
        [
          { topic: 'exact', partition: 0, fetchOffset: 2 },
          { topic: 'exact', partition: 1, fetchOffset: 0 },
        ],
        { maxWaitMs: 100 },
      );
      expect(results.map((result) => result.partition).sort()).toEqual([0, 1]);
      expect(values(results, 0)).toEqual(['a2', 'a3']);
      expect(values(results, 1)).toEqual(['b0', 'b1']);
      const first = results.find((result) => result.partition === 0);
      expect(first).toMatchObject({ kind: 'records', nextFetchOffset: 4 });
      const earliest = await client.listOffsets([{ topic: 'exact', partition: 0 }], { kind: 'earliest' });
      const latest = await client.listOffsets(
        [0, 1, 2].map((partition) => ({ topic: 'exact', partition })),
        { kind: 'latest' },
      );
      expect(earliest).toEqual(new Map([['exact-0', 0]]));
      expect(latest).toEqual(
        new Map([
          ['exact-0', 4],
          ['exact-1', 2],
          ['exact-2', 1],
        ]),
      );
    } finally {
      await client.close();
    }
  });

  it('sees a partition added after its metadata was cached', async () => {
    await broker!.createTopic('grows', 1);
    await produce('grows', 0, ['p0']);
    const client = new KafkajsSourceClient(config(), 'grows-test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        values(await client.fetch([{ topic: 'grows', partition: 0, fetchOffset: 0 }], { maxWaitMs: 100 }), 0),
      ).toEqual(['p0']);
      await admin.createPartitions({ topicPartitions: [{ topic: 'grows', count: 2 }] });
      // A fresh producer: kafkajs drops messages for partitions its cached metadata lacks.
      const fresh = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await fresh.connect();
      await fresh.send({ topic: 'grows', messages: [{ partition: 1, value: 'p1' }] });
      await fresh.disconnect();
      expect(await client.describeTopics(['grows'])).toEqual(new Map([['grows', [0, 1]]]));
      expect(await client.listOffsets([{ topic: 'grows', partition: 1 }], { kind: 'earliest' })).toEqual(
        new Map([['grows-1', 0]]),
      );
      const results = await client.fetch([{ topic: 'grows', partition: 1, fetchOffset: 0 }], {
        maxWaitMs: 100,
      });
      expect(values(results, 1)).toEqual(['p1']);
    } finally {
      await admin.disconnect();
      await client.close();
    }
  });

  it('finds offsets by timestamp and commits offsets the group admin sees', async () => {
    await broker!.createTopic('times', 1);
    await produce('times', 0, ['old'], 1_000);
    await produce('times', 0, ['new'], 5_000);
    const client = new KafkajsSourceClient(config(), 'times-test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const at = await client.listOffsets([{ topic: 'times', partition: 0 }], {
        kind: 'timestamp',
        timestamp: 3_000,
      });
      expect(at).toEqual(new Map([['times-0', 1]]));
      const past = await client.listOffsets([{ topic: 'times', partition: 0 }], {
        kind: 'timestamp',
        timestamp: 9_000,
      });
      expect(past).toEqual(new Map());
      // The first group call may find the coordinator still loading: retried as the source does.
      await withRetries(
        () => client.commitOffsets('monitoring-group', [{ topic: 'times', partition: 0, offset: 2 }]),
        { timeoutMs: 20_000, backoffMs: 100, maxBackoffMs: 1000 },
      );
      const committed = await admin.fetchOffsets({ groupId: 'monitoring-group', topics: ['times'] });
      expect(committed[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '2' })]);
      expect(
        await client.fetchCommittedOffsets('monitoring-group', [{ topic: 'times', partition: 0 }]),
      ).toEqual(new Map([['times-0', 2]]));
      // Commits again (no group membership needed), e.g. from another reader.
      await client.commitOffsets('monitoring-group', [{ topic: 'times', partition: 0, offset: 1 }]);
      expect(
        await client.fetchCommittedOffsets('monitoring-group', [{ topic: 'times', partition: 0 }]),
      ).toEqual(new Map([['times-0', 1]]));
    } finally {
      await admin.disconnect();
      await client.close();
    }
  });

  it('read_committed skips aborted transactions; read_uncommitted (the default) sees them', async () => {
    await broker!.createTopic('tx', 1);
    const transactional = kafka.producer({
      transactionalId: 'source-client-test-tx',
      maxInFlightRequests: 1,
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await transactional.connect();
    try {
      const aborted = await transactional.transaction();
      await aborted.send({
        topic: 'tx',
        messages: [
          { partition: 0, value: 'aborted-1' },
          { partition: 0, value: 'aborted-2' },
        ],
      });
      await aborted.abort();
      const committed = await transactional.transaction();
      await committed.send({ topic: 'tx', messages: [{ partition: 0, value: 'committed' }] });
      await committed.commit();
    } finally {
      await transactional.disconnect();
    }
    const readAll = async (isolation: string): Promise<string[]> => {
      const source = KafkaSource.builder()
        .setBootstrapServers(broker!.bootstrapServers)
        .setTopics('tx')
        .setBounded(OffsetsInitializer.latest())
        .setProperty('isolation.level', isolation)
        .setValueOnlyDeserializer(new SimpleStringSchema())
        .build();
      const client = new KafkajsSourceClient(config({ 'isolation.level': isolation }), 'tx-test');
      const end = (await client.listOffsets([{ topic: 'tx', partition: 0 }], { kind: 'latest' })).get(
        'tx-0',
      )!;
      await client.close();
      const reader = source.createReader(new TestingSourceReaderContext(0, 1));
      reader.addSplits([kafkaPartitionSplit({ topic: 'tx', partition: 0 }, 0, end)]);
      reader.notifyNoMoreSplits();
      const output = new TestingReaderOutput<string>();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const status = reader.pollNext(output);
        if (status === InputStatus.END_OF_INPUT) break;
        if (Date.now() > deadline) throw new Error(`no end: ${output.records.join(',')}`);
        if (status === InputStatus.NOTHING_AVAILABLE) await reader.isAvailable();
      }
      await reader.close?.();
      return output.records;
    };
    expect(await readAll('read_committed')).toEqual(['committed']);
    expect(await readAll('read_uncommitted')).toEqual(['aborted-1', 'aborted-2', 'committed']);
  });

  describe('errors', () => {
    it('reports a broker that is not there as retriable connection errors', async () => {
      const [port] = await findFreePorts(1);
      const client = new KafkajsSourceClient(
        parseKafkaSourceConfig({
          'bootstrap.servers': `127.0.0.1:${port}`,
          'socket.connection.setup.timeout.ms': '500',
        }),
        'unreachable-test',
      );
      const error = await client.describeTopics(['x']).catch((thrown: unknown) => thrown);
      await client.close();
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/ECONNREFUSED|Connection error|connect/i);
      expect(isRetriableKafkaError(error)).toBe(true);
    });

    it('keys fetched splits like the enumerator does', () => {
      expect(toSplitId({ topic: 'my-topic', partition: 12 })).toBe('my-topic-12');
    });
  });
});
