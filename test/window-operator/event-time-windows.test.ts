/**
 * Flink's WindowOperatorTest, event-time tumbling/sliding windows and global windows with custom
 * triggers. Flink snapshots and restores the operator half-way through some of these; Freshet's
 * window operator has no operator snapshot of its own yet, so the scenarios run on in one harness.
 */
import {
  ContinuousEventTimeTrigger,
  CountTrigger,
  GlobalWindows,
  PurgingTrigger,
  SlidingEventTimeWindows,
  type TimeWindow,
  TumblingEventTimeWindows,
  Watermark,
  type Collector,
  type GlobalWindow,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, watermark, type OutputElement } from '../support/keyed-operator-test-harness.js';
import {
  MAX_TS,
  RichSumReducer,
  expectOutputEqualsSorted,
  sumReducer,
  windowHarness,
  type Tuple2,
  type WindowHarness,
} from './fixtures.js';

/**
 * WindowedStream.apply() resolves `{ apply }` on the user's object once, bound to that object,
 * and calls it for every window; the operator opens (and sets the runtime context of) its own
 * per-subtask copy. The apply method thus runs on an object that was never opened, so a
 * RichWindowFunction sees no open() and no runtime context (Flink asserts open() was called).
 */

/** Flink's RichSumReducer without the rich part. */
function sumApply(key: string, _w: TimeWindow, input: Tuple2[], out: Collector<Tuple2>): void {
  out.collect([key, input.reduce((acc, t) => acc + t[1], 0)]);
}

let harness: WindowHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The element sequence of Flink's testSlidingEventTimeWindows / testTumblingEventTimeWindows. */
function addOutOfOrderElements(h: WindowHarness): void {
  h.processElement(['key2', 1], 3999);
  h.processElement(['key2', 1], 3000);
  h.processElement(['key1', 1], 20);
  h.processElement(['key1', 1], 0);
  h.processElement(['key1', 1], 999);
  h.processElement(['key2', 1], 1998);
  h.processElement(['key2', 1], 1999);
  h.processElement(['key2', 1], 1000);
}

