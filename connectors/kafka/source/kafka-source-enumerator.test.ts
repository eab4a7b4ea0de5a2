import { describe, expect, it } from 'vitest';
import { Boundedness } from '../../../api/connector/source.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import type { KafkaPartitionSplit } from './kafka-partition-split.js';
import type { RetryClock } from './kafka-retry.js';
import { KafkaSourceEnumerator, type KafkaSourceEnumState } from './kafka-source-enumerator.js';
import { parseKafkaSourceConfig } from './kafka-source-options.js';
import { getSplitOwner, javaStringHashCode } from './kafka-split-owner.js';
import { KafkaSubscriber } from './kafka-subscriber.js';
import { OffsetResetStrategy, OffsetsInitializer } from './offsets-initializer.js';
import { TestingKafkaEnumeratorContext } from './testing-kafka-enumerator-context.js';
import { TestingKafkaStore } from './testing-kafka-source-client.js';

/** A clock whose sleeps advance it at once (and may run something, e.g. create a topic). */
function fakeClock(onSleep?: (now: number) => void): RetryClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: (millis: number) => {
      clock.time += millis;
      onSleep?.(clock.time);
      return Promise.resolve();
    },
  };
  return clock;
}

function enumerator(
  store: TestingKafkaStore,
  context: TestingKafkaEnumeratorContext<KafkaPartitionSplit>,
  options: {
    subscriber?: KafkaSubscriber;
    starting?: OffsetsInitializer;
    stopping?: OffsetsInitializer;
    properties?: Record<string, string>;
    clock?: RetryClock;
    restored?: KafkaSourceEnumState;
  } = {},
): KafkaSourceEnumerator {
  return new KafkaSourceEnumerator(
    context,
    {
      subscriber: options.subscriber ?? KafkaSubscriber.topics(['orders']),
      startingOffsets: options.starting ?? OffsetsInitializer.earliest(),
      stoppingOffsets: options.stopping,
      boundedness: options.stopping === undefined ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED,
      config: parseKafkaSourceConfig({
        'bootstrap.servers': 'testing:9092',
        'group.id': 'g',
        'default.api.timeout.ms': '5000',
        ...options.properties,
      }),
      clientFactory: () => store.client(),
      retryClock: options.clock ?? fakeClock(),
    },
    options.restored,
  );
}

function storeWithOrders(partitions = 4, recordsPerPartition = 5): TestingKafkaStore {
  const store = new TestingKafkaStore();
  store.createTopic('orders', partitions);
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < recordsPerPartition; i++)
      store.append('orders', p, { value: `v${p}-${i}`, timestamp: 1000 * i });
  }
  return store;
}

function contextWithReaders(parallelism: number, registered = parallelism) {
  const context = new TestingKafkaEnumeratorContext<KafkaPartitionSplit>(parallelism);
  for (let i = 0; i < registered; i++) context.registerReader(i);
  return context;
}

const ids = (splits: readonly KafkaPartitionSplit[]): string[] => splits.map((split) => split.splitId).sort();

