import { describe, expect, it } from 'vitest';
import { InputStatus, type ReaderOutput, type SourceOutput } from '../../../api/connector/source.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { TestingSourceReaderContext } from '../../testing/testing-source-reader-context.js';
import { SimpleStringSchema } from '../common/simple-string-schema.js';
import { JsonDeserializationSchema } from './deserialization-schema.js';
import { kafkaPartitionSplit, type KafkaPartitionSplit } from './kafka-partition-split.js';
import { KafkaRecordDeserializationSchema } from './kafka-record-deserialization-schema.js';
import type { RetryClock } from './kafka-retry.js';
import type { DeserializationErrorHandler } from './kafka-source-errors.js';
import { parseKafkaSourceConfig } from './kafka-source-options.js';
import { KafkaSourceReader } from './kafka-source-reader.js';
import { TestingKafkaStore } from './testing-kafka-source-client.js';

/** A ReaderOutput keeping what each split output received. */
class SplitRecordingOutput<T> implements ReaderOutput<T> {
  readonly records: { splitId: string | undefined; record: T; timestamp: number | undefined }[] = [];
  readonly created: string[] = [];
  readonly released: string[] = [];
  idle = false;

  markIdle(): void {
    this.idle = true;
  }

  markActive(): void {
    this.idle = false;
  }

  collect(record: T, timestamp?: number): void {
    this.records.push({ splitId: undefined, record, timestamp });
  }

  createOutputForSplit(splitId: string): SourceOutput<T> {
    this.created.push(splitId);
    return {
      collect: (record: T, timestamp?: number) => this.records.push({ splitId, record, timestamp }),
      markIdle: () => undefined,
      markActive: () => undefined,
    };
  }

  releaseOutputForSplit(splitId: string): void {
    this.released.push(splitId);
  }

  values(): T[] {
    return this.records.map((entry) => entry.record);
  }
}

function reader<T>(
  store: TestingKafkaStore,
  options: {
    deserializer?: KafkaRecordDeserializationSchema<T>;
    properties?: Record<string, string>;
    maxBufferedRecords?: number;
    handler?: DeserializationErrorHandler;
    clock?: RetryClock;
  } = {},
): KafkaSourceReader<T> {
  return new KafkaSourceReader<T>(new TestingSourceReaderContext(0, 1), {
    config: parseKafkaSourceConfig({
      'bootstrap.servers': 'testing:9092',
      'group.id': 'g',
      'fetch.max.wait.ms': '20',
      ...options.properties,
    }),
    client: store.client(),
    deserializer:
      options.deserializer ??
      (KafkaRecordDeserializationSchema.valueOnly(
        new SimpleStringSchema(),
      ) as KafkaRecordDeserializationSchema<T>),
    ...(options.maxBufferedRecords === undefined ? {} : { maxBufferedRecords: options.maxBufferedRecords }),
    ...(options.handler === undefined ? {} : { deserializationErrorHandler: options.handler }),
    ...(options.clock === undefined ? {} : { retryClock: options.clock }),
  });
}

/** Polls until END_OF_INPUT or `count` records; waits on isAvailable with a deadline. */
async function pollUntil<T>(
  source: KafkaSourceReader<T>,
  output: SplitRecordingOutput<T>,
  until: { count?: number; end?: boolean },
  deadlineMs = 10_000,
): Promise<InputStatus> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const status = source.pollNext(output);
    if (status === InputStatus.END_OF_INPUT) return status;
    if (until.count !== undefined && output.records.length >= until.count) return status;
    if (Date.now() > deadline) throw new Error(`no end in time: ${output.records.length} records`);
    if (status === InputStatus.NOTHING_AVAILABLE) {
      await Promise.race([source.isAvailable(), new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  }
}

function storeWith(partitions: number, perPartition: number): TestingKafkaStore {
  const store = new TestingKafkaStore();
  store.createTopic('t', partitions);
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++)
      store.append('t', p, { value: `${p}:${i}`, timestamp: 10_000 + i });
  }
  return store;
}

