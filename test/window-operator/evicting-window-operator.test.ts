/**
 * Flink's EvictingWindowOperatorTest: CountEvictor and TimeEvictor, evicting before or after the
 * window function, on global, tumbling and sliding windows, with apply, reduce and aggregate.
 * (Flink's DeltaEvictor has no Freshet counterpart.)
 */
import {
  CountEvictor,
  CountTrigger,
  EventTimeTrigger,
  GlobalWindows,
  SlidingEventTimeWindows,
  TimeEvictor,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type GlobalWindow,
  type TimeWindow,
  type Window,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, watermark, type OutputElement } from '../support/keyed-operator-test-harness.js';
import {
  MAX_TS,
  expectOutputEqualsSorted,
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

/** Flink's RichSumReducer without the rich part (see event-time-windows.test.ts for that bug). */
function sumApply(key: string, _w: Window, input: Tuple2[], out: Collector<Tuple2>): void {
  out.collect([key, input.reduce((acc, t) => acc + t[1], 0)]);
}

/** The element sequence most of Flink's evicting tests start with (timestamps ignored by global windows). */
function addCountScenarioElements(h: WindowHarness): void {
  h.processElement(['key2', 1], 3000);
  h.processElement(['key2', 1], 3999);
  h.processElement(['key1', 1], 20);
  h.processElement(['key1', 1], 0);
  h.processElement(['key1', 1], 999);
  h.processElement(['key2', 1], 1998);
  h.processElement(['key2', 1], 1999);
  h.processElement(['key2', 1], 1000);
}

describe('WindowOperator with an evictor (Flink EvictingWindowOperatorTest)', () => {
  it('testCountEvictorEvictAfter', async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(CountTrigger.of<GlobalWindow>(2))
        .evictor(CountEvictor.of<GlobalWindow>(4, true))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    addCountScenarioElements(h);
    expected.push(record(['key2', 2], MAX_TS), record(['key2', 4], MAX_TS), record(['key1', 2], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], 10999);
    h.processElement(['key2', 1], 1000);
    expected.push(record(['key1', 4], MAX_TS), record(['key2', 6], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    // the firing of 6 elements left the newest 4 behind
    h.processElement(['key2', 1], 1000);
    h.processElement(['key2', 1], 1000);
    expected.push(record(['key2', 6], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testTimeEvictorEvictAfter', async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(CountTrigger.of<GlobalWindow>(2))
        .evictor(TimeEvictor.of<GlobalWindow>(2000, true))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.processElement(['key2', 1], 1000);
    h.processElement(['key2', 1], 4000);
    h.processElement(['key1', 1], 20);
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 1], 999);
    h.processElement(['key2', 1], 3500);
    h.processElement(['key2', 1], 2001);
    h.processElement(['key2', 1], 1001);
    expected.push(record(['key2', 2], MAX_TS), record(['key1', 2], MAX_TS), record(['key2', 3], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], 10999);
    h.processElement(['key2', 1], 1002);
    expected.push(record(['key1', 4], MAX_TS), record(['key2', 5], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testTimeEvictorEvictBefore (tumbling event-time windows)', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(4000))
        .trigger(CountTrigger.of<TimeWindow>(2))
        .evictor(TimeEvictor.of<TimeWindow>(2000))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.processElement(['key2', 1], 1000);
    h.processElement(['key2', 1], 3999);
    h.processElement(['key1', 1], 20);
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 1], 999);
    h.processElement(['key1', 1], 5999);
    h.processElement(['key2', 1], 3500);
    h.processElement(['key2', 1], 2001);
    h.processElement(['key2', 1], 1001);
    expected.push(record(['key2', 1], 3999), record(['key1', 2], 3999), record(['key2', 3], 3999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], 6500);
    h.processElement(['key2', 1], 1002);
    expected.push(record(['key1', 2], 7999), record(['key2', 3], 3999));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testTimeEvictorNoTimestamp: elements without timestamps are never evicted', async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(CountTrigger.of<GlobalWindow>(2))
        .evictor(TimeEvictor.of<GlobalWindow>(2000, true))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    for (const key of ['key2', 'key2', 'key1', 'key1', 'key1', 'key2', 'key2', 'key2'])
      h.processElement([key, 1]);
    expected.push(record(['key2', 2], MAX_TS), record(['key1', 2], MAX_TS), record(['key2', 4], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1]);
    h.processElement(['key2', 1]);
    expected.push(record(['key1', 4], MAX_TS), record(['key2', 6], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  for (const [name, build] of [
    [
      'testCountTrigger (reduce, evicting before)',
      (k: Parameters<Parameters<typeof windowHarness>[0]>[0]) =>
        k
          .window(GlobalWindows.create())
          .trigger(CountTrigger.of<GlobalWindow>(2))
          .evictor(CountEvictor.of<GlobalWindow>(4))
          .reduce(sumReducer),
    ],
    [
      'testCountTriggerWithApply',
      (k: Parameters<Parameters<typeof windowHarness>[0]>[0]) =>
        k
          .window(GlobalWindows.create())
          .trigger(CountTrigger.of<GlobalWindow>(2))
          .evictor(CountEvictor.of<GlobalWindow>(4))
          .apply(sumApply),
    ],
    [
      'countWindow(4, 2).reduce: the same sliding count window',
      (k: Parameters<Parameters<typeof windowHarness>[0]>[0]) => k.countWindow(4, 2).reduce(sumReducer),
    ],
  ] as const) {
    it(name, async () => {
      harness = windowHarness(build);
      const h = harness;
      await h.open();
      const expected: OutputElement[] = [];

      addCountScenarioElements(h);
      expected.push(record(['key2', 2], MAX_TS), record(['key2', 4], MAX_TS), record(['key1', 2], MAX_TS));
      expectOutputEqualsSorted(h.extractOutput(), expected);

      h.processElement(['key1', 1], 10999);
      h.processElement(['key2', 1], 1000);
      expected.push(record(['key1', 4], MAX_TS), record(['key2', 4], MAX_TS));
      expectOutputEqualsSorted(h.extractOutput(), expected);
    });
  }

  it('testTumblingWindowWithApply: CountEvictor on an event-time window fired by the watermark', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(4000))
        .trigger(EventTimeTrigger.create())
        .evictor(CountEvictor.of<TimeWindow>(4))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();

    h.processElement(['key1', 1], 10);
    h.processElement(['key1', 1], 100);
    h.processWatermark(1999);
    h.processElement(['key1', 1], 1997);
    h.processElement(['key1', 1], 1998);
    h.processElement(['key1', 1], 2310); // not late, but more than 4
    h.processElement(['key1', 1], 2310);
    h.processElement(['key2', 1], 2310);
    h.processElement(['key2', 1], 2310);
    h.processWatermark(3999); // now the evictor runs

    expectOutputEqualsSorted(h.extractOutput(), [
      watermark(1999),
      record(['key1', 4], 3999),
      record(['key2', 2], 3999),
      watermark(3999),
    ]);
  });

  it('TimeEvictor on sliding event-time windows: each window keeps the last second before its newest element', async () => {
    harness = windowHarness((k) =>
      k
        .window(SlidingEventTimeWindows.of(3000, 1000))
        .evictor(TimeEvictor.of<TimeWindow>(1000))
        .apply(sumApply),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 2], 500);
    h.processElement(['key1', 4], 1500);
    h.processElement(['key1', 8], 2500);
    h.processWatermark(5000);

    expect(h.extractOutput()).toEqual([
      record(['key1', 3], 999), // [-2000, 1000): 0 and 500, newest 500
      record(['key1', 4], 1999), // [-1000, 2000): newest 1500, 0 and 500 (<= 500) evicted
      record(['key1', 8], 2999), // [0, 3000): newest 2500, only 2500 is > 1500
      record(['key1', 8], 3999),
      record(['key1', 8], 4999),
      watermark(5000),
    ]);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('aggregate with an evictor folds the remaining elements at firing time', async () => {
    const average: AggregateFunction<Tuple2, [number, number], number> = {
      createAccumulator: () => [0, 0],
      add: (v, acc) => [acc[0] + v[1], acc[1] + 1],
      getResult: (acc) => acc[0] / acc[1],
      merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
    };
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(CountTrigger.of<GlobalWindow>(1))
        .evictor(CountEvictor.of<GlobalWindow>(2))
        .aggregate(average),
    );
    const h = harness;
    await h.open();
    for (const v of [2, 4, 10, 20]) h.processElement(['key1', v], v);
    expect(h.extractOutputValues()).toEqual([2, 3, 7, 15]);
  });
});
