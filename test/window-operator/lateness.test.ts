/**
 * Flink's WindowOperatorTest, allowed lateness: late elements dropped or sent to the late-data side
 * output (testSideOutputDueToLateness* and the older testDropDueToLateness* without a tag), late
 * firings, and late elements that merge into sessions which are still kept for their lateness.
 */
import {
  EventTimeSessionWindows,
  EventTimeTrigger,
  OutputTag,
  PurgingTrigger,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, sideRecord, watermark, type OutputElement } from '../support/keyed-operator-test-harness.js';
import {
  expectOutputEqualsSorted,
  ReducedSessionAsProcess,
  sumReducer,
  windowHarness,
  type Tuple2,
  type WindowHarness,
} from './fixtures.js';

const LATE = new OutputTag<Tuple2>('late-output');

let harness: WindowHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Build = Parameters<typeof windowHarness>[0];

/** The session operator of the session lateness tests: reduce + ReducedSessionWindowFunction. */
function sessionBuild(lateness: number, purging: boolean, withTag = true): Build {
  return (k) => {
    const w = k
      .window(EventTimeSessionWindows.withGap(3000))
      .trigger(purging ? PurgingTrigger.of(EventTimeTrigger.create()) : EventTimeTrigger.create())
      .allowedLateness(lateness);
    if (withTag) w.sideOutputLateData(LATE);
    return w.reduce(sumReducer, new ReducedSessionAsProcess());
  };
}

/** The first part every session lateness test shares; ends with WM 14600. */
function sessionLatenessPrefix(h: WindowHarness, expected: OutputElement[]): void {
  h.processElement(['key2', 1], 1000);
  h.processWatermark(1999);
  expected.push(watermark(1999));

  h.processElement(['key2', 1], 2000);
  h.processWatermark(4998);
  expected.push(watermark(4998));

  // not late: the session it is added to ends after the watermark
  h.processElement(['key2', 1], 4500);

  // a new session
  h.processElement(['key2', 1], 8500);
  h.processWatermark(7400);
  expected.push(watermark(7400));

  // merges the two sessions into one
  h.processElement(['key2', 1], 7000);
  h.processWatermark(11501);
  expected.push(record(['key2-5', 1000, 11500], 11499), watermark(11501));

  // a new session
  h.processElement(['key2', 1], 11600);
  h.processWatermark(14600);
  expected.push(record(['key2-1', 11600, 14600], 14599), watermark(14600));
}

