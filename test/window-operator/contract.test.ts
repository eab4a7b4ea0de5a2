/**
 * Parts of Flink's WindowOperatorContractTest (how the window operator talks to triggers and
 * window functions), with hand-written recording triggers instead of Mockito mocks, plus the
 * user-visible consequences of where Freshet departs from that contract.
 */
import {
  ContinuousEventTimeTrigger,
  EventTimeSessionWindows,
  EventTimeTrigger,
  GlobalWindows,
  MergingWindowAssigner,
  ProcessWindowFunction,
  PurgingTrigger,
  RichReduceFunction,
  AbstractRichFunction,
  TimeWindow,
  Trigger,
  TriggerResult,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WindowAssigner,
  type AggregateFunction,
  type Collector,
  type GlobalWindow,
  type ProcessWindowContext,
  type TriggerContext,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, watermark, windowOperatorSpec } from '../support/keyed-operator-test-harness.js';
import { MAX_TS, sumReducer, windowHarness, type Tuple2, type WindowHarness } from './fixtures.js';

/**
 * The window operator asks the trigger about a timer only when the window has contents
 * (`if (this.readContents() !== undefined)` in WindowOperator.onTimer). Flink always calls
 * `onEventTime`/`onProcessingTime` for a window that is still in flight and only skips *emitting*
 * empty contents, so triggers that keep state or re-arm timers in those callbacks
 * (ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger, custom triggers) go silent after
 * a purge.
 */

/**
 * Flink's process-window context refuses per-window state for merging windows ("Per-window state
 * is not allowed when using merging windows."): such state would not follow the merges. Freshet
 * hands it out.
 */

/**
 * Flink's WindowedStream.reduce()/aggregate() reject rich incremental functions ("ReduceFunction
 * of reduce can not be a RichFunction", "This aggregation function cannot be a RichFunction"):
 * the window operator never opens them (only the window function is the operator's user
 * function). Freshet accepts them, so open() never runs and getRuntimeContext() throws later.
 */

let harness: WindowHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Domain = 'event' | 'processing';

/** Flink's mockTimeWindowAssigner: every element goes to the fixed `windows`. */
class FixedWindowAssigner extends WindowAssigner<Tuple2, TimeWindow> {
  constructor(
    private readonly windows: TimeWindow[],
    private readonly eventTime: boolean,
  ) {
    super();
  }
  assignWindows(): TimeWindow[] {
    return this.windows;
  }
  getDefaultTrigger(): Trigger<Tuple2, TimeWindow> {
    return EventTimeTrigger.create(); // unused: the tests set their own trigger
  }
  isEventTime(): boolean {
    return this.eventTime;
  }
}

/** Flink's mockMergingAssigner: fixed windows, and nothing ever merges. */
class FixedMergingWindowAssigner extends MergingWindowAssigner<Tuple2, TimeWindow> {
  constructor(
    private readonly windows: TimeWindow[],
    private readonly eventTime: boolean,
  ) {
    super();
  }
  assignWindows(): TimeWindow[] {
    return this.windows;
  }
  mergeWindows(): void {}
  getDefaultTrigger(): Trigger<Tuple2, TimeWindow> {
    return EventTimeTrigger.create(); // unused: the tests set their own trigger
  }
  isEventTime(): boolean {
    return this.eventTime;
  }
}

/** A trigger that records its callbacks; onElement registers a timer and answers as configured. */
class RecordingTrigger extends Trigger<Tuple2, TimeWindow> {
  readonly timerCalls: Array<{ time: number; window: string }> = [];
  clearCalls = 0;

