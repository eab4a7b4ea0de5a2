/**
 * Flink's WindowOperatorTest, processing-time windows: tumbling, sliding, sessions and dynamic
 * sessions, driven by the harness's manual processing-time clock. Record timestamps are ignored.
 */
import {
  DynamicProcessingTimeSessionWindows,
  ProcessingTimeSessionWindows,
  SlidingProcessingTimeWindows,
  TumblingProcessingTimeWindows,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, watermark, type OutputElement } from '../support/keyed-operator-test-harness.js';
import {
  MAX_TS,
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

describe('WindowOperator: processing-time windows (Flink WindowOperatorTest)', () => {
  it('testProcessingTimeTumblingWindows', async () => {
    harness = windowHarness((k) => k.window(TumblingProcessingTimeWindows.of(3000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.setProcessingTime(3);
    // the timestamp is ignored in processing time
    h.processElement(['key2', 1], MAX_TS);
    h.processElement(['key2', 1], 7000);
    h.processElement(['key2', 1], 7000);
    h.processElement(['key1', 1], 7000);
    h.processElement(['key1', 1], 7000);

    h.setProcessingTime(5000);
    expected.push(record(['key2', 3], 2999), record(['key1', 2], 2999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], 7000);
    h.processElement(['key1', 1], 7000);
    h.processElement(['key1', 1], 7000);

    h.setProcessingTime(7000);
    expected.push(record(['key1', 3], 5999));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testProcessingTimeSlidingWindows', async () => {
    harness = windowHarness((k) => k.window(SlidingProcessingTimeWindows.of(3000, 1000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.setProcessingTime(3);
    h.processElement(['key2', 1], MAX_TS);

    h.setProcessingTime(1000);
    expected.push(record(['key2', 1], 999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key2', 1], MAX_TS);
    h.processElement(['key2', 1], MAX_TS);

    h.setProcessingTime(2000);
    expected.push(record(['key2', 3], 1999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], MAX_TS);
    h.processElement(['key1', 1], MAX_TS);

    h.setProcessingTime(3000);
    expected.push(record(['key2', 3], 2999), record(['key1', 2], 2999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key1', 1], MAX_TS);
    h.processElement(['key1', 1], MAX_TS);
    h.processElement(['key1', 1], MAX_TS);

    h.setProcessingTime(7000);
    expected.push(
      record(['key2', 2], 3999),
      record(['key1', 5], 3999),
      record(['key1', 5], 4999),
      record(['key1', 3], 5999),
    );
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('testProcessingTimeSessionWindows', async () => {
    harness = windowHarness((k) => k.window(ProcessingTimeSessionWindows.withGap(3000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    h.setProcessingTime(3);
    h.processElement(['key2', 1], 1);
    h.setProcessingTime(1000);
    h.processElement(['key2', 1], 1002);

    h.setProcessingTime(5000);
    expected.push(record(['key2', 2], 3999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    h.processElement(['key2', 1], 5000);
    h.processElement(['key2', 1], 5000);
    h.processElement(['key1', 1], 5000);
    h.processElement(['key1', 1], 5000);
    h.processElement(['key1', 1], 5000);

    h.setProcessingTime(10000);
    expected.push(record(['key2', 2], 7999), record(['key1', 3], 7999));
    expectOutputEqualsSorted(h.extractOutput(), expected);
    expect(h.extractOutput()).toHaveLength(expected.length);
  });

  it('testDynamicProcessingTimeSessionWindows', async () => {
    const gap = (t: Tuple2): number =>
      t[0] === 'key1' ? 3000 : t[0] === 'key2' ? (t[1] === 10 ? 1000 : 2000) : 0;
    harness = windowHarness((k) =>
      k.window(DynamicProcessingTimeSessionWindows.withDynamicGap(gap)).apply(sessionWindowFunction),
    );
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];

    // different gaps for different keys
    h.setProcessingTime(10);
    h.processElement(['key1', 3], 10);
    h.setProcessingTime(5000);
    h.processElement(['key2', 4], 5000);
    h.setProcessingTime(6000);
    h.processElement(['key2', 5], 6000);
    h.setProcessingTime(8999);
    expected.push(record(['key1-3', 10, 3010], 3009), record(['key2-9', 5000, 8000], 7999));
    expectOutputEqualsSorted(h.extractOutput(), expected);

    // a gap that gives an end before the current session end: the furthest end is kept
    h.setProcessingTime(9000);
    h.processElement(['key2', 1], 9000);
    h.setProcessingTime(10000);
    h.processElement(['key2', 2], 10000);
    h.setProcessingTime(10500);
    h.processElement(['key2', 10], 10500);
    h.setProcessingTime(10500);
    expectOutputEqualsSorted(h.extractOutput(), expected);

    // a gap that gives an end after the current session end
    h.setProcessingTime(13000);
    expected.push(record(['key2-13', 9000, 12000], 11999));
    h.processElement(['key2', 10], 13000);
    h.setProcessingTime(13500);
    h.processElement(['key2', 10], 13500);
    h.setProcessingTime(14000);
    h.processElement(['key2', 1], 14000);
    h.setProcessingTime(16999);
    expected.push(record(['key2-21', 13000, 16000], 15999));
    expectOutputEqualsSorted(h.extractOutput(), expected);
  });

  it('processing-time windows forward watermarks untouched and do not fire on them', async () => {
    harness = windowHarness((k) => k.window(TumblingProcessingTimeWindows.of(3000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 10);
    h.processWatermark(100_000);
    expect(h.extractOutput()).toEqual([watermark(100_000)]);
    h.setProcessingTime(3000);
    expect(h.extractOutput()).toEqual([watermark(100_000), record(['key1', 1], 2999)]);
  });

  it('processing-time windows keep no state once they fired (cleanup at maxTimestamp)', async () => {
    harness = windowHarness((k) => k.window(TumblingProcessingTimeWindows.of(3000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    h.processElement(['key1', 1]);
    h.setProcessingTime(3000);
    expect(h.extractOutput()).toEqual([record(['key1', 1], 2999)]);
    // the next window of the same key starts from scratch
    h.processElement(['key1', 5]);
    h.setProcessingTime(5999);
    expect(h.extractOutput()).toEqual([record(['key1', 1], 2999), record(['key1', 5], 5999)]);
    expect(h.processingTimeService.numPendingCallbacks()).toBe(0);
  });
});
