/**
 * Window functions as Flink runs them, beyond WindowOperatorTest's scenarios: the process-window
 * context (side outputs, per-window state cleared with the window, global state, clocks),
 * aggregate functions whose accumulators merge with sessions, window offsets, negative
 * timestamps, and missing timestamps.
 */
import {
  DynamicEventTimeSessionWindows,
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from 'freshet';
import { afterEach, describe, expect, it } from 'vitest';

import { record, sideRecord, watermark } from '../support/keyed-operator-test-harness.js';
import {
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

const average: AggregateFunction<Tuple2, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (v, acc) => [acc[0] + v[1], acc[1] + 1],
  getResult: (acc) => acc[0] / acc[1],
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

describe('WindowOperator: window functions and their context', () => {
  it('ctx.output() sends side-output records stamped with the window maxTimestamp', async () => {
    const counts = new OutputTag<Tuple2>('counts');
    class WithSideOutput extends ProcessWindowFunction<Tuple2, string, string, TimeWindow> {
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        values: Tuple2[],
        out: Collector<string>,
      ): void {
        out.collect(`${key}:${values.length}`);
        ctx.output(counts, [key, values.length]);
      }
    }
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(3000)).process(new WithSideOutput()));
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 10);
    h.processElement(['key1', 1], 20);
    h.processWatermark(2999);
    expect(h.extractOutput()).toEqual([
      record('key1:2', 2999),
      sideRecord(counts.id, ['key1', 2], 2999),
      watermark(2999),
    ]);
  });

  it('per-window state survives late firings and is cleared with the window; global state is kept', async () => {
    const fires = new ValueStateDescriptor<number>('fires');
    const total = new ValueStateDescriptor<number>('total');
    class CountsFirings extends ProcessWindowFunction<Tuple2, string, string, TimeWindow> {
      clearCalls = 0;
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        values: Tuple2[],
        out: Collector<string>,
      ): void {
        const perWindow = ctx.windowState().getState(fires);
        perWindow.update((perWindow.value() ?? 0) + 1);
        const global = ctx.globalState().getState(total);
        global.update((global.value() ?? 0) + 1);
        out.collect(
          `${key}@${ctx.window.start} n=${values.length} fire#${perWindow.value()} total=${global.value()}`,
        );
      }
      override clear(ctx: ProcessWindowContext<TimeWindow>): void {
        ctx.windowState().getState(fires).update(undefined);
      }
    }
    harness = windowHarness((k) =>
      k.window(TumblingEventTimeWindows.of(2000)).allowedLateness(1000).process(new CountsFirings()),
    );
    const h = harness;
    await h.open();

    h.processElement(['key1', 1], 100);
    h.processWatermark(1999);
    h.processElement(['key1', 1], 500); // late but allowed: fires again at once
    h.processWatermark(2999); // cleanup time of [0, 2000)
    h.processElement(['key1', 1], 600); // too late: dropped
    h.processElement(['key1', 1], 3000);
    h.processWatermark(3999);

    expect(h.extractOutput()).toEqual([
      record('key1@0 n=1 fire#1 total=1', 1999),
      watermark(1999),
      record('key1@0 n=2 fire#2 total=2', 1999),
      watermark(2999),
      record('key1@2000 n=1 fire#1 total=3', 3999),
      watermark(3999),
    ]);
    expect(h.operator.numLateRecordsDropped).toBe(1);
    h.processWatermark(4999);
    expect(h.keyedStateEntries().map((e) => e.state)).toEqual(['total']);
  });

  it('the context shows the watermark that fired the window and the processing time', async () => {
    class Clocks extends ProcessWindowFunction<Tuple2, string, string, TimeWindow> {
      process(
        _key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        _v: Tuple2[],
        out: Collector<string>,
      ): void {
        out.collect(`wm=${ctx.currentWatermark()} pt=${ctx.currentProcessingTime()}`);
      }
    }
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(1000)).process(new Clocks()));
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 10);
    h.setProcessingTime(42);
    h.processWatermark(5000);
    expect(h.extractOutput()).toEqual([record('wm=5000 pt=42', 999), watermark(5000)]);
  });

  it('aggregate accumulators merge when sessions merge (AggregateFunction.merge)', async () => {
    class Describe extends ProcessWindowFunction<number, string, string, TimeWindow> {
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        values: number[],
        out: Collector<string>,
      ): void {
        out.collect(`${key} [${ctx.window.start},${ctx.window.end}) avg=${values[0]}`);
      }
    }
    harness = windowHarness((k) =>
      k.window(EventTimeSessionWindows.withGap(3000)).aggregate(average, new Describe()),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0);
    h.processElement(['key1', 3], 5000);
    h.processElement(['key1', 5], 2500); // bridges both sessions
    h.processWatermark(10_000);
    expect(h.extractOutput()).toEqual([record('key1 [0,8000) avg=3', 7999), watermark(10_000)]);
  });

  it('windows with an offset and negative timestamps start where Flink starts them', async () => {
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(3000, 1000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 500); // [-2000, 1000)
    h.processElement(['key1', 2], 1000); // [1000, 4000)
    h.processElement(['key1', 4], -2001); // [-5000, -2000)
    h.processElement(['key1', 8], -2000); // [-2000, 1000)
    h.processWatermark(4000);
    expect(h.extractOutput()).toEqual([
      record(['key1', 4], -2001),
      record(['key1', 9], 999),
      record(['key1', 2], 3999),
      watermark(4000),
    ]);
  });

  it('an event-time window rejects a record without a timestamp with a clear error', async () => {
    harness = windowHarness((k) => k.window(TumblingEventTimeWindows.of(3000)).reduce(sumReducer));
    const h = harness;
    await h.open();
    expect(() => h.processElement(['key1', 1])).toThrow(/timestamp/);
  });

  it('a new session window equal to an in-flight merged session keeps the merged contents (deliberately unlike Flink, which orphans them)', async () => {
    // value 4 gets a 5000 gap, everything else 3000
    harness = windowHarness((k) =>
      k
        .window(DynamicEventTimeSessionWindows.withDynamicGap<Tuple2>((t) => (t[1] === 4 ? 5000 : 3000)))
        .apply(sessionWindowFunction),
    );
    const h = harness;
    await h.open();
    h.processElement(['key1', 1], 0); // [0, 3000)
    h.processElement(['key1', 2], 2000); // [2000, 5000): merged into [0, 5000)
    h.processElement(['key1', 4], 0); // exactly [0, 5000)
    h.processWatermark(5000);
    expect(h.extractOutput()).toEqual([record(['key1-7', 0, 5000], 4999), watermark(5000)]);
  });
});