describe('getSplitOwner', () => {
  it("matches Flink's formula with Java's String.hashCode (values computed with Java)", () => {
    expect(javaStringHashCode('orders')).toBe(-1008770331);
    expect(javaStringHashCode('événements')).toBe(-1479837150);
    expect(javaStringHashCode('a-very-long-topic-name-with-many-characters-0123456789')).toBe(2016328611);
    const owners = (topic: string, n: number): number[] =>
      [0, 1, 2, 3, 4, 5].map((partition) => getSplitOwner({ topic, partition }, n));
    expect(owners('orders', 3)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(owners('orders', 7)).toEqual([3, 4, 5, 6, 0, 1]);
    expect(owners('test-topic', 7)).toEqual([5, 6, 0, 1, 2, 3]);
    expect(owners('événements', 3)).toEqual([2, 0, 1, 2, 0, 1]);
    expect(owners('événements', 7)).toEqual([6, 0, 1, 2, 3, 4]);
    expect(owners('a-very-long-topic-name-with-many-characters-0123456789', 7)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('KafkaSourceEnumerator', () => {
  it('discovers the partitions periodically and assigns each to its owner from the earliest offset', async () => {
    const store = storeWithOrders(4);
    store.logStart.set('orders-2', 3);
    const context = contextWithReaders(3);
    const enumerator_ = enumerator(store, context);
    enumerator_.start();
    expect(context.scheduledPeriods).toEqual([300_000]);
    await context.runCallables();
    expect(context.handlerErrors).toEqual([]);
    for (let reader = 0; reader < 3; reader++) {
      for (const split of context.assignedTo(reader)) expect(getSplitOwner(split, 3)).toBe(reader);
    }
    const all = context.assignments.flatMap((entry) => entry.splits);
    expect(ids(all)).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3']);
    expect(all.find((split) => split.partition === 2)).toMatchObject({
      startingOffset: 3,
      stoppingOffset: null,
    });
    expect(all.find((split) => split.partition === 0)).toMatchObject({
      startingOffset: 0,
      stoppingOffset: null,
    });
    // Unbounded: readers are never told there are no more splits.
    expect(context.noMoreSplitsSignalled.size).toBe(0);

    // A second discovery finds nothing new and assigns nothing again.
    await context.runCallables();
    expect(context.assignments.flatMap((entry) => entry.splits)).toHaveLength(4);
  });

  it('picks up partitions added later, starting them at the earliest offset (not the configured one)', async () => {
    const store = storeWithOrders(2);
    const context = contextWithReaders(2);
    const enumerator_ = enumerator(store, context, { starting: OffsetsInitializer.latest() });
    enumerator_.start();
    await context.runCallables();
    const first = context.assignments.flatMap((entry) => entry.splits);
    expect(first.map((split) => split.startingOffset)).toEqual([5, 5]);

    store.addPartitions('orders', 2);
    store.append('orders', 3, { value: 'early' });
    await context.runCallables();
    const later = context.assignments.flatMap((entry) => entry.splits).slice(2);
    expect(ids(later)).toEqual(['orders-2', 'orders-3']);
    expect(later.every((split) => split.startingOffset === 0)).toBe(true);
  });

  it('bounded: resolves stopping offsets, discovers once and signals no more splits, also to late readers', async () => {
    const store = storeWithOrders(4, 3);
    const context = contextWithReaders(2, 1);
    const enumerator_ = enumerator(store, context, { stopping: OffsetsInitializer.latest() });
    enumerator_.start();
    expect(context.scheduledPeriods).toEqual([undefined]);
    await context.runCallables();
    expect(context.noMoreSplitsSignalled).toEqual(new Set([0]));
    expect(context.assignedTo(0).every((split) => split.stoppingOffset === 3)).toBe(true);
    expect(context.assignedTo(1)).toEqual([]);

    context.registerReader(1);
    enumerator_.addReader(1);
    expect(ids(context.assignedTo(1))).toEqual(
      ['orders-0', 'orders-1', 'orders-2', 'orders-3'].filter(
        (id) => getSplitOwner({ topic: 'orders', partition: Number(id.split('-')[1]) }, 2) === 1,
      ),
    );
    expect(context.noMoreSplitsSignalled).toEqual(new Set([0, 1]));
  });

  it('checkpoints assigned and pending partitions; a restored enumerator assigns only the pending ones', async () => {
    const store = storeWithOrders(4);
    const context = contextWithReaders(2, 1);
    const first = enumerator(store, context);
    first.start();
    await context.runCallables();
    const state = JSON.parse(JSON.stringify(first.snapshotState(1))) as KafkaSourceEnumState;
    const assignedToZero = ids(context.assignedTo(0));
    expect(state.assignedPartitions.map((p) => `${p.topic}-${p.partition}`)).toEqual(assignedToZero);
    expect(state.pendingSplits.map((split) => split.splitId).sort()).toEqual(
      ['orders-0', 'orders-1', 'orders-2', 'orders-3'].filter((id) => !assignedToZero.includes(id)),
    );
    expect(state.initialDiscoveryFinished).toBe(true);

    // Restored at parallelism 3: pending splits get owners for 3 readers; nothing is assigned twice.
    const restoredContext = contextWithReaders(3);
    const restored = enumerator(store, restoredContext, { restored: state });
    restored.start();
    for (let reader = 0; reader < 3; reader++) restored.addReader(reader);
    await restoredContext.runCallables();
    const reassigned = restoredContext.assignments.flatMap((entry) => entry.splits);
    expect(ids(reassigned)).toEqual(state.pendingSplits.map((split) => split.splitId).sort());
    for (const entry of restoredContext.assignments) {
      for (const split of entry.splits) expect(getSplitOwner(split, 3)).toBe(entry.subtaskId);
    }
  });

  it('gives splits added back (with their positions) to their owner again', async () => {
    const store = storeWithOrders(2);
    const context = contextWithReaders(1);
    const enumerator_ = enumerator(store, context);
    enumerator_.start();
    await context.runCallables();
    const [split] = context.assignedTo(0);
    enumerator_.addSplitsBack([{ ...split!, startingOffset: 4 }], 0);
    expect(context.assignments.at(-1)).toEqual({ subtaskId: 0, splits: [{ ...split!, startingOffset: 4 }] });
    expect(enumerator_.snapshotState(2).pendingSplits).toEqual([]);
  });

  it('resolves committed, timestamp and given starting offsets', async () => {
    const store = storeWithOrders(3);
    store.committed.set('g', new Map([['orders-0', 2]]));
    const cases: [OffsetsInitializer, number[]][] = [
      [OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), [2, 0, 0]],
      [OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST), [2, 5, 5]],
      [OffsetsInitializer.timestamp(3000), [3, 3, 3]],
      [OffsetsInitializer.timestamp(99_999), [5, 5, 5]],
      [OffsetsInitializer.offsets([[{ topic: 'orders', partition: 1 }, 4]]), [2, 4, 0]],
    ];
    for (const [starting, expected] of cases) {
      const context = contextWithReaders(1);
      enumerator(store, context, { starting }).start();
      await context.runCallables();
      expect(context.handlerErrors, starting.toString()).toEqual([]);
      const offsets = context.assignedTo(0).map((split) => split.startingOffset);
      expect(offsets, starting.toString()).toEqual(expected);
    }
    // committedOffsets() without a reset strategy fails where nothing is committed.
    const context = contextWithReaders(1);
    enumerator(store, context, { starting: OffsetsInitializer.committedOffsets() }).start();
    await context.runCallables();
    expect((context.handlerErrors[0] as UserError).code).toBe('KAFKA_NO_COMMITTED_OFFSET');
  });

  it('a topic pattern picks up new matching topics at the next discovery', async () => {
    const store = storeWithOrders(1);
    store.createTopic('other', 1);
    const context = contextWithReaders(2);
    enumerator(store, context, { subscriber: KafkaSubscriber.pattern(/ord.*/) }).start();
    await context.runCallables();
    expect(ids(context.assignments.flatMap((entry) => entry.splits))).toEqual(['orders-0']);
    store.createTopic('ordersEU', 2);
    await context.runCallables();
    expect(ids(context.assignments.flatMap((entry) => entry.splits))).toEqual([
      'orders-0',
      'ordersEU-0',
      'ordersEU-1',
    ]);
  });

  it('waits a bounded time for an unknown topic, then fails naming it', async () => {
    const store = new TestingKafkaStore();
    const clock = fakeClock();
    const context = contextWithReaders(1);
    enumerator(store, context, { subscriber: KafkaSubscriber.topics(['missing-topic']), clock }).start();
    await context.runCallables();
    const error = context.handlerErrors[0] as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('KAFKA_UNKNOWN_TOPIC');
    expect(error.message).toContain("'missing-topic' does not exist");
    expect(error.message).toMatch(/retried for \d+ ms/);
    expect(clock.time).toBeGreaterThanOrEqual(5000);
    expect(clock.time).toBeLessThan(7000);
  });

  it('reads a topic that appears while it waits', async () => {
    const store = new TestingKafkaStore();
    const clock = fakeClock((now) => {
      if (now > 1000 && !store.topics.has('late')) {
        store.createTopic('late', 1);
        store.append('late', 0, { value: 'x' });
      }
    });
    const context = contextWithReaders(1);
    enumerator(store, context, { subscriber: KafkaSubscriber.topics(['late']), clock }).start();
    await context.runCallables();
    expect(context.handlerErrors).toEqual([]);
    expect(ids(context.assignedTo(0))).toEqual(['late-0']);
  });

  it('fails with a clear error when the brokers stay unreachable', async () => {
    const store = storeWithOrders(1);
    store.unavailable = true;
    const context = contextWithReaders(1);
    enumerator(store, context).start();
    await context.runCallables();
    const error = context.handlerErrors[0] as UserError;
    expect(error.code).toBe('KAFKA_PARTITION_DISCOVERY_FAILED');
    expect(error.message).toContain('testing:9092');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toMatch(/retried for \d+ ms/);
    expect(context.assignments).toEqual([]);
  });
});
