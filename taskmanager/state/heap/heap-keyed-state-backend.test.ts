import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../../../api/functions/functions.js';
import type { AnyStateDescriptor, StateDescriptor } from '../../../api/state/state-descriptor.js';
import {
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
import { FreshetError } from '../../../common/errors/freshet-error.js';
import {
  assignToKeyGroup,
  computeKeyGroupRangeForOperatorIndex,
  KeyGroupRange,
} from '../../../common/key-groups.js';
import type { KeyedStateHandle } from '../keyed-state-backend.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';

type Ns = { setCurrentNamespace(ns: string): void };

function fullBackend(maxParallelism = 128): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    keyGroupRange: new KeyGroupRange(0, maxParallelism - 1),
    maxParallelism,
  });
}

/**
 * Typed reducing descriptors are not assignable to AnyStateDescriptor (ReduceFunction<T> is
 * contravariant in T), so the runtime context has to cast; the tests do the same here.
 */
function state<S>(backend: HeapKeyedStateBackend, d: StateDescriptor): S & Ns {
  return backend.getPartitionedState<KeyedStateHandle>(d as AnyStateDescriptor) as unknown as S & Ns;
}

const avg: AggregateFunction<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

describe('HeapKeyedStateBackend state kinds', () => {
  it('value state: missing reads undefined or the default; update(undefined) clears', () => {
    const b = fullBackend();
    const s = state<ValueState<number>>(b, new ValueStateDescriptor<number>('count'));
    const d = state<ValueState<{ n: number }>>(b, new ValueStateDescriptor('withDefault', { n: 0 }));
    b.setCurrentKey('a');
    expect(s.value()).toBeUndefined();
    d.value()!.n = 99; // mutating the returned default must not change the default
    expect(d.value()).toEqual({ n: 0 });
    s.update(1);
    s.update((s.value() ?? 0) + 1);
    expect(s.value()).toBe(2);
    expect(b.numKeyValueStateEntries()).toBe(1);
    s.update(undefined);
    expect(s.value()).toBeUndefined();
    expect(b.numKeyValueStateEntries()).toBe(0);
  });

  it('list state: copies on get, rejects null elements, empty leaves no entry', () => {
    const b = fullBackend();
    const s = state<ListState<string>>(b, new ListStateDescriptor<string>('list'));
    b.setCurrentKey('k');
    expect(s.get()).toEqual([]);
    s.add('x');
    s.addAll(['y', 'z']);
    const got = s.get();
    got.push('mutated');
    expect(s.get()).toEqual(['x', 'y', 'z']);
    expect(() => s.add(null as unknown as string)).toThrow(FreshetError);
    expect(() => s.addAll(['ok', undefined as unknown as string])).toThrow(/null or undefined/);
    expect(s.get()).toEqual(['x', 'y', 'z']); // nothing half-added
    s.update(['q']);
    expect(s.get()).toEqual(['q']);
    s.update([]);
    expect(b.numKeyValueStateEntries()).toBe(0);
    s.addAll([]);
    expect(b.numKeyValueStateEntries()).toBe(0);
    s.add('r');
    s.clear();
    expect(s.get()).toEqual([]);
    expect(b.numKeyValueStateEntries()).toBe(0);
  });

  it('map state: JSON-like keys by canonical identity, original keys returned', () => {
    const b = fullBackend();
    const s = state<MapState<unknown, string>>(b, new MapStateDescriptor<unknown, string>('map'));
    b.setCurrentKey(7);
    expect(s.isEmpty()).toBe(true);
    s.put({ a: 1, b: 2 }, 'obj');
    s.put(1, 'number');
    s.put('1', 'string');
    expect(s.get({ b: 2, a: 1 })).toBe('obj');
    expect(s.get(1)).toBe('number');
    expect(s.get('1')).toBe('string');
    expect(s.contains('2')).toBe(false);
    s.putAll(new Map([['m', 'from map']]));
    s.putAll([[['tuple'], 'from array']]);
    expect([...s.keys()]).toEqual([{ a: 1, b: 2 }, 1, '1', 'm', ['tuple']]);
    expect([...s.values()]).toEqual(['obj', 'number', 'string', 'from map', 'from array']);
    expect([...s.entries()][1]).toEqual([1, 'number']);
    for (const k of [...s.keys()]) s.remove(k);
    expect(s.isEmpty()).toBe(true);
    expect(b.numKeyValueStateEntries()).toBe(0);
    s.put('x', 'y');
    s.clear();
    expect(s.get('x')).toBeUndefined();
    expect(b.numKeyValueStateEntries()).toBe(0);
  });

  it('reducing state with a function and with a {reduce} object', () => {
    const b = fullBackend();
    const sum = state<ReducingState<number>>(b, new ReducingStateDescriptor<number>('sum', (x, y) => x + y));
    const max = state<ReducingState<number>>(
      b,
      new ReducingStateDescriptor<number>('max', { reduce: (x: number, y: number) => Math.max(x, y) }),
    );
    b.setCurrentKey('k');
    expect(sum.get()).toBeUndefined();
    for (const v of [3, 9, 4]) {
      sum.add(v);
      max.add(v);
    }
    expect(sum.get()).toBe(16);
    expect(max.get()).toBe(9);
    sum.clear();
    expect(sum.get()).toBeUndefined();
  });

  it('aggregating state keeps the accumulator and returns getResult', () => {
    const b = fullBackend();
    const s = state<AggregatingState<number, number>>(b, new AggregatingStateDescriptor('avg', avg));
    b.setCurrentKey('k');
    expect(s.get()).toBeUndefined();
    s.add(2);
    s.add(4);
    expect(s.get()).toBe(3);
    expect(b.snapshot().keyGroups.get(assignToKeyGroup('k', 128))?.get('avg')).toEqual([
      ['k', '', { sum: 6, n: 2 }],
    ]);
  });
});

