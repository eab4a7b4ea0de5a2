/**
 * Flink's WindowOperatorTest, state garbage collection: the cleanup timer at
 * maxTimestamp + allowedLateness clears a window whose contents a purging trigger already emptied
 * without firing it again, and leaves no state or timers behind.
 */
import {
  EventTimeSessionWindows,
  ListStateDescriptor,
  TimeWindow,
  TumblingEventTimeWindows,
  type Collector,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, watermark } from '../support/keyed-operator-test-harness.js';
import { windowNamespace } from '../../api/windowing/windows/window-namespace.js';
import type { KeyedStateHandle } from '../../taskmanager/state/keyed-state-backend.js';
import {
  EventTimeTriggerAccumGC,
  FireEverytimeOnElementAndEventTimeTrigger,
  ReducedSessionAsProcess,
  expectOutputEqualsSorted,
  passThroughFunction,
  sumReducer,
  windowHarness,
  type Tuple2,
  type WindowHarness,
} from './fixtures.js';

let harness: WindowHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Flink's PassThroughFunction2: "GOT: (k,v),(k,v)" in Java's Tuple2.toString form. */
function passThroughFunction2(_key: string, _w: TimeWindow, input: Tuple2[], out: Collector<string>): void {
  out.collect(`GOT: ${input.map((t) => `(${t[0]},${t[1]})`).join(',')}`);
}

/** The elements the window operator keeps for `key` in `window` (its "window-contents" list state). */
function windowContents(h: WindowHarness, key: string, window: TimeWindow): unknown {
  const state = h.keyedStateBackend.getPartitionedState<KeyedStateHandle>(
    new ListStateDescriptor<Tuple2>('window-contents'),
  ) as unknown as { setCurrentNamespace(ns: string): void; get(): unknown };
  h.keyedStateBackend.setCurrentKey(key);
  state.setCurrentNamespace(windowNamespace(window));
  return state.get() ?? [];
}

describe('WindowOperator: cleanup timers (Flink WindowOperatorTest)', () => {
  it('testCleanupTimerWithEmptyListStateForTumblingWindows2: the cleanup timer does not fire a purged window again', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(2000))
        .trigger(new EventTimeTriggerAccumGC(100))
        .allowedLateness(100)
        .apply(passThroughFunction2),
    );
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 1000);
    h.processWatermark(1599);
    h.processWatermark(1999); // here it fires and purges
    h.processWatermark(2100); // here is the cleanup timer
    h.processWatermark(5000);

    expect(h.extractOutput()).toEqual([
      watermark(1599),
      record('GOT: (key2,1)', 1999),
      watermark(1999),
      watermark(2100),
      watermark(5000),
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('testCleanupTimerWithEmptyListStateForTumblingWindows', async () => {
    harness = windowHarness((k) =>
      k.window(TumblingEventTimeWindows.of(2000)).allowedLateness(1).apply(passThroughFunction),
    );
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 1000);
    h.processWatermark(1599);
    h.processWatermark(1999);
    expect(h.numEventTimeTimers()).toBe(1); // only the cleanup timer is left
    h.processWatermark(2000);
    h.processWatermark(5000);

    expect(h.extractOutput()).toEqual([
      watermark(1599),
      record(['key2', 1], 1999),
      watermark(1999),
      watermark(2000),
      watermark(5000),
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('testCleanupTimerWithEmptyReduceStateForTumblingWindows', async () => {
    harness = windowHarness((k) =>
      k.window(TumblingEventTimeWindows.of(2000)).allowedLateness(1).reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 1000);
    h.processWatermark(1599);
    h.processWatermark(1999);
    h.processWatermark(2000);
    h.processWatermark(5000);

    expect(h.extractOutput()).toEqual([
      watermark(1599),
      record(['key2', 1], 1999),
      watermark(1999),
      watermark(2000),
      watermark(5000),
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('testCleanupTimerWithEmptyListStateForSessionWindows', async () => {
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).allowedLateness(10).apply(passThroughFunction),
    );
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 1000);
    expect(h.keyedStateEntries().map((e) => e.state)).toEqual(['window-contents', 'merging-window-set']);
    h.processWatermark(4998);
    h.processWatermark(14600);

    expectOutputEqualsSorted(h.extractOutput(), [
      record(['key2', 1], 3999),
      watermark(4998),
      watermark(14600),
    ]);
    // contents, trigger state and the merging window set are all gone
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('testCleanupTimerWithEmptyReduceStateForSessionWindows', async () => {
    harness = windowHarness((k) =>
      k
        .window(EventTimeSessionWindows.withGap(3000))
        .allowedLateness(10)
        .reduce(sumReducer, new ReducedSessionAsProcess()),
    );
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 1000);
    h.processWatermark(4998);
    h.processWatermark(14600);

    expectOutputEqualsSorted(h.extractOutput(), [
      record(['key2-1', 1000, 4000], 3999),
      watermark(4998),
      watermark(14600),
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('testCleanupTimerWithEmptyStateNoResultForTumblingWindows: contents stay until the cleanup timer', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(2000))
        .trigger(new FireEverytimeOnElementAndEventTimeTrigger())
        .allowedLateness(1)
        .apply(() => {}),
    );
    const h = harness;
    await h.open();
    const window = new TimeWindow(0, 2000);

    h.processElement(['test_key', 1], 1000);
    expect(windowContents(h, 'test_key', window)).toEqual([['test_key', 1]]);
    for (const wm of [1599, 1699, 1799, 1999]) {
      h.processWatermark(wm);
      expect(windowContents(h, 'test_key', window)).toEqual([['test_key', 1]]);
    }
    h.processWatermark(2000); // the cleanup timer
    expect(windowContents(h, 'test_key', window)).toEqual([]);
    h.processWatermark(5000);
    expect(windowContents(h, 'test_key', window)).toEqual([]);

    expect(h.extractOutput()).toEqual([
      watermark(1599),
      watermark(1699),
      watermark(1799),
      watermark(1999),
      watermark(2000),
      watermark(5000),
    ]);
  });
});