describe('WindowOperator: allowed lateness (Flink WindowOperatorTest)', () => {
  it('testLateness: a late-but-allowed element fires its window again at once; a too-late one goes to the side output', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(2000))
        .trigger(PurgingTrigger.of(EventTimeTrigger.create()))
        .allowedLateness(500)
        .sideOutputLateData(LATE)
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();

    h.processElement(['key2', 1], 500);
    h.processWatermark(1500);
    h.processElement(['key2', 1], 1300);
    h.processWatermark(2300);
    // not late: window.maxTimestamp() + allowedLateness > watermark
    h.processElement(['key2', 1], 1997);
    h.processWatermark(6000);
    // late: window.maxTimestamp() + allowedLateness <= watermark
    h.processElement(['key2', 1], 1998);
    h.processWatermark(7000);

    expect(h.extractOutput()).toEqual([
      watermark(1500),
      record(['key2', 2], 1999),
      watermark(2300),
      record(['key2', 1], 1999), // 1, not 3: the trigger fired and purged
      watermark(6000),
      sideRecord(LATE.id, ['key2', 1], 1998),
      watermark(7000),
    ]);
    expect(h.operator.numLateRecordsDropped).toBe(0);
  });

  for (const withTag of [true, false]) {
    const name = withTag ? 'testSideOutputDueToLateness' : 'testDropDueToLateness';

    it(`${name}Tumbling`, async () => {
      harness = windowHarness((k) => {
        const w = k.window(TumblingEventTimeWindows.of(2000)).allowedLateness(0);
        if (withTag) w.sideOutputLateData(LATE);
        return w.reduce(sumReducer);
      });
      const h = harness;
      await h.open();

      h.processElement(['key2', 1], 1000);
      h.processWatermark(1985);
      // not late: window.maxTimestamp() + allowedLateness > watermark
      h.processElement(['key2', 1], 1980);
      h.processWatermark(1999);
      // late: keeps its own timestamp on the side output
      h.processElement(['key2', 1], 1998);
      h.processElement(['key2', 1], 2001);
      h.processWatermark(2999);
      h.processWatermark(3999);

      const expected: OutputElement[] = [
        watermark(1985),
        record(['key2', 2], 1999),
        watermark(1999),
        ...(withTag ? [sideRecord(LATE.id, ['key2', 1], 1998)] : []),
        watermark(2999),
        record(['key2', 1], 3999),
        watermark(3999),
      ];
      expect(h.extractOutput()).toEqual(expected);
      expect(h.operator.numLateRecordsDropped).toBe(withTag ? 0 : 1);
    });

    it(`${name}Sliding: an element is late only when all its windows are`, async () => {
      harness = windowHarness((k) => {
        const w = k.window(SlidingEventTimeWindows.of(3000, 1000)).allowedLateness(0);
        if (withTag) w.sideOutputLateData(LATE);
        return w.reduce(sumReducer);
      });
      const h = harness;
      await h.open();
      const expected: OutputElement[] = [];

      h.processElement(['key2', 1], 1000);
      h.processWatermark(1999);
      expected.push(record(['key2', 1], 1999), watermark(1999));

      h.processElement(['key2', 1], 2000);
      h.processWatermark(3000);
      expected.push(record(['key2', 2], 2999), watermark(3000));

      h.processElement(['key1', 1], 3001);
      // 2400 belongs to the windows ending at 2999, 3999 and 4999; only the first is late
      h.processElement(['key2', 1], 2400);
      h.processElement(['key2', 1], 2400);
      h.processElement(['key1', 1], 3001);
      h.processElement(['key2', 1], 3900);
      h.processWatermark(6000);
      expected.push(
        record(['key2', 5], 3999),
        record(['key1', 2], 3999),
        record(['key2', 4], 4999),
        record(['key1', 2], 4999),
        record(['key2', 1], 5999),
        record(['key1', 2], 5999),
        watermark(6000),
      );

      // late for all of its windows
      h.processElement(['key1', 1], 3001);
      if (withTag) expected.push(sideRecord(LATE.id, ['key1', 1], 3001));
      h.processWatermark(25000);
      expected.push(watermark(25000));

      expectOutputEqualsSorted(h.extractOutput(), expected);
      expect(h.operator.numLateRecordsDropped).toBe(withTag ? 0 : 1);
    });

    it(`${name}SessionZeroLatenessPurgingTrigger: late elements are not merged with each other`, async () => {
      harness = windowHarness(sessionBuild(0, true, withTag));
      const h = harness;
      await h.open();
      const expected: OutputElement[] = [];
      sessionLatenessPrefix(h, expected);

      h.processElement(['key2', 1], 10000);
      h.processElement(['key2', 1], 10100);
      if (withTag)
        expected.push(sideRecord(LATE.id, ['key2', 1], 10000), sideRecord(LATE.id, ['key2', 1], 10100));

      h.processElement(['key2', 1], 14500);
      h.processWatermark(20000);
      expected.push(record(['key2-1', 14500, 17500], 17499), watermark(20000));
      h.processWatermark(100000);
      expected.push(watermark(100000));

      expect(h.extractOutput()).toEqual(expected);
      expect(h.operator.numLateRecordsDropped).toBe(withTag ? 0 : 2);
    });

    it(`${name}SessionZeroLateness`, async () => {
      harness = windowHarness(sessionBuild(0, false, withTag));
      const h = harness;
      await h.open();
      const expected: OutputElement[] = [];
      sessionLatenessPrefix(h, expected);

      h.processElement(['key2', 1], 10000);
      if (withTag) expected.push(sideRecord(LATE.id, ['key2', 1], 10000));

      h.processElement(['key2', 1], 14500);
      h.processWatermark(20000);
      expected.push(record(['key2-1', 14500, 17500], 17499), watermark(20000));
      h.processWatermark(100000);
      expected.push(watermark(100000));

      expect(h.extractOutput()).toEqual(expected);
      expect(h.operator.numLateRecordsDropped).toBe(withTag ? 0 : 1);
    });
  }

  it('testDropDueToLatenessSessionWithLatenessPurgingTrigger: a late element merges into a session still kept for its lateness', async () => {
    harness = windowHarness(sessionBuild(10, true));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];
    sessionLatenessPrefix(h, expected);

    // merges with [11600, 14600), whose cleanup (14609) is still ahead: fires at once, and only
    // the new element, because the trigger purged the session when it fired
    h.processElement(['key2', 1], 10000);
    expected.push(record(['key2-1', 10000, 14600], 14599));

    h.processElement(['key2', 1], 14500);
    h.processWatermark(20000);
    expected.push(record(['key2-1', 10000, 17500], 17499), watermark(20000));
    h.processWatermark(100000);
    expected.push(watermark(100000));

    expect(h.extractOutput()).toEqual(expected);
    expect(h.getSideOutput(LATE.id)).toEqual([]);
  });

  it('testNotSideOutputDueToLatenessSessionWithLateness: accumulating trigger fires the merged session with everything', async () => {
    harness = windowHarness(sessionBuild(10, false));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];
    sessionLatenessPrefix(h, expected);

    // merged into (11600-14600): the merged session (10000-14600) is already past the
    // watermark, so the element fires it at once
    h.processElement(['key2', 1], 10000);
    h.processElement(['key2', 1], 14500);
    expected.push(record(['key2-2', 10000, 14600], 14599));
    expect(h.extractOutput()).toEqual(expected);
    expect(h.getSideOutput(LATE.id)).toEqual([]);

    h.processWatermark(20000);
    expected.push(record(['key2-3', 10000, 17500], 17499), watermark(20000));
    h.processWatermark(100000);
    expected.push(watermark(100000));

    expect(h.extractOutput()).toEqual(expected);
    expect(h.getSideOutput(LATE.id)).toEqual([]);
  });

  it('testNotSideOutputDueToLatenessSessionWithHugeLatenessPurgingTrigger', async () => {
    harness = windowHarness(sessionBuild(10000, true));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];
    sessionLatenessPrefix(h, expected);

    // merges both kept sessions (both purged when they fired)
    h.processElement(['key2', 1], 10000);
    expected.push(record(['key2-1', 1000, 14600], 14599));
    expect(h.extractOutput()).toEqual(expected);

    h.processElement(['key2', 1], 14500);
    h.processWatermark(20000);
    expected.push(record(['key2-1', 1000, 17500], 17499), watermark(20000));
    h.processWatermark(100000);
    expected.push(watermark(100000));

    expect(h.extractOutput()).toEqual(expected);
    expect(h.getSideOutput(LATE.id)).toEqual([]);
  });

  it('testNotSideOutputDueToLatenessSessionWithHugeLateness', async () => {
    harness = windowHarness(sessionBuild(10000, false));
    const h = harness;
    await h.open();
    const expected: OutputElement[] = [];
    sessionLatenessPrefix(h, expected);

    // the merged session's maxTimestamp is already behind the watermark: an immediate firing
    h.processElement(['key2', 1], 10000);
    expected.push(record(['key2-7', 1000, 14600], 14599));
    expect(h.extractOutput()).toEqual(expected);

    h.processElement(['key2', 1], 14500);
    h.processWatermark(20000);
    expected.push(record(['key2-8', 1000, 17500], 17499), watermark(20000));
    h.processWatermark(100000);
    expected.push(watermark(100000));

    expect(h.extractOutput()).toEqual(expected);
    expect(h.getSideOutput(LATE.id)).toEqual([]);
  });
});