  constructor(
    private readonly domain: Domain,
    private readonly timerAt: number,
    private readonly onElementResult: TriggerResult,
  ) {
    super();
  }
  onElement(_e: Tuple2, _ts: number | undefined, _w: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (this.domain === 'event') ctx.registerEventTimeTimer(this.timerAt);
    else ctx.registerProcessingTimeTimer(this.timerAt);
    return this.onElementResult;
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    this.timerCalls.push({ time, window: window.toString() });
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, window: TimeWindow): TriggerResult {
    this.timerCalls.push({ time, window: window.toString() });
    return TriggerResult.CONTINUE;
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(): void {}
  clear(): void {
    this.clearCalls++;
  }
}

function advance(h: WindowHarness, domain: Domain, time: number): void {
  if (domain === 'event') h.processWatermark(time);
  else h.setProcessingTime(time);
}

function numTimers(h: WindowHarness, domain: Domain): number {
  return domain === 'event' ? h.numEventTimeTimers() : h.numProcessingTimeTimers();
}

let functionCalls = 0;
function countingFunction(_k: string, _w: TimeWindow, _input: Tuple2[], _out: Collector<unknown>): void {
  functionCalls++;
}

describe('WindowOperator contract (Flink WindowOperatorContractTest)', () => {
  for (const domain of ['event', 'processing'] as const) {
    const Domain = domain === 'event' ? 'EventTime' : 'ProcessingTime';

    it(`testNo${Domain}FiringForPurgedWindow — the trigger still hears about its timer`, async () => {
      const trigger = new RecordingTrigger(domain, 0, TriggerResult.PURGE);
      harness = windowHarness((k) =>
        k
          .window(new FixedWindowAssigner([new TimeWindow(2, 4)], domain === 'event'))
          .trigger(trigger)
          .apply(countingFunction),
      );
      const h = harness;
      await h.open();
      functionCalls = 0;

      h.processElement(['0', 0], 0);
      expect(h.numKeyedStateEntries()).toBe(0); // neither contents nor trigger state
      expect(numTimers(h, domain)).toBe(2); // the trigger's timer and the cleanup timer

      advance(h, domain, 0);
      expect(functionCalls).toBe(0);
      expect(numTimers(h, domain)).toBe(1); // only the cleanup timer is left
      // Flink calls the trigger for the timer although the window is empty
      expect(trigger.timerCalls).toEqual([{ time: 0, window: new TimeWindow(2, 4).toString() }]);
    });

    it(`testNo${Domain}FiringForPurgedMergingWindow — the trigger still hears about its timer`, async () => {
      const trigger = new RecordingTrigger(domain, 0, TriggerResult.PURGE);
      harness = windowHarness((k) =>
        k
          .window(new FixedMergingWindowAssigner([new TimeWindow(2, 4)], domain === 'event'))
          .trigger(trigger)
          .apply(countingFunction),
      );
      const h = harness;
      await h.open();
      functionCalls = 0;

      h.processElement(['0', 0], 0);
      expect(h.numKeyedStateEntries()).toBe(1); // just the merging window set
      expect(numTimers(h, domain)).toBe(2);

      advance(h, domain, 0);
      expect(functionCalls).toBe(0);
      expect(numTimers(h, domain)).toBe(1);
      expect(trigger.timerCalls).toEqual([{ time: 0, window: new TimeWindow(2, 4).toString() }]);
    });

    it(`testNo${Domain}FiringForGarbageCollectedMergingWindow: a dangling timer of a collected window is ignored`, async () => {
      const trigger = new RecordingTrigger(domain, 10, TriggerResult.CONTINUE);
      harness = windowHarness((k) =>
        k
          .window(new FixedMergingWindowAssigner([new TimeWindow(2, 4)], domain === 'event'))
          .trigger(trigger)
          .apply(countingFunction),
      );
      const h = harness;
      await h.open();
      functionCalls = 0;

      h.processElement(['0', 0], 0);
      expect(h.numKeyedStateEntries()).toBe(2); // window contents and merging window set
      expect(numTimers(h, domain)).toBe(2); // the trigger's timer and the cleanup timer

      advance(h, domain, 4); // cleanup at maxTimestamp 3
      expect(trigger.clearCalls).toBe(1);
      expect(h.numKeyedStateEntries()).toBe(0);
      expect(numTimers(h, domain)).toBe(1); // the trigger's own timer dangles
      expect(trigger.timerCalls).toHaveLength(1); // the cleanup timer
      expect(functionCalls).toBe(0);

      advance(h, domain, 10);
      expect(trigger.timerCalls).toHaveLength(1); // not called again
    });
  }
});

describe('WindowOperator: consequences for built-in triggers', () => {
  it(`PurgingTrigger(ContinuousEventTimeTrigger) on GlobalWindows keeps firing after an empty interval`, async () => {
    harness = windowHarness((k) =>
      k
        .window(GlobalWindows.create())
        .trigger(PurgingTrigger.of(ContinuousEventTimeTrigger.of<GlobalWindow>(3000)))
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    h.processWatermark(3000); // fires and purges; the next firing is at 6000
    h.processWatermark(6000); // nothing to emit; the trigger re-arms for 9000
    h.processElement(['key1', 2], 7000);
    h.processWatermark(9000);

    expect(h.extractOutput()).toEqual([
      record(['key1', 1], MAX_TS),
      watermark(3000),
      watermark(6000),
      record(['key1', 2], MAX_TS),
      watermark(9000),
    ]);
  });

  it(`PurgingTrigger(ContinuousEventTimeTrigger) on a long tumbling window keeps its early firings`, async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(10_000))
        .trigger(PurgingTrigger.of(ContinuousEventTimeTrigger.of<TimeWindow>(1000)))
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    h.processWatermark(1000);
    h.processWatermark(2000); // empty early firing: the trigger re-arms for 3000
    h.processElement(['key1', 5], 2500);
    h.processWatermark(3000);

    expect(h.extractOutput()).toEqual([
      record(['key1', 1], 9999),
      watermark(1000),
      watermark(2000),
      record(['key1', 5], 9999),
      watermark(3000),
    ]);
  });

  it('ContinuousEventTimeTrigger without purging is unaffected (the window is never empty)', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(10_000))
        .trigger(ContinuousEventTimeTrigger.of<TimeWindow>(1000))
        .reduce(sumReducer),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    h.processWatermark(1000);
    h.processWatermark(2000);
    h.processElement(['key1', 5], 2500);
    h.processWatermark(3000);
    h.processWatermark(10_000);

    expect(h.extractOutput()).toEqual([
      record(['key1', 1], 9999),
      watermark(1000),
      record(['key1', 1], 9999),
      watermark(2000),
      record(['key1', 6], 9999),
      watermark(3000),
      // early firings at 4000..9000, then the end of the window (9999)
      ...[4000, 5000, 6000, 7000, 8000, 9000, 9999].map(() => record(['key1', 6], 9999)),
      watermark(10_000),
    ]);
  });

  it(`per-window state in a ProcessWindowFunction on session windows is refused`, async () => {
    class UsesWindowState extends ProcessWindowFunction<Tuple2, string, string, TimeWindow> {
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        values: Tuple2[],
        out: Collector<string>,
      ): void {
        const fired = ctx.windowState().getState(new ValueStateDescriptor<number>('fired'));
        fired.update((fired.value() ?? 0) + 1);
        out.collect(`${key}:${values.length}`);
      }
    }
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).process(new UsesWindowState()),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    expect(() => h.processWatermark(10_000)).toThrow(/per-window state/i);
  });
});

