/**
 * Flink's WindowOperatorTest, event-time session windows: merging with list and reduce state,
 * window functions and process window functions, count and continuous triggers on merging
 * windows, point windows, and dynamic gaps. (Flink snapshots and restores half-way through; the
 * scenarios here run on in one harness.)
 */
import {
  ContinuousEventTimeTrigger,
  CountTrigger,
  EventTimeSessionWindows,
  PurgingTrigger,
  type TimeWindow,
} from 'freshet';
import { afterEach, describe, it } from 'vitest';

import { record, watermark, type OutputElement } from '../support/keyed-operator-test-harness.js';
import {
  PointSessionWindows,
  ReducedProcessSessionWindowFunction,
  ReducedSessionAsProcess,
  SessionProcessWindowFunction,
  expectOutputEqualsSorted,
  sessionWindowFunction,
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

/** The scenario of Flink's testSessionWindows and its three variants. */
function checkSessionWindows(h: WindowHarness): void {
  const expected: OutputElement[] = [];
  // add elements out-of-order
  h.processElement(['key2', 1], 0);
  h.processElement(['key2', 2], 1000);
  h.processElement(['key2', 3], 2500);
  h.processElement(['key1', 1], 10);
  h.processElement(['key1', 2], 1000);
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processElement(['key1', 3], 2500);
  h.processElement(['key2', 4], 5501);
  h.processElement(['key2', 5], 6000);
  h.processElement(['key2', 5], 6000);
  h.processElement(['key2', 6], 6050);

  h.processWatermark(12000);
  expected.push(
    record(['key1-6', 10, 5500], 5499),
    record(['key2-6', 0, 5500], 5499),
    record(['key2-20', 5501, 9050], 9049),
    watermark(12000),
  );

  h.processElement(['key2', 10], 15000);
  h.processElement(['key2', 20], 15000);
  h.processWatermark(17999);
  expected.push(record(['key2-30', 15000, 18000], 17999), watermark(17999));
  expectOutputEqualsSorted(h.extractOutput(), expected);
}

describe('WindowOperator: event-time session windows (Flink WindowOperatorTest)', () => {
  it('testSessionWindows (list state, WindowFunction)', async () => {
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).apply(sessionWindowFunction),
    );
    await harness.open();
    checkSessionWindows(harness);
  });

  it('testSessionWindowsWithProcessFunction', async () => {
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).process(new SessionProcessWindowFunction()),
    );
    await harness.open();
    checkSessionWindows(harness);
  });

  it('testReduceSessionWindows', async () => {
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).reduce(sumReducer, new ReducedSessionAsProcess()),
    );
    await harness.open();
    checkSessionWindows(harness);
  });

  it('testReduceSessionWindowsWithProcessFunction', async () => {
    harness = windowHarness((k) =>
      k
        .window(EventTimeSessionWindows.withGap(3000))
        .reduce(sumReducer, new ReducedProcessSessionWindowFunction()),
    );
    await harness.open();
    checkSessionWindows(harness);
  });

  it('testSessionWindowsWithCountTrigger: merged sessions merge their counts', async () => {
    harness = windowHarness((k) =>
      k
        .window(EventTimeSessionWindows.withGap(3000))
        .trigger(PurgingTrigger.of(CountTrigger.of<TimeWindow>(4)))
        .apply(sessionWindowFunction),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.processElement(['key2', 1], 0);
    h.processElement(['key2', 2], 1000);
    h.processElement(['key2', 3], 2500);
    h.processElement(['key2', 4], 3500);
    h.processElement(['key1', 1], 10);
    h.processElement(['key1', 2], 1000);
    expected.push(record(['key2-10', 0, 6500], 6499));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 3], 2500);
    h.processElement(['key1', 1], 6000);
    h.processElement(['key1', 2], 6500);
    h.processElement(['key1', 3], 7000);
    expectOutputEqualsSorted(h.extractOutput(), expected);

    // merges the two key1 sessions: their counts (3 + 3) merge, the new element makes it fire
    h.processElement(['key1', 10], 4500);
    expected.push(record(['key1-22', 10, 10000], 9999));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testSessionWindowsWithContinuousEventTimeTrigger: merged sessions merge their fire timestamps', async () => {
    harness = windowHarness((k) =>
      k
        .window(EventTimeSessionWindows.withGap(3000))
        .trigger(ContinuousEventTimeTrigger.of<TimeWindow>(2000))
        .apply(sessionWindowFunction),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    // add elements out-of-order; the first trigger time is 2000
    h.processElement(['key1', 1], 1500);
    h.processElement(['key2', 1], 0);
    h.processElement(['key2', 3], 2500);
    h.processElement(['key2', 2], 1000);

    // fires; the next trigger time is 4000
    h.processWatermark(2500);
    expected.push(record(['key1-1', 1500, 4500], 4499), record(['key2-6', 0, 5500], 5499), watermark(2500));

    h.processElement(['key2', 5], 4000);
    h.processWatermark(3000);
    expected.push(watermark(3000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 2], 4000);
    h.processElement(['key2', 4], 3500);
    // fires; the next trigger time is 6000
    h.processWatermark(4000);
    expected.push(record(['key1-3', 1500, 7000], 6999), record(['key2-15', 0, 7000], 6999), watermark(4000));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testPointSessions: point windows [ts, ts) merge into the sessions they touch', async () => {
    harness = windowHarness((k) => k.window(new PointSessionWindows(3000)).apply(sessionWindowFunction));
    const h = harness;
    await h.open();

    h.processElement(['key2', 1], 0);
    h.processElement(['key2', 33], 1000);
    h.processElement(['key2', 33], 2500);
    h.processElement(['key1', 1], 10);
    h.processElement(['key1', 2], 1000);
    h.processElement(['key1', 33], 2500);
    h.processWatermark(12000);

    expectOutputEqualsSorted(h.extractOutput(), [
      record(['key1-36', 10, 4000], 3999),
      record(['key2-67', 0, 3000], 2999),
      watermark(12000),
    ]);
  });

  it('testDynamicEventTimeSessionWindows: the gap comes from each element, the furthest end wins', async () => {
    const gap = (t: Tuple2): number =>
      t[0] === 'key1' ? 3000 : t[0] === 'key2' ? (t[1] === 10 ? 1000 : 2000) : 0;
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withDynamicGap(gap)).apply(sessionWindowFunction),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    // different gaps for different keys
    h.processElement(['key1', 3], 10);
    h.processElement(['key2', 4], 5000);
    h.processElement(['key2', 5], 6000);
    h.processWatermark(8999);
    expected.push(record(['key1-3', 10, 3010], 3009), record(['key2-9', 5000, 8000], 7999), watermark(8999));

    // a gap that gives an end before the current session end: the furthest end is kept
    h.processElement(['key2', 1], 9000);
    h.processElement(['key2', 2], 10000);
    h.processElement(['key2', 10], 10500);
    h.processWatermark(12999);
    expected.push(record(['key2-13', 9000, 12000], 11999), watermark(12999));

    // a gap that gives an end after the current session end
    h.processElement(['key2', 10], 13000);
    h.processElement(['key2', 10], 13500);
    h.processElement(['key2', 1], 14000);
    h.processWatermark(16999);
    expected.push(record(['key2-21', 13000, 16000], 15999), watermark(16999));

    expectOutputEqualsSorted(h.extractOutput(), expected);
  });
});
