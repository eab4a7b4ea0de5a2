import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AnyStateDescriptor,
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../api/state/state-descriptor.js';
import type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from '../../../api/state/state.js';
import { KeyGroupRange } from '../../../common/key-groups.js';
import { HeapKeyedStateBackend } from '../heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend, KeyedStateHandle, KeyedStateSnapshot } from '../keyed-state-backend.js';
import { RocksDBKeyedStateBackend } from './rocksdb-keyed-state-backend.js';
import { SlotRocksDB } from './slot-rocksdb.js';

const MAX_PAR = 16;
const ALL = new KeyGroupRange(0, MAX_PAR - 1);

const valueDesc = new ValueStateDescriptor<number>('count') as AnyStateDescriptor;
const listDesc = new ListStateDescriptor<string>('seen') as AnyStateDescriptor;
const mapDesc = new MapStateDescriptor<string, number>('perWord') as AnyStateDescriptor;
const reduceDesc = new ReducingStateDescriptor<number>(
  'sum',
  (a, b) => a + b,
) as unknown as AnyStateDescriptor;
const aggDesc = new AggregatingStateDescriptor<number, { n: number; s: number }, number>('avg', {
  createAccumulator: () => ({ n: 0, s: 0 }),
  add: (v, acc) => ({ n: acc.n + 1, s: acc.s + v }),
  getResult: (acc) => acc.s / acc.n,
  merge: (a, b) => ({ n: a.n + b.n, s: a.s + b.s }),
}) as unknown as AnyStateDescriptor;

let root: string;
let slot: SlotRocksDB;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'freshet-rocksdb-test-'));
  slot = new SlotRocksDB([root], 'test-slot');
});
afterEach(async () => {
  await slot.close();
  rmSync(root, { recursive: true, force: true });
});

async function rocks(cacheSize: number, range = ALL): Promise<RocksDBKeyedStateBackend> {
  return new RocksDBKeyedStateBackend({
    keyGroupRange: range,
    maxParallelism: MAX_PAR,
    lease: await slot.acquire(),
    cacheSize,
  });
}

function heap(range = ALL): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({ keyGroupRange: range, maxParallelism: MAX_PAR });
}

/** A deterministic mix of every state kind, windows (namespaces), removals and merges. */
function workload(backend: KeyedStateBackend, steps: number): void {
  const value = backend.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
  const list = backend.getPartitionedState<ListState<string> & KeyedStateHandle>(listDesc);
  const map = backend.getPartitionedState<MapState<string, number> & KeyedStateHandle>(mapDesc);
  const sum = backend.getPartitionedState<ReducingState<number> & KeyedStateHandle>(reduceDesc);
  const avg = backend.getPartitionedState<AggregatingState<number, number> & KeyedStateHandle>(aggDesc);
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < steps; i++) {
    const key = next(3) === 0 ? `k${next(50)}` : next(50);
    backend.setCurrentKey(key);
    value.update((value.value() ?? 0) + 1);
    if (next(5) === 0) list.add(`e${i}`);
    if (next(7) === 0) list.clear();
    map.put(`w${next(4)}`, (map.get(`w${next(4)}`) ?? 0) + 1);
    if (next(9) === 0) map.remove(`w${next(4)}`);
    const window = `w-${next(3)}`;
    sum.setCurrentNamespace(window);
    sum.add(i);
    avg.setCurrentNamespace(window);
    avg.add(i);
    if (next(11) === 0) {
      sum.mergeNamespaces('w-0', ['w-1', 'w-2']);
      avg.mergeNamespaces('w-0', ['w-1', 'w-2']);
    }
    if (next(13) === 0) value.clear();
  }
}

/** A snapshot as sorted plain data, to compare backends. */
function canonical(snapshot: KeyedStateSnapshot): unknown {
  const groups = [...snapshot.keyGroups].sort(([a], [b]) => a - b);
  return groups.map(([group, perState]) => [
    group,
    [...perState]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entries]) => [name, entries.map(([k, ns, v]) => JSON.stringify([k, ns, v])).sort()]),
  ]);
}

