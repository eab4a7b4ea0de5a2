/**
 * State time-to-live across snapshots of the heap backend: the canonical form holds TtlValue
 * wrappers, cleanupFullSnapshot leaves expired values out (without touching live state), a restore
 * keeps the original timestamps, and a restore that would switch TTL on or off is refused.
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateDescriptor, StateDescriptor } from '../../../api/state/state-descriptor.js';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
} from '../../../api/state/state-descriptor.js';
import { StateTtlConfig } from '../../../api/state/state-ttl-config.js';
import type { ListState, MapState, ValueState } from '../../../api/state/state.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { KeyGroupRange } from '../../../common/key-groups.js';
import { decodeKeyGroupSections, encodeKeyGroupSections } from '../../checkpoint/keyed-state-sections.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../keyed-state-backend.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';

const RANGE = new KeyGroupRange(0, 127);

function backendAt(clock: { now: number }): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    keyGroupRange: RANGE,
    maxParallelism: 128,
    ttlTimeProvider: () => clock.now,
  });
}

function state<S>(backend: HeapKeyedStateBackend, d: StateDescriptor): S {
  return backend.getPartitionedState<KeyedStateHandle>(d as AnyStateDescriptor) as unknown as S;
}

/** key → snapshot value of one state, over all key groups. */
function valuesOf(snapshot: KeyedStateSnapshot, name: string): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const perState of snapshot.keyGroups.values()) {
    for (const [key, , value] of perState.get(name) ?? []) out.set(key, value);
  }
  return out;
}

/** The snapshot after a round trip through the msgpack key-group sections of a state file. */
function throughStateFile(snapshot: KeyedStateSnapshot): KeyedStateSnapshot {
  const sections = new Map(encodeKeyGroupSections(RANGE, snapshot, []));
  return decodeKeyGroupSections(128, sections, 'test-file').state;
}

const cleanup = StateTtlConfig.newBuilder(100).cleanupFullSnapshot().build();
const noCleanup = StateTtlConfig.newBuilder(100).build();

/** Writes value 'a' at 1000 and 'b' at 1060, list [1 at 1000, 2 at 1060], map {old at 1000, new at 1060}. */
function populate(backend: HeapKeyedStateBackend, clock: { now: number }, config: StateTtlConfig): void {
  const value = state<ValueState<string>>(
    backend,
    new ValueStateDescriptor<string>('value').enableTimeToLive(config),
  );
  const list = state<ListState<number>>(
    backend,
    new ListStateDescriptor<number>('list').enableTimeToLive(config),
  );
  const map = state<MapState<string, number>>(
    backend,
    new MapStateDescriptor<string, number>('map').enableTimeToLive(config),
  );
  clock.now = 1000;
  backend.setCurrentKey('a');
  value.update('a');
  list.add(1);
  map.put('old', 1);
  clock.now = 1060;
  backend.setCurrentKey('b');
  value.update('b');
  backend.setCurrentKey('a');
  list.add(2);
  map.put('new', 2);
}