describe('HeapKeyedStateBackend scoping', () => {
  it('isolates keys, including 1 vs "1"', () => {
    const b = fullBackend();
    const s = state<ValueState<string>>(b, new ValueStateDescriptor<string>('v'));
    b.setCurrentKey(1);
    s.update('number one');
    b.setCurrentKey('1');
    expect(s.value()).toBeUndefined();
    s.update('string one');
    b.setCurrentKey({ id: 1, region: 'eu' });
    s.update('object');
    b.setCurrentKey(1);
    expect(s.value()).toBe('number one');
    b.setCurrentKey('1');
    expect(s.value()).toBe('string one');
    b.setCurrentKey({ region: 'eu', id: 1 });
    expect(s.value()).toBe('object');
    expect(b.numKeyValueStateEntries()).toBe(3);
  });

  it('isolates namespaces per key', () => {
    const b = fullBackend();
    const s = state<ListState<number>>(b, new ListStateDescriptor<number>('window-contents'));
    b.setCurrentKey('a');
    s.setCurrentNamespace('w1');
    s.add(1);
    s.setCurrentNamespace('w2');
    s.add(2);
    b.setCurrentKey('b');
    expect(s.get()).toEqual([]);
    s.add(3);
    b.setCurrentKey('a');
    expect(s.get()).toEqual([2]);
    s.setCurrentNamespace('w1');
    expect(s.get()).toEqual([1]);
    s.setCurrentNamespace('');
    expect(s.get()).toEqual([]);
    s.setCurrentNamespace('w1');
    s.clear();
    expect(b.numKeyValueStateEntries()).toBe(2);
    const seen: Array<[unknown, string]> = [];
    b.applyToAllKeys('window-contents', (key, ns) => seen.push([key, ns]));
    expect(seen.sort()).toEqual([
      ['a', 'w2'],
      ['b', 'w2'],
    ]);
  });

  it('places keys in their key groups and rejects keys of other subtasks', () => {
    const range = computeKeyGroupRangeForOperatorIndex(128, 2, 0);
    const b = new HeapKeyedStateBackend({ keyGroupRange: range, maxParallelism: 128 });
    const owned = keysOf(range, 128, 5);
    for (const key of owned) {
      b.setCurrentKey(key);
      expect(b.getCurrentKey()).toBe(key);
      expect(b.getCurrentKeyGroupIndex()).toBe(assignToKeyGroup(key, 128));
    }
    const foreign = keysOf(computeKeyGroupRangeForOperatorIndex(128, 2, 1), 128, 1)[0];
    expect(() => b.setCurrentKey(foreign)).toThrow(
      /not in this subtask's KeyGroupRange\{startKeyGroup=0, endKeyGroup=63\}/,
    );
    expect(() => b.setCurrentKey('x', 64)).toThrow(FreshetError);
    b.setCurrentKey('x', 3);
    expect(b.getCurrentKeyGroupIndex()).toBe(3);
  });

  it('rejects a name reused with another kind, and access before any key', () => {
    const b = fullBackend();
    const v = state<ValueState<number>>(b, new ValueStateDescriptor<number>('s'));
    expect(() => v.value()).toThrow(/before a current key was set/);
    expect(state(b, new ValueStateDescriptor<number>('s'))).toBe(v);
    expect(() => b.getPartitionedState(new ListStateDescriptor('s'))).toThrow(
      /'s' is value state and cannot also be used as list/,
    );
    expect(() => b.setCurrentKey(null)).toThrow(/must not be null/);
  });
});