const split = (partition: number, start: number, stop: number | null = null): KafkaPartitionSplit =>
  kafkaPartitionSplit({ topic: 't', partition }, start, stop);

describe('KafkaSourceReader', () => {
  it('emits every record of its bounded splits once, with Kafka timestamps, through per-split outputs', async () => {
    const store = storeWith(3, 250);
    const source = reader<string>(store);
    await source.start();
    source.addSplits([split(0, 0, 250), split(1, 100, 200), split(2, 250, 250)]);
    source.notifyNoMoreSplits();
    const output = new SplitRecordingOutput<string>();
    expect(await pollUntil(source, output, { end: true })).toBe(InputStatus.END_OF_INPUT);
    const expected = [
      ...Array.from({ length: 250 }, (_, i) => `0:${i}`),
      ...Array.from({ length: 100 }, (_, i) => `1:${i + 100}`),
    ];
    expect(output.values().sort()).toEqual(expected.sort());
    for (const entry of output.records) {
      expect(entry.splitId).toBe(`t-${entry.record.split(':')[0]}`);
      expect(entry.timestamp).toBe(10_000 + Number(entry.record.split(':')[1]));
    }
    // Per partition in offset order.
    expect(output.records.filter((e) => e.splitId === 't-1').map((e) => e.record)).toEqual(
      Array.from({ length: 100 }, (_, i) => `1:${i + 100}`),
    );
    expect(output.created.sort()).toEqual(['t-0', 't-1', 't-2']);
    expect(output.released.sort()).toEqual(['t-0', 't-1', 't-2']);
    expect(source.snapshotState(1)).toEqual([]);
    await source.close();
  });

  it('never emits more than a batch per poll and keeps the fetch buffer bounded while not polled', async () => {
    const store = storeWith(2, 3000);
    store.maxRecordsPerFetch = 100;
    const source = reader<string>(store, { maxBufferedRecords: 300 });
    source.addSplits([split(0, 0), split(1, 0)]);
    await source.isAvailable();
    // Let the fetch loop run as far as it will: it must stop at the bound.
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    const fetchesWhenFull = store.fetchRequests.length;
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.fetchRequests.length).toBe(fetchesWhenFull);
    const output = new SplitRecordingOutput<string>();
    // One poll drains what is buffered: at least the bound, at most one fetch response more.
    expect(source.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(output.records.length).toBeGreaterThanOrEqual(300);
    expect(output.records.length).toBeLessThanOrEqual(300 + 2 * 100);
    // Draining lets fetching go on, and everything arrives in the end.
    await pollUntil(source, output, { count: 6000 });
    expect(new Set(output.values()).size).toBe(6000);
    await source.close();
  });

  it('checkpoints the next offset to emit; a reader restored from it continues without loss or duplicates', async () => {
    const store = storeWith(2, 500);
    store.maxRecordsPerFetch = 60;
    const first = reader<string>(store);
    first.addSplits([split(0, 0), split(1, 0)]);
    const output = new SplitRecordingOutput<string>();
    await pollUntil(first, output, { count: 300 });
    const snapshot = JSON.parse(JSON.stringify(first.snapshotState(5))) as KafkaPartitionSplit[];
    const beforeCheckpoint = output.values();
    for (const entry of snapshot) {
      const emitted = beforeCheckpoint.filter((value) => value.startsWith(`${entry.partition}:`)).length;
      expect(entry.startingOffset).toBe(emitted);
      expect(entry.stoppingOffset).toBeNull();
    }
    await pollUntil(first, output, { count: 600 }); // emitted after the checkpoint: lost with the failure
    await first.close();

    const restored = reader<string>(store);
    restored.addSplits(snapshot);
    const after = new SplitRecordingOutput<string>();
    await pollUntil(restored, after, { count: 1000 - beforeCheckpoint.length });
    const all = [...beforeCheckpoint, ...after.values()];
    expect(all.length).toBe(1000);
    expect(new Set(all).size).toBe(1000);
    await restored.close();
  });

  it('fails the task naming topic, partition and offset when a record does not deserialize', async () => {
    const store = new TestingKafkaStore();
    store.createTopic('t', 1);
    store.append('t', 0, { value: '{"n":1}' }, { value: 'not json' }, { value: '{"n":3}' });
    const failing = reader<{ n: number }>(store, {
      deserializer: KafkaRecordDeserializationSchema.valueOnly(
        new JsonDeserializationSchema<{ n: number }>(),
      ),
    });
    failing.addSplits([split(0, 0, 3)]);
    failing.notifyNoMoreSplits();
    const output = new SplitRecordingOutput<{ n: number }>();
    const error = await pollUntil(failing, output, { end: true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('KAFKA_DESERIALIZATION_FAILED');
    expect((error as UserError).message).toContain("topic 't' partition 0 offset 1");
    expect(output.values()).toEqual([{ n: 1 }]);
    await failing.close();

    const skipped: number[] = [];
    const skipping = reader<{ n: number }>(store, {
      deserializer: KafkaRecordDeserializationSchema.valueOnly(
        new JsonDeserializationSchema<{ n: number }>(),
      ),
      handler: (_error, record) => {
        skipped.push(record.offset);
        return 'skip';
      },
    });
    skipping.addSplits([split(0, 0, 3)]);
    skipping.notifyNoMoreSplits();
    const kept = new SplitRecordingOutput<{ n: number }>();
    expect(await pollUntil(skipping, kept, { end: true })).toBe(InputStatus.END_OF_INPUT);
    expect(kept.values()).toEqual([{ n: 1 }, { n: 3 }]);
    expect(skipped).toEqual([1]);
    await skipping.close();
  });

  it('does not take (or skip) a failure further down the chain for a deserialization failure', async () => {
    const store = storeWith(1, 3);
    const source = reader<string>(store, { handler: () => 'skip' });
    source.addSplits([split(0, 0, 3)]);
    const output = new SplitRecordingOutput<string>();
    output.createOutputForSplit = (splitId: string) => ({
      collect: () => {
        throw new Error(`a map function failed (${splitId})`);
      },
      markIdle: () => undefined,
      markActive: () => undefined,
    });
    const error = await pollUntil(source, output, { end: true }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe('a map function failed (t-0)');
    expect(error).not.toBeInstanceOf(UserError);
    await source.close();
  });

  it('commits the offsets of a completed checkpoint to the group, and only of that one', async () => {
    const store = storeWith(2, 100);
    const source = reader<string>(store);
    source.addSplits([split(0, 0), split(1, 0, 40)]);
    const output = new SplitRecordingOutput<string>();
    await pollUntil(source, output, { count: 140 });
    source.snapshotState(7);
    source.notifyCheckpointComplete(6); // unknown: nothing
    await source.whenCommitsDone();
    expect(store.committed.get('g')).toBeUndefined();
    source.notifyCheckpointComplete(7);
    await source.whenCommitsDone();
    // The finished split's final offset is committed too.
    expect(store.committed.get('g')).toEqual(
      new Map([
        ['t-0', 100],
        ['t-1', 40],
      ]),
    );
    expect(source.commitsSucceeded).toBe(1);
    await source.close();

    const noCommit = reader<string>(storeWith(1, 10), {
      properties: { 'commit.offsets.on.checkpoint': 'false' },
    });
    noCommit.addSplits([split(0, 0)]);
    noCommit.snapshotState(1);
    noCommit.notifyCheckpointComplete(1);
    await noCommit.whenCommitsDone();
    expect(noCommit.commitsSucceeded).toBe(0);
    await noCommit.close();
  });

  it('lets a commit in progress finish on close, but only within a bound', async () => {
    for (const outageMs of [1_500, 60_000]) {
      const store = storeWith(1, 10);
      let now = 0;
      const clock: RetryClock = {
        now: () => now,
        sleep: async (millis) => {
          now += millis;
          if (now >= outageMs) store.unavailable = false;
          await new Promise((resolve) => setImmediate(resolve));
        },
      };
      const source = reader<string>(store, { clock });
      source.addSplits([split(0, 0, 10)]);
      source.notifyNoMoreSplits();
      const output = new SplitRecordingOutput<string>();
      await pollUntil(source, output, { end: true });
      source.snapshotState(3);
      store.unavailable = true; // e.g. the group coordinator still loading
      source.notifyCheckpointComplete(3);
      await source.close();
      if (outageMs < 5_000) {
        expect(store.committed.get('g')).toEqual(new Map([['t-0', 10]]));
      } else {
        expect(source.commitsFailed).toBe(1);
        expect(now).toBeLessThan(7_000);
      }
    }
  });

  it('rides out a short broker outage and fails clearly when it lasts past default.api.timeout.ms', async () => {
    const store = storeWith(1, 50);
    store.unavailable = true;
    let slept = 0;
    const clock: RetryClock = {
      now: () => slept,
      sleep: async (millis) => {
        slept += millis;
        if (slept > 500 && slept < 2000) store.unavailable = false;
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    const source = reader<string>(store, { clock, properties: { 'default.api.timeout.ms': '3000' } });
    source.addSplits([split(0, 0)]);
    const output = new SplitRecordingOutput<string>();
    await pollUntil(source, output, { count: 50 });
    expect(output.values()).toHaveLength(50);

    store.unavailable = true;
    slept = 5000; // the outage now outlasts the timeout
    const error = await pollUntil(source, output, { count: 1000 }).catch((thrown: unknown) => thrown);
    expect((error as { code?: string }).code).toBe('KAFKA_FETCH_FAILED');
    expect((error as Error).message).toContain('t-0');
    expect((error as Error).message).toContain('testing:9092');
    expect((error as Error).message).toContain('ECONNREFUSED');
    await source.close();
  });

  it('continues from the earliest offset when its position was deleted (auto.offset.reset)', async () => {
    const store = storeWith(1, 20);
    store.logStart.set('t-0', 10);
    const source = reader<string>(store, { properties: { 'auto.offset.reset': 'earliest' } });
    source.addSplits([split(0, 3, 20)]);
    source.notifyNoMoreSplits();
    const output = new SplitRecordingOutput<string>();
    await pollUntil(source, output, { end: true });
    expect(output.values()).toEqual(Array.from({ length: 10 }, (_, i) => `0:${i + 10}`));
    await source.close();
  });

  it('does not mark itself idle without partitions (as Flink: a strategy with idleness does)', async () => {
    const source = reader<string>(storeWith(1, 0));
    const output = new SplitRecordingOutput<string>();
    expect(source.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(output.idle).toBe(false);
    expect(output.created).toEqual([]);
    await source.close();
  });

  it('emits at most 1024 records per poll', async () => {
    const store = storeWith(1, 3000);
    store.maxRecordsPerFetch = 3000;
    const source = reader<string>(store, { maxBufferedRecords: 5000 });
    source.addSplits([split(0, 0)]);
    await source.isAvailable();
    const output = new SplitRecordingOutput<string>();
    expect(source.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(output.records).toHaveLength(1024);
    expect(source.snapshotState(1)).toEqual([split(0, 1024)]);
    expect(source.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(source.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(output.values()).toEqual(Array.from({ length: 3000 }, (_, i) => `0:${i}`));
    await source.close();
  });

  it('creates the output of every assigned partition at once, records or not (they hold event time back)', async () => {
    const store = storeWith(2, 0);
    store.append('t', 0, { value: 'only', timestamp: 5 });
    const source = reader<string>(store);
    source.addSplits([split(0, 0)]);
    const output = new SplitRecordingOutput<string>();
    source.pollNext(output);
    expect(output.created).toEqual(['t-0']);
    source.addSplits([split(1, 0)]);
    source.pollNext(output);
    expect(output.created).toEqual(['t-0', 't-1']);
    await pollUntil(source, output, { count: 1 });
    expect(output.created).toEqual(['t-0', 't-1']);
    expect(output.records).toEqual([{ splitId: 't-0', record: 'only', timestamp: 5 }]);
    await source.close();
  });
});
