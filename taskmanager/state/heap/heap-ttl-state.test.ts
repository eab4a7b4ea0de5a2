/**
 * State time-to-live on the heap backend with a manual clock: every state kind expires, reads
 * refresh only with OnReadAndWrite, ReturnExpiredIfNotCleanedUp hands a stale value out once, and
 * list and map state expire per element and per entry.
 */
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
import { StateTtlConfig } from '../../../api/state/state-ttl-config.js';
import type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from '../../../api/state/state.js';
import { KeyGroupRange } from '../../../common/key-groups.js';
import type { KeyedStateHandle } from '../keyed-state-backend.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';

type Handle = {
  setCurrentNamespace(ns: string): void;
  mergeNamespaces(t: string, s: readonly string[]): void;
};

/** A backend over all key groups whose TTL clock is `clock.now`. */
function backendWithClock(): { backend: HeapKeyedStateBackend; clock: { now: number } } {
  const clock = { now: 1000 };
  const backend = new HeapKeyedStateBackend({
    keyGroupRange: new KeyGroupRange(0, 127),
    maxParallelism: 128,
    ttlTimeProvider: () => clock.now,
  });
  return { backend, clock };
}

function state<S>(backend: HeapKeyedStateBackend, d: StateDescriptor): S & Handle {
  return backend.getPartitionedState<KeyedStateHandle>(d as AnyStateDescriptor) as unknown as S & Handle;
}

const ttl100 = StateTtlConfig.newBuilder(100).build();
const ttl100OnRead = StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build();
const ttl100ReturnExpired = StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp().build();

const avg: AggregateFunction<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

describe('state TTL: value, reducing and aggregating state', () => {
  it('a value expires ttl ms after its last write, reads as absent and is removed when read', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ValueState<number>>(
      backend,
      new ValueStateDescriptor<number>('v').enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.update(1);
    clock.now = 1099;
    expect(s.value()).toBe(1); // OnCreateAndWrite: this read does not extend the TTL
    clock.now = 1100;
    expect(backend.numKeyValueStateEntries()).toBe(1); // expired but not yet cleaned up
    expect(s.value()).toBeUndefined();
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });

  it('a write refreshes the timestamp; other keys expire on their own', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ValueState<string>>(
      backend,
      new ValueStateDescriptor<string>('v').enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.update('a1');
    clock.now = 1050;
    backend.setCurrentKey('b');
    s.update('b1');
    clock.now = 1080;
    backend.setCurrentKey('a');
    s.update('a2');
    clock.now = 1149;
    expect(s.value()).toBe('a2');
    backend.setCurrentKey('b');
    expect(s.value()).toBe('b1');
    clock.now = 1150;
    expect(s.value()).toBeUndefined();
    backend.setCurrentKey('a');
    expect(s.value()).toBe('a2');
    clock.now = 1180;
    expect(s.value()).toBeUndefined();
  });

  it("an expired value with a default reads as the default's copy", () => {
    const { backend, clock } = backendWithClock();
    const d = new ValueStateDescriptor<{ n: number }>('withDefault', { n: 0 }).enableTimeToLive(ttl100);
    const s = state<ValueState<{ n: number }>>(backend, d);
    backend.setCurrentKey('a');
    s.update({ n: 5 });
    clock.now = 2000;
    const read = s.value()!;
    expect(read).toEqual({ n: 0 });
    read.n = 9;
    expect(s.value()).toEqual({ n: 0 });
  });

  it('OnReadAndWrite: a read extends the life of the value', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ValueState<number>>(
      backend,
      new ValueStateDescriptor<number>('v').enableTimeToLive(ttl100OnRead),
    );
    backend.setCurrentKey('a');
    s.update(7);
    clock.now = 1090;
    expect(s.value()).toBe(7);
    clock.now = 1180; // 180 after the write, 90 after the read
    expect(s.value()).toBe(7);
    clock.now = 1280;
    expect(s.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp: the stale value is returned once, then it is gone', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ValueState<number>>(
      backend,
      new ValueStateDescriptor<number>('v').enableTimeToLive(ttl100ReturnExpired),
    );
    backend.setCurrentKey('a');
    s.update(3);
    clock.now = 1500;
    expect(s.value()).toBe(3);
    expect(s.value()).toBeUndefined();
  });

  it('reducing state: adding to an expired value starts afresh; the sum expires after the last add', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ReducingState<number>>(
      backend,
      new ReducingStateDescriptor<number>('sum', (a, b) => a + b).enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.add(1);
    clock.now = 1050;
    s.add(2);
    clock.now = 1149;
    expect(s.get()).toBe(3);
    clock.now = 1150;
    s.add(5); // the 3 expired at 1150: not reduced into
    expect(s.get()).toBe(5);
    clock.now = 1250;
    expect(s.get()).toBeUndefined();
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });

  it('aggregating state: the accumulator expires as a whole', () => {
    const { backend, clock } = backendWithClock();
    const s = state<AggregatingState<number, number>>(
      backend,
      new AggregatingStateDescriptor('avg', avg).enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.add(2);
    s.add(4);
    expect(s.get()).toBe(3);
    clock.now = 1100;
    s.add(10);
    expect(s.get()).toBe(10);
    clock.now = 1200;
    expect(s.get()).toBeUndefined();
  });

  it('merging namespaces (session windows) drops expired values and keeps live ones', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ReducingState<number>>(
      backend,
      new ReducingStateDescriptor<number>('sum', (a, b) => a + b).enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.setCurrentNamespace('w1');
    s.add(1); // written at 1000
    clock.now = 1060;
    s.setCurrentNamespace('w2');
    s.add(10);
    s.setCurrentNamespace('w3');
    s.add(100);
    clock.now = 1100; // w1 has expired, w2 and w3 have not
    s.mergeNamespaces('w3', ['w1', 'w2']);
    s.setCurrentNamespace('w3');
    expect(s.get()).toBe(110);
    clock.now = 1199; // the merge refreshed the timestamp
    expect(s.get()).toBe(110);
  });
});