describe('HeapKeyedStateBackend snapshot and restore', () => {
  function populated(): { backend: HeapKeyedStateBackend; keys: string[] } {
    const backend = fullBackend();
    const v = state<ValueState<{ n: number }>>(backend, new ValueStateDescriptor<{ n: number }>('v'));
    const l = state<ListState<number>>(backend, new ListStateDescriptor<number>('l'));
    const m = state<MapState<string, number>>(backend, new MapStateDescriptor<string, number>('m'));
    state(backend, new ReducingStateDescriptor<number>('unused', (a, b) => a + b));
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    for (const [i, key] of keys.entries()) {
      backend.setCurrentKey(key);
      v.update({ n: i });
      l.add(i);
      l.setCurrentNamespace('w');
      l.add(-i);
      l.setCurrentNamespace('');
      m.put(`sub-${i}`, i);
    }
    return { backend, keys };
  }

  it('splits a full snapshot exactly into two backends of p=2', () => {
    const { backend, keys } = populated();
    const snap = backend.snapshot();
    expect(snap.states.map((s) => [s.name, s.kind])).toEqual([
      ['v', 'value'],
      ['l', 'list'],
      ['m', 'map'],
      ['unused', 'reducing'],
    ]);
    const halves = [0, 1].map((i) => {
      const half = new HeapKeyedStateBackend({
        keyGroupRange: computeKeyGroupRangeForOperatorIndex(128, 2, i),
        maxParallelism: 128,
      });
      half.restore(snap);
      return half;
    });
    let total = 0;
    for (const half of halves) {
      const got = new Set<unknown>();
      half.applyToAllKeys('v', (key) => got.add(key));
      const expected = keys.filter((k) => half.keyGroupRange.contains(assignToKeyGroup(k, 128)));
      expect([...got].sort()).toEqual(expected.sort());
      expect(half.numKeyValueStateEntries()).toBe(expected.length * 4);
      total += expected.length;
      const v = state<ValueState<{ n: number }>>(half, new ValueStateDescriptor<{ n: number }>('v'));
      const l = state<ListState<number>>(half, new ListStateDescriptor<number>('l'));
      const m = state<MapState<string, number>>(half, new MapStateDescriptor<string, number>('m'));
      for (const key of expected) {
        const i = Number(key.slice(4));
        half.setCurrentKey(key);
        expect(v.value()).toEqual({ n: i });
        expect(l.get()).toEqual([i]);
        l.setCurrentNamespace('w');
        expect(l.get()).toEqual([-i]);
        l.setCurrentNamespace('');
        expect([...m.entries()]).toEqual([[`sub-${i}`, i]]);
      }
      expect(() => half.getPartitionedState(new ValueStateDescriptor('unused'))).toThrow(/reducing state/);
    }
    expect(total).toBe(keys.length);
  });

  it('snapshots are deep copies in both directions', () => {
    const { backend } = populated();
    const v = state<ValueState<{ n: number }>>(backend, new ValueStateDescriptor<{ n: number }>('v'));
    backend.setCurrentKey('key-1');
    const snap = backend.snapshot();
    v.value()!.n = 1000;
    const kg = assignToKeyGroup('key-1', 128);
    const entry = snap.keyGroups
      .get(kg)
      ?.get('v')
      ?.find(([k]) => k === 'key-1');
    expect(entry?.[2]).toEqual({ n: 1 });
    const restored = fullBackend();
    restored.restore(snap);
    (entry?.[2] as { n: number }).n = -5;
    const rv = state<ValueState<{ n: number }>>(restored, new ValueStateDescriptor<{ n: number }>('v'));
    restored.setCurrentKey('key-1');
    expect(rv.value()).toEqual({ n: 1 });
  });

  it('refuses a snapshot with another maxParallelism', () => {
    const snap = fullBackend(128).snapshot();
    expect(() => fullBackend(256).restore(snap)).toThrow(/maxParallelism 128 .* maxParallelism 256/);
  });
});

function keysOf(range: KeyGroupRange, maxParallelism: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (range.contains(assignToKeyGroup(`k${i}`, maxParallelism))) keys.push(`k${i}`);
  }
  return keys;
}