describe('RocksDBKeyedStateBackend', () => {
  it('holds the same state as the heap backend, with a cache far smaller than the state', async () => {
    const expected = heap();
    workload(expected, 3000);
    const actual = await rocks(8);
    workload(actual, 3000);
    expect(actual.numKeyValueStateEntries()).toBe(expected.numKeyValueStateEntries());
    expect(canonical(actual.snapshot())).toEqual(canonical(expected.snapshot()));
    // The asynchronous snapshot reads the same.
    const async = actual.snapshotAsync();
    const keyGroups = new Map<number, Map<string, ReadonlyArray<readonly [unknown, string, unknown]>>>();
    for await (const [group, states] of async.keyGroups) keyGroups.set(group, new Map(states));
    expect(canonical({ ...async, keyGroups })).toEqual(canonical(expected.snapshot()));
    actual.dispose();
  });

  it('an asynchronous snapshot is the state at the moment it was cut, whatever is written after', async () => {
    const backend = await rocks(4);
    const value = backend.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
    for (let k = 0; k < 20; k++) {
      backend.setCurrentKey(k);
      value.update(k);
    }
    const cut = backend.snapshotAsync();
    for (let k = 0; k < 20; k++) {
      backend.setCurrentKey(k);
      value.update(1000 + k);
    }
    backend.flush();
    const seen: number[] = [];
    for await (const [, states] of cut.keyGroups)
      for (const [, , v] of states.get('count') ?? []) seen.push(v as number);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    backend.setCurrentKey(3);
    expect(value.value()).toBe(1003);
    backend.dispose();
  });

  it('restores a heap snapshot into RocksDB and a RocksDB snapshot back into the heap, by key group', async () => {
    const source = heap();
    workload(source, 1500);
    const half = new KeyGroupRange(0, MAX_PAR / 2 - 1);
    const intoRocks = await rocks(16, half);
    intoRocks.restore(source.snapshot());
    const intoHeap = heap(half);
    intoHeap.restore(intoRocks.snapshot());
    const reference = heap(half);
    reference.restore(source.snapshot());
    expect(canonical(intoHeap.snapshot())).toEqual(canonical(reference.snapshot()));
    expect([...intoRocks.snapshot().keyGroups.keys()].every((g) => half.contains(g))).toBe(true);
    intoRocks.dispose();
  });

  it('prefetch reads a whole batch of keys in one round trip', async () => {
    const backend = await rocks(1000);
    const value = backend.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
    for (let k = 0; k < 200; k++) {
      backend.setCurrentKey(k);
      value.update(k * 2);
    }
    backend.flush();
    const fresh = new RocksDBKeyedStateBackend({
      keyGroupRange: ALL,
      maxParallelism: MAX_PAR,
      lease: await slot.acquire(),
      cacheSize: 1000,
    });
    fresh.restore(backend.snapshot());
    const state = fresh.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
    fresh.setCurrentKey(0);
    state.value(); // first access marks the state as void-namespaced (one read)
    const instance = await slot.acquire();
    const before = instance.instance.syncCalls;
    fresh.prefetch(Array.from({ length: 200 }, (_, k) => ({ key: k, namespace: '' })));
    let total = 0;
    for (let k = 0; k < 200; k++) {
      fresh.setCurrentKey(k);
      total += state.value() ?? 0;
    }
    expect(total).toBe(199 * 200);
    expect(instance.instance.syncCalls - before).toBe(1);
    instance.release();
    fresh.dispose();
    backend.dispose();
  });

  it('reads nothing for keys it never wrote, and reads what it wrote once evicted', async () => {
    const backend = await rocks(10);
    const value = backend.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
    backend.setCurrentKey(-1);
    value.update(-1); // registers the state as void-namespaced
    const lease = await slot.acquire();
    const before = lease.instance.syncCalls;
    for (let k = 0; k < 100; k++) {
      backend.prefetch([{ key: k, namespace: '' }]);
      backend.setCurrentKey(k);
      expect(value.value()).toBeUndefined();
      value.update(k);
    }
    expect(lease.instance.syncCalls - before).toBe(0);
    // Evicted long ago and written: once the writes are applied, these are real reads, in one batch
    // (before that they are answered from the writes still on their way).
    backend.flush();
    await lease.instance.flushed();
    backend.prefetch(Array.from({ length: 50 }, (_, k) => ({ key: k, namespace: '' })));
    expect(lease.instance.syncCalls - before).toBe(1);
    for (let k = 0; k < 50; k++) {
      backend.setCurrentKey(k);
      expect(value.value()).toBe(k);
    }
    lease.release();
    backend.dispose();
  });

  it('a removed value stays removed after it left the cache', async () => {
    const backend = await rocks(2);
    const value = backend.getPartitionedState<ValueState<number> & KeyedStateHandle>(valueDesc);
    backend.setCurrentKey('a');
    value.update(1);
    backend.prefetch([]);
    backend.flush();
    value.clear();
    for (let k = 0; k < 10; k++) {
      backend.setCurrentKey(k);
      value.update(k);
      backend.prefetch([]);
    }
    backend.setCurrentKey('a');
    expect(value.value()).toBeUndefined();
    expect(backend.numKeyValueStateEntries()).toBe(10);
    backend.dispose();
  });

  it('fails with a clear error when the local state directory cannot be written', async () => {
    const file = join(root, 'not-a-directory');
    writeFileSync(file, 'x');
    const broken = new SlotRocksDB([file], 'broken');
    await expect(broken.acquire()).rejects.toThrow(
      /cannot open RocksDB in .*not-a-directory.*taskmanager\.state\.local\.root-dirs/,
    );
  });
});
