import { describe, expect, it } from 'vitest';
import { Boundedness, InputStatus } from '../../../api/connector/source.js';
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { TestingReaderOutput } from '../../testing/testing-reader-output.js';
import { TestingSourceReaderContext } from '../../testing/testing-source-reader-context.js';
import { SimpleStringSchema } from '../common/simple-string-schema.js';
import { ByteArrayDeserializationSchema, JsonDeserializationSchema } from './deserialization-schema.js';
import type { KafkaPartitionSplit } from './kafka-partition-split.js';
import { KafkaRecordDeserializationSchema } from './kafka-record-deserialization-schema.js';
import { parseKafkaSourceConfig } from './kafka-source-options.js';
import { KafkaSource } from './kafka-source.js';
import { OffsetResetStrategy, OffsetsInitializer } from './offsets-initializer.js';
import { TestingKafkaEnumeratorContext } from './testing-kafka-enumerator-context.js';
import { TestingKafkaStore } from './testing-kafka-source-client.js';

const base = () =>
  KafkaSource.builder()
    .setBootstrapServers('testing:9092')
    .setTopics('t')
    .setValueOnlyDeserializer(new SimpleStringSchema());

describe('KafkaSource builder', () => {
  it('rejects incomplete or contradictory settings with errors that say what to call', () => {
    const attempts: [() => unknown, RegExp][] = [
      [
        () => KafkaSource.builder().setTopics('t').setValueOnlyDeserializer(new SimpleStringSchema()).build(),
        /setBootstrapServers/,
      ],
      [
        () =>
          KafkaSource.builder()
            .setBootstrapServers('b:1')
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .build(),
        /setTopics, setTopicPattern or setPartitions/,
      ],
      [() => KafkaSource.builder().setBootstrapServers('b:1').setTopics('t').build(), /deserializer/],
      [() => base().setTopicPattern(/x/), /cannot use topic pattern because topics are already set/],
      [() => base().setStartingOffsets(OffsetsInitializer.committedOffsets()).build(), /needs a group ID/],
      [() => base().setProperty('commit.offsets.on.checkpoint', 'true').build(), /'group.id' is required/],
      [
        () => base().setProperty('isolation.level', 'serializable').build(),
        /'isolation.level' must be one of/,
      ],
      [
        () => base().setProperty('default.api.timeout.ms', 'soon').build(),
        /'default.api.timeout.ms' must be an integer/,
      ],
      [() => KafkaSource.builder().setTopics(), /one or more/],
    ];
    for (const [attempt, message] of attempts) {
      expect(attempt).toThrow(IllegalConfigurationError);
      expect(attempt).toThrow(message);
    }
  });

  it("uses Flink's defaults: read_uncommitted, discovery every 5 minutes, commits only with a group", () => {
    const config = parseKafkaSourceConfig({ 'bootstrap.servers': 'a:1, b:2' });
    expect(config.bootstrapServers).toEqual(['a:1', 'b:2']);
    expect(config.isolationLevel).toBe('read_uncommitted');
    expect(config.partitionDiscoveryIntervalMs).toBe(300_000);
    expect(config.commitOffsetsOnCheckpoint).toBe(false);
    expect(config.clientIdPrefix).toBe('KafkaSource');
    const withGroup = parseKafkaSourceConfig({ 'bootstrap.servers': 'a:1', 'group.id': 'g' });
    expect(withGroup.commitOffsetsOnCheckpoint).toBe(true);
    expect(withGroup.clientIdPrefix).toBe('g');
    expect(base().build().getBoundedness()).toBe(Boundedness.CONTINUOUS_UNBOUNDED);
    expect(base().setBounded(OffsetsInitializer.latest()).build().getBoundedness()).toBe(Boundedness.BOUNDED);
  });

  it('deserializes strings, JSON, bytes and whole records', () => {
    const record = {
      topic: 't',
      partition: 3,
      offset: 9,
      timestamp: 42,
      key: Buffer.from('k'),
      value: Buffer.from('{"a":[1,2]}'),
      headers: { h: 'v' },
    };
    const collect = <T>(schema: KafkaRecordDeserializationSchema<T>): T[] => {
      const out: T[] = [];
      schema.deserialize(record, { collect: (value) => out.push(value) });
      return out;
    };
    expect(collect(KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema()))).toEqual([
      '{"a":[1,2]}',
    ]);
    expect(collect(KafkaRecordDeserializationSchema.valueOnly(new JsonDeserializationSchema()))).toEqual([
      { a: [1, 2] },
    ]);
    expect(collect(KafkaRecordDeserializationSchema.valueOnly(new ByteArrayDeserializationSchema()))).toEqual(
      [Buffer.from('{"a":[1,2]}')],
    );
    expect(
      collect(
        KafkaRecordDeserializationSchema.of(
          (r) => `${r.topic}/${r.partition}@${r.offset} ${r.key?.toString()}=${String(r.headers['h'])}`,
        ),
      ),
    ).toEqual(['t/3@9 k=v']);
    // Tombstones carry no value: a value-only schema skips them.
    const tombstone: string[] = [];
    KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema()).deserialize(
      { ...record, value: null },
      { collect: (value) => tombstone.push(value) },
    );
    expect(tombstone).toEqual([]);
    expect(new SimpleStringSchema().serialize('é')).toEqual(Buffer.from('é'));
  });

  it('runs enumerator and readers together: a bounded source at parallelism 2 reads every record once', async () => {
    const store = new TestingKafkaStore();
    store.createTopic('t', 4);
    for (let p = 0; p < 4; p++) for (let i = 0; i < 50; i++) store.append('t', p, { value: `${p}-${i}` });
    const source = base()
      .setGroupId('g')
      .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
      .setBounded(OffsetsInitializer.latest())
      .setProperty('fetch.max.wait.ms', '10')
      .setClientFactory(() => () => store.client())
      .build();
    store.committed.set('g', new Map([['t-1', 45]]));
    const context = new TestingKafkaEnumeratorContext<KafkaPartitionSplit>(2);
    const enumerator = source.createEnumerator(context);
    const readers = [0, 1].map((subtask) => source.createReader(new TestingSourceReaderContext(subtask, 2)));
    await enumerator.start();
    for (const subtask of [0, 1]) {
      context.registerReader(subtask);
      enumerator.addReader(subtask);
    }
    await context.runCallables();
    const outputs = [new TestingReaderOutput<string>(), new TestingReaderOutput<string>()];
    for (const subtask of [0, 1]) {
      readers[subtask]!.addSplits(context.assignedTo(subtask));
      if (context.noMoreSplitsSignalled.has(subtask)) readers[subtask]!.notifyNoMoreSplits();
    }
    for (const subtask of [0, 1]) {
      const reader = readers[subtask]!;
      const deadline = Date.now() + 10_000;
      while (reader.pollNext(outputs[subtask]!) !== InputStatus.END_OF_INPUT) {
        if (Date.now() > deadline) throw new Error('reader did not end');
        await Promise.race([reader.isAvailable(), new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      await reader.close?.();
    }
    await enumerator.close();
    const all = outputs.flatMap((output) => output.records).sort();
    const expected = [0, 1, 2, 3]
      .flatMap((p) => Array.from({ length: 50 }, (_, i) => ({ p, i })))
      .filter(({ p, i }) => p !== 1 || i >= 45)
      .map(({ p, i }) => `${p}-${i}`)
      .sort();
    expect(all).toEqual(expected);
    expect(outputs.every((output) => output.records.length > 0)).toBe(true);
  });
});