function checkSlidingEventTimeWindows(h: WindowHarness): void {
  const expected: OutputElement[] = [];
  addOutOfOrderElements(h);

  h.processWatermark(999);
  expected.push(record(['key1', 3], 999), watermark(999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(1999);
  expected.push(record(['key1', 3], 1999), record(['key2', 3], 1999), watermark(1999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(2999);
  expected.push(record(['key1', 3], 2999), record(['key2', 3], 2999), watermark(2999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(3999);
  expected.push(record(['key2', 5], 3999), watermark(3999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(4999);
  expected.push(record(['key2', 2], 4999), watermark(4999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(5999);
  expected.push(record(['key2', 2], 5999), watermark(5999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  // those don't have any effect...
  h.processWatermark(6999);
  h.processWatermark(7999);
  expected.push(watermark(6999), watermark(7999));
  expectOutputEqualsSorted(h.extractOutput(), expected);
}

function checkTumblingEventTimeWindows(h: WindowHarness): void {
  const expected: OutputElement[] = [];
  addOutOfOrderElements(h);

  h.processWatermark(999);
  expected.push(watermark(999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(1999);
  expected.push(watermark(1999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(2999);
  expected.push(record(['key1', 3], 2999), record(['key2', 3], 2999), watermark(2999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(3999);
  expected.push(watermark(3999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(4999);
  expected.push(watermark(4999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(5999);
  expected.push(record(['key2', 2], 5999), watermark(5999));
  expectOutputEqualsSorted(h.extractOutput(), expected);

  h.processWatermark(6999);
  h.processWatermark(7999);
  expected.push(watermark(6999), watermark(7999));
  expectOutputEqualsSorted(h.extractOutput(), expected);
}

describe('WindowOperator: event-time tumbling and sliding windows (Flink WindowOperatorTest)', () => {
  it('testSlidingEventTimeWindowsReduce', async () => {
    harness = windowHarness((k) => k.window(SlidingEventTimeWindows.of(3000, 1000)).reduce(sumReducer));
    await harness.open();
    checkSlidingEventTimeWindows(harness);
  });

  it('testSlidingEventTimeWindowsApply (plain WindowFunction)', async () => {
    harness = windowHarness((k) => k.window(SlidingEventTimeWindows.of(3000, 1000)).apply(sumApply));
    await harness.open();
    checkSlidingEventTimeWindows(harness);
  });

  it(`testSlidingEventTimeWindowsApply (RichWindowFunction)`, async () => {
    const closes = { count: 0 };
    harness = windowHarness((k) =>
      k.window(SlidingEventTimeWindows.of(3000, 1000)).apply(new RichSumReducer<TimeWindow>(closes)),
    );
    await harness.open();
    checkSlidingEventTimeWindows(harness);
    await harness.close();
    expect(closes.count).toBe(1);
  });

  it('testTumblingEventTimeWindowsReduce', async () => {
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(3000)).reduce(sumReducer));
    await harness.open();
    checkTumblingEventTimeWindows(harness);
  });

  it('testTumblingEventTimeWindowsApply (plain WindowFunction)', async () => {
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(3000)).apply(sumApply));
    await harness.open();
    checkTumblingEventTimeWindows(harness);
  });

  it(`testTumblingEventTimeWindowsApply (RichWindowFunction)`, async () => {
    const closes = { count: 0 };
    harness = windowHarness((k) =>
      k.window(TumblingEventTimeWindows.of(3000)).apply(new RichSumReducer<TimeWindow>(closes)),
    );
    await harness.open();
    checkTumblingEventTimeWindows(harness);
    await harness.close();
    expect(closes.count).toBe(1);
  });

  it('window results carry the exact output order: timer output before its watermark, by timestamp', async () => {
    harness = windowHarness((k) => k.window(SlidingEventTimeWindows.of(3000, 1000)).reduce(sumReducer));
    await harness.open();
    harness.processElement(['key1', 1], 0);
    harness.processElement(['key1', 2], 2500);
    harness.processWatermark(4000);
    expect(harness.extractOutput()).toEqual([
      record(['key1', 1], 999),
      record(['key1', 1], 1999),
      record(['key1', 3], 2999),
      record(['key1', 2], 3999),
      watermark(4000),
    ]);
  });

  it('testCleanupTimeOverflow: the cleanup time clamps to the end of time instead of wrapping', async () => {
    const lateness = 2000;
    const assigner = TumblingEventTimeWindows.of(1000);
    harness = windowHarness((k) => k.window(assigner).allowedLateness(lateness).reduce(sumReducer));
    await harness.open();

    // Our Long.MAX_VALUE is Number.MAX_SAFE_INTEGER.
    const timestamp = MAX_TS - 1750;
    const [window] = assigner.assignWindows(['key2', 1], timestamp, { getCurrentProcessingTime: () => 0 });
    harness.processElement(['key2', 1], timestamp);

    // maxTimestamp + lateness is past the end of time...
    expect(window!.maxTimestamp() + lateness).toBeGreaterThan(MAX_TS);
    // ...so a cleanup timer computed without clamping would not be representable; with the
    // wrap-around Flink guards against, it would have fired at this watermark:
    harness.processWatermark(MAX_TS - 1500);
    expect(window!.maxTimestamp()).toBeGreaterThan(MAX_TS - 1500);
    expect(window!.maxTimestamp()).toBeLessThan(MAX_TS);

    harness.processWatermark(window!.maxTimestamp());
    expectOutputEqualsSorted(harness.extractOutput(), [
      watermark(MAX_TS - 1500),
      record(['key2', 1], window!.maxTimestamp()),
      watermark(window!.maxTimestamp()),
    ]);
  });
});

describe('WindowOperator: global windows with custom triggers (Flink WindowOperatorTest)', () => {
  it('testContinuousWatermarkTrigger', async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(ContinuousEventTimeTrigger.of<GlobalWindow>(3000))
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    // The global window actually ignores these timestamps...
    h.processElement(['key1', 1], 0);
    h.processElement(['key2', 1], 3000);
    h.processElement(['key2', 1], 3999);
    h.processElement(['key1', 1], 20);
    h.processElement(['key1', 1], 999);
    h.processElement(['key2', 1], 1998);
    h.processElement(['key2', 1], 1999);
    h.processElement(['key2', 1], 1000);

    h.processWatermark(1000);
    expected.push(watermark(1000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processWatermark(2000);
    expected.push(watermark(2000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processWatermark(3000);
    expected.push(record(['key1', 3], MAX_TS), watermark(3000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processWatermark(4000);
    expected.push(watermark(4000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processWatermark(5000);
    expected.push(watermark(5000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processWatermark(6000);
    expected.push(record(['key1', 3], MAX_TS), record(['key2', 5], MAX_TS), watermark(6000));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    // those don't have any effect...
    h.processWatermark(7000);
    h.processWatermark(8000);
    expected.push(watermark(7000), watermark(8000));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testCountTrigger', async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(4)))
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.processElement(['key2', 1], 3000);
    h.processElement(['key2', 1], 3999);
    h.processElement(['key1', 1], 20);
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 1], 999);
    h.processElement(['key2', 1], 1998);
    h.processElement(['key2', 1], 1999); // the 4th key2 element fires and purges
    expected.push(record(['key2', 4], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key2', 1], 1000);
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], 10999);
    h.processElement(['key2', 1], 1000);
    h.processElement(['key2', 1], 1000);
    h.processElement(['key2', 1], 1000);
    expected.push(record(['key1', 4], MAX_TS), record(['key2', 4], MAX_TS));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testEndOfStreamTrigger: GlobalWindows.createWithEndOfStreamTrigger fires on MAX_WATERMARK', async () => {
    harness = windowHarness((k) => k.window(GlobalWindows.createWithEndOfStreamTrigger()).reduce(sumReducer));
    const h = harness;
    await h.open();
    h.processElement(['key2', 1], 3000);
    h.processElement(['key2', 1], 3999);
    h.processElement(['key1', 1], 20);
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 1], 999);
    h.processElement(['key2', 1], 1998);
    h.processElement(['key2', 1], 1999);
    h.processElement(['key2', 1], 1000);
    expect(h.extractOutput()).toEqual([]);

    h.processWatermark(Watermark.MAX_WATERMARK.timestamp);
    expectOutputEqualsSorted(h.extractOutput(), [
      record(['key1', 3], MAX_TS),
      record(['key2', 5], MAX_TS),
      watermark(MAX_TS),
    ]);
  });
});