describe('state TTL: list state per element, map state per entry', () => {
  it('list elements expire one by one; the read removes them and an emptied list leaves no entry', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ListState<string>>(
      backend,
      new ListStateDescriptor<string>('l').enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.add('x');
    clock.now = 1050;
    s.addAll(['y', 'z']);
    clock.now = 1100;
    expect(s.get()).toEqual(['y', 'z']);
    clock.now = 1120;
    s.add('w');
    clock.now = 1150;
    expect(s.get()).toEqual(['w']);
    clock.now = 1220;
    expect(s.get()).toEqual([]);
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });

  it('list update() stamps every element with the time of the update', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ListState<number>>(
      backend,
      new ListStateDescriptor<number>('l').enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.add(1);
    clock.now = 1090;
    s.update([2, 3]);
    clock.now = 1150;
    expect(s.get()).toEqual([2, 3]);
    expect(() => s.add(null as unknown as number)).toThrow(/cannot hold null/);
  });

  it('list state with OnReadAndWrite refreshes the elements it returns; ReturnExpired returns stale ones once', () => {
    const { backend, clock } = backendWithClock();
    const onRead = state<ListState<number>>(
      backend,
      new ListStateDescriptor<number>('onRead').enableTimeToLive(ttl100OnRead),
    );
    const stale = state<ListState<number>>(
      backend,
      new ListStateDescriptor<number>('stale').enableTimeToLive(ttl100ReturnExpired),
    );
    backend.setCurrentKey('a');
    onRead.add(1);
    stale.add(1);
    clock.now = 1050;
    stale.add(2);
    expect(onRead.get()).toEqual([1]);
    clock.now = 1120;
    expect(onRead.get()).toEqual([1]); // refreshed at 1050
    expect(stale.get()).toEqual([1, 2]); // 1 is expired but still stored
    expect(stale.get()).toEqual([2]);
  });

  it('map entries expire one by one; get, contains, iteration and isEmpty agree', () => {
    const { backend, clock } = backendWithClock();
    const s = state<MapState<string, number>>(
      backend,
      new MapStateDescriptor<string, number>('m').enableTimeToLive(ttl100),
    );
    backend.setCurrentKey('a');
    s.put('k1', 1);
    clock.now = 1050;
    s.putAll([
      ['k2', 2],
      ['k3', 3],
    ]);
    clock.now = 1100;
    expect(s.get('k1')).toBeUndefined();
    expect(s.contains('k1')).toBe(false);
    expect(s.contains('k2')).toBe(true);
    expect([...s.entries()]).toEqual([
      ['k2', 2],
      ['k3', 3],
    ]);
    expect([...s.keys()]).toEqual(['k2', 'k3']);
    expect([...s.values()]).toEqual([2, 3]);
    expect(s.isEmpty()).toBe(false);
    s.put('k2', 20); // refreshes k2 only
    clock.now = 1150;
    expect([...s.entries()]).toEqual([['k2', 20]]);
    clock.now = 1200;
    expect(s.isEmpty()).toBe(true);
    expect(backend.numKeyValueStateEntries()).toBe(0);
  });

  it('map state with OnReadAndWrite refreshes an entry on get; ReturnExpired returns a stale entry once', () => {
    const { backend, clock } = backendWithClock();
    const onRead = state<MapState<string, number>>(
      backend,
      new MapStateDescriptor<string, number>('onRead').enableTimeToLive(ttl100OnRead),
    );
    const stale = state<MapState<string, number>>(
      backend,
      new MapStateDescriptor<string, number>('stale').enableTimeToLive(ttl100ReturnExpired),
    );
    backend.setCurrentKey('a');
    onRead.put('read', 1);
    onRead.put('unread', 2);
    stale.put('k', 1);
    stale.put('i', 2);
    clock.now = 1090;
    expect(onRead.get('read')).toBe(1);
    clock.now = 1150;
    expect([...onRead.entries()]).toEqual([['read', 1]]);
    expect(stale.get('k')).toBe(1);
    expect(stale.get('k')).toBeUndefined();
    expect([...stale.entries()]).toEqual([['i', 2]]); // iteration returns stale entries once too
    expect([...stale.entries()]).toEqual([]);
    expect(stale.isEmpty()).toBe(true);
  });

  it('states without TTL never expire, whatever the clock says', () => {
    const { backend, clock } = backendWithClock();
    const s = state<ValueState<number>>(backend, new ValueStateDescriptor<number>('plain'));
    backend.setCurrentKey('a');
    s.update(1);
    clock.now = Number.MAX_SAFE_INTEGER;
    expect(s.value()).toBe(1);
  });
});