describe('state TTL in snapshots', () => {
  it('snapshots hold the TtlValue wrappers in the canonical form (value, list elements, map pairs)', () => {
    const clock = { now: 1000 };
    const backend = backendAt(clock);
    populate(backend, clock, noCleanup);
    clock.now = 1100; // 'a', list element 1 and map entry 'old' have expired
    const snapshot = backend.snapshot();
    expect(valuesOf(snapshot, 'value')).toEqual(
      new Map([
        ['a', { userValue: 'a', lastAccessTimestamp: 1000 }],
        ['b', { userValue: 'b', lastAccessTimestamp: 1060 }],
      ]),
    );
    expect(valuesOf(snapshot, 'list').get('a')).toEqual([
      { userValue: 1, lastAccessTimestamp: 1000 },
      { userValue: 2, lastAccessTimestamp: 1060 },
    ]);
    expect(valuesOf(snapshot, 'map').get('a')).toEqual([
      ['old', { userValue: 1, lastAccessTimestamp: 1000 }],
      ['new', { userValue: 2, lastAccessTimestamp: 1060 }],
    ]);
  });

  it('cleanupFullSnapshot leaves expired values, elements and entries out, and live state as it was', () => {
    const clock = { now: 1000 };
    const backend = backendAt(clock);
    populate(backend, clock, cleanup);
    clock.now = 1100;
    const entriesBefore = backend.numKeyValueStateEntries();
    const snapshot = backend.snapshot();
    expect([...valuesOf(snapshot, 'value').keys()]).toEqual(['b']);
    expect(valuesOf(snapshot, 'list').get('a')).toEqual([{ userValue: 2, lastAccessTimestamp: 1060 }]);
    expect(valuesOf(snapshot, 'map').get('a')).toEqual([
      ['new', { userValue: 2, lastAccessTimestamp: 1060 }],
    ]);
    expect(backend.numKeyValueStateEntries()).toBe(entriesBefore);

    clock.now = 1200; // everything has expired: no entry at all is left in the snapshot
    const empty = backend.snapshot();
    expect(empty.keyGroups.size).toBe(0);
    expect(empty.states.map((s) => s.name).sort()).toEqual(['list', 'map', 'value']);
  });

  it('a restore keeps the timestamps, also through a state file, so values expire when they would have', () => {
    const clock = { now: 1000 };
    const source = backendAt(clock);
    populate(source, clock, noCleanup);
    const snapshot = throughStateFile(source.snapshot());

    const restoredClock = { now: 1099 };
    const target = backendAt(restoredClock);
    target.restore(snapshot);
    const value = state<ValueState<string>>(
      target,
      new ValueStateDescriptor<string>('value').enableTimeToLive(noCleanup),
    );
    const list = state<ListState<number>>(
      target,
      new ListStateDescriptor<number>('list').enableTimeToLive(noCleanup),
    );
    const map = state<MapState<string, number>>(
      target,
      new MapStateDescriptor<string, number>('map').enableTimeToLive(noCleanup),
    );
    target.setCurrentKey('a');
    expect(value.value()).toBe('a');
    expect(list.get()).toEqual([1, 2]);
    expect([...map.entries()]).toEqual([
      ['old', 1],
      ['new', 2],
    ]);
    restoredClock.now = 1100;
    expect(value.value()).toBeUndefined();
    expect(list.get()).toEqual([2]);
    expect([...map.keys()]).toEqual(['new']);
    target.setCurrentKey('b');
    expect(value.value()).toBe('b');
  });
});

describe('state TTL mismatch on restore', () => {
  function mismatch(fn: () => unknown): UserError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return error as UserError;
    }
    throw new Error('expected STATE_TTL_MISMATCH');
  }

  it('refuses TTL-wrapped state restored into a state without TTL, naming the state', () => {
    const clock = { now: 1000 };
    const source = backendAt(clock);
    populate(source, clock, noCleanup);
    const target = backendAt(clock);
    target.restore(throughStateFile(source.snapshot()));
    for (const d of [
      new ValueStateDescriptor<string>('value'),
      new ListStateDescriptor<number>('list'),
      new MapStateDescriptor<string, number>('map'),
    ]) {
      const error = mismatch(() => state(target, d));
      expect(error.code).toBe('STATE_TTL_MISMATCH');
      expect(error.message).toContain(`state '${d.name}'`);
      expect(error.message).toContain('taken with time-to-live (TTL) enabled');
    }
  });

  it('refuses plain state restored into a state with TTL', () => {
    const clock = { now: 1000 };
    const source = backendAt(clock);
    const plain = state<MapState<string, number>>(source, new MapStateDescriptor<string, number>('sessions'));
    source.setCurrentKey('u1');
    plain.put('s', 1);
    const target = backendAt(clock);
    target.restore(source.snapshot());
    const error = mismatch(() =>
      state(target, new MapStateDescriptor<string, number>('sessions').enableTimeToLive(noCleanup)),
    );
    expect(error.code).toBe('STATE_TTL_MISMATCH');
    expect(error.message).toContain("state 'sessions'");
    expect(error.message).toContain('taken without time-to-live');
  });

  it('allows a matching TTL setting, and refuses one name used both with and without TTL', () => {
    const clock = { now: 1000 };
    const backend = backendAt(clock);
    const withTtl = new ValueStateDescriptor<number>('v').enableTimeToLive(noCleanup);
    state(backend, withTtl);
    expect(state(backend, new ValueStateDescriptor<number>('v').enableTimeToLive(cleanup))).toBe(
      state(backend, withTtl),
    );
    const error = mismatch(() => state(backend, new ValueStateDescriptor<number>('v')));
    expect(error.code).toBe('STATE_TTL_MISMATCH');
    expect(error.message).toContain("state 'v' is already in use with time-to-live");
  });
});