describe('WindowedStream: which incremental functions Flink accepts', () => {
  class RichSum extends RichReduceFunction<Tuple2> {
    reduce(a: Tuple2, b: Tuple2): Tuple2 {
      return [b[0], a[1] + b[1]];
    }
  }
  class RichCount extends AbstractRichFunction implements AggregateFunction<Tuple2, number, number> {
    createAccumulator(): number {
      return 0;
    }
    add(_v: Tuple2, acc: number): number {
      return acc + 1;
    }
    getResult(acc: number): number {
      return acc;
    }
    merge(a: number, b: number): number {
      return a + b;
    }
  }

  it(`window reduce() rejects a RichReduceFunction`, () => {
    expect(() =>
      windowOperatorSpec<Tuple2, string>(
        (t) => t[0],
        (k) => k.window(TumblingEventTimeWindows.of(1000)).reduce(new RichSum()),
      ),
    ).toThrow(/rich/i);
  });

  it(`window aggregate() rejects a rich AggregateFunction`, () => {
    expect(() =>
      windowOperatorSpec<Tuple2, string>(
        (t) => t[0],
        (k) => k.window(TumblingEventTimeWindows.of(1000)).aggregate(new RichCount()),
      ),
    ).toThrow(/rich/i);
  });

  it('a plain reduce function object (not rich) is fine', async () => {
    harness = windowHarness((k) =>
      k
        .window(TumblingEventTimeWindows.of(1000))
        .reduce({ reduce: (a: Tuple2, b: Tuple2): Tuple2 => [a[0], a[1] + b[1]] }),
    );
    await harness.open();
    harness.processElement(['k', 1], 1);
    harness.processElement(['k', 2], 2);
    harness.processWatermark(999);
    expect(harness.extractOutput()).toEqual([record(['k', 3], 999), watermark(999)]);
  });
});
