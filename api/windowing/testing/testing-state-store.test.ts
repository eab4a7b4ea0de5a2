import { describe, expect, it } from 'vitest';

import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../state/state-descriptor.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../state/state.js';
import { TestingStateStore } from './testing-state-store.js';

const sum = new ReducingStateDescriptor<number>('sum', (a, b) => a + b);
const list = new ListStateDescriptor<string>('list');
const avg = new AggregatingStateDescriptor<number, [number, number], number>('avg', {
  createAccumulator: () => [0, 0],
  add: (v, [s, n]) => [s + v, n + 1],
  getResult: ([s, n]) => s / n,
  merge: ([s1, n1], [s2, n2]) => [s1 + s2, n1 + n2],
});

describe('TestingStateStore', () => {
  it('keeps state per namespace and counts only entries with a value', () => {
    const store = new TestingStateStore();
    const a = store.getState<ValueState<number>>('a', new ValueStateDescriptor<number>('v'));
    const b = store.getState<ValueState<number>>('b', new ValueStateDescriptor<number>('v'));
    a.update(1);
    expect(b.value()).toBeUndefined();
    expect(store.numEntries()).toBe(1);
    expect(store.numEntries('a')).toBe(1);
    a.clear();
    expect(store.numEntries()).toBe(0);
  });

  it('supports list, map, reducing and aggregating state', () => {
    const store = new TestingStateStore();
    const l = store.getState<ListState<string>>('n', list);
    l.add('x');
    l.addAll(['y', 'z']);
    expect(l.get()).toEqual(['x', 'y', 'z']);
    const m = store.getState<MapState<string, number>>('n', new MapStateDescriptor<string, number>('m'));
    m.put('k', 1);
    expect([m.get('k'), m.contains('k'), m.isEmpty()]).toEqual([1, true, false]);
    const r = store.getState<ReducingState<number>>('n', sum);
    r.add(2);
    r.add(3);
    expect(r.get()).toBe(5);
    const g = store.getState<AggregatingState<number, number>>('n', avg);
    g.add(1);
    g.add(3);
    expect(g.get()).toBe(2);
    expect(store.numEntries('n')).toBe(4);
  });

  it('merges mergeable state into the target and empties the sources, target included', () => {
    const store = new TestingStateStore();
    store.getState<ReducingState<number>>('s1', sum).add(1);
    store.getState<ReducingState<number>>('s2', sum).add(2);
    store.getState<ReducingState<number>>('t', sum).add(4);
    store.mergeNamespaces('t', ['s1', 's2', 't'], sum);
    expect(store.getState<ReducingState<number>>('t', sum).get()).toBe(7);
    expect(store.numEntries()).toBe(1);

    store.getState<ListState<string>>('s', list).add('b');
    store.getState<ListState<string>>('t', list).add('a');
    store.mergeNamespaces('t', ['s'], list);
    expect(store.getState<ListState<string>>('t', list).get()).toEqual(['a', 'b']);

    store.getState<AggregatingState<number, number>>('s', avg).add(10);
    store.getState<AggregatingState<number, number>>('t', avg).add(20);
    store.mergeNamespaces('t', ['s'], avg);
    expect(store.getState<AggregatingState<number, number>>('t', avg).get()).toBe(15);
  });

  it('refuses to merge value and map state', () => {
    const store = new TestingStateStore();
    expect(() => store.mergeNamespaces('t', ['s'], new ValueStateDescriptor('v'))).toThrow(
      /cannot be merged/,
    );
  });
});
