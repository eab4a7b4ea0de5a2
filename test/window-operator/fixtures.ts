/**
 * The user functions of Flink's WindowOperatorTest / EvictingWindowOperatorTest, in TypeScript:
 * Flink's Tuple2<String, Integer> is `[key, value]` keyed by element 0, Tuple3<String, Long, Long>
 * is `[label, windowStart, windowEnd]`.
 */
import {
  AbstractRichFunction,
  MergingWindowAssigner,
  ProcessWindowFunction,
  TimeWindow,
  Trigger,
  TriggerResult,
  EventTimeTrigger,
  type Collector,
  type KeyedStream,
  type OnMergeContext,
  type OpenContext,
  type ProcessWindowContext,
  type TriggerContext,
  type Window,
  type WindowAssignerContext,
} from 'freshet';
import { expect } from 'vitest';

import {
  KeyedOneInputStreamOperatorTestHarness,
  sortedWithinWatermarks,
  type OutputElement,
} from '../support/keyed-operator-test-harness.js';
import type { AnyWindowOperator } from '../../taskmanager/operators/windowing/create-window-operator.js';

export type Tuple2 = [string, number];
export type Tuple3 = [string, number, number];

/** Flink's `Long.MAX_VALUE` here: the timestamp of GlobalWindow results. */
export const MAX_TS = Number.MAX_SAFE_INTEGER;

export type WindowHarness = KeyedOneInputStreamOperatorTestHarness<Tuple2, AnyWindowOperator>;

/** A harness around the window operator `build` makes from `keyBy(t => t[0])`. */
export function windowHarness(build: (keyed: KeyedStream<Tuple2, string>) => unknown): WindowHarness {
  return KeyedOneInputStreamOperatorTestHarness.forWindow<Tuple2, string>((t) => t[0], build);
}

/** Flink's `TestHarnessUtil.assertOutputEqualsSorted`: same watermarks at the same places, records sorted in between. */
export function expectOutputEqualsSorted(
  actual: readonly OutputElement[],
  expected: readonly OutputElement[],
): void {
  expect(sortedWithinWatermarks(actual)).toEqual(sortedWithinWatermarks(expected));
}

/** Flink's SumReducer: keeps the second key, adds the values. */
export const sumReducer = (a: Tuple2, b: Tuple2): Tuple2 => [b[0], a[1] + b[1]];

/** Flink's RichSumReducer (a RichWindowFunction for `apply`): checks it was opened, counts closes. */
export class RichSumReducer<W extends Window> extends AbstractRichFunction {
  openCalled = false;

  constructor(private readonly closeCounter: { count: number }) {
    super();
  }

  override open(_ctx: OpenContext): void {
    this.openCalled = true;
  }

  override close(): void {
    this.closeCounter.count++;
  }

  apply(key: string, _window: W, input: Tuple2[], out: Collector<Tuple2>): void {
    if (!this.openCalled) throw new Error('Open was not called');
    let sum = 0;
    for (const t of input) sum += t[1];
    out.collect([key, sum]);
  }
}

/** Flink's SessionWindowFunction (apply): `[key-sum, start, end]`. */
export function sessionWindowFunction(
  key: string,
  window: TimeWindow,
  values: Tuple2[],
  out: Collector<Tuple3>,
): void {
  let sum = 0;
  for (const v of values) sum += v[1];
  out.collect([`${key}-${sum}`, window.start, window.end]);
}

/** Flink's ReducedSessionWindowFunction (apply on a pre-reduced window): `[key-value, start, end]`. */
export function reducedSessionWindowFunction(
  key: string,
  window: TimeWindow,
  values: Tuple2[],
  out: Collector<Tuple3>,
): void {
  for (const v of values) out.collect([`${key}-${v[1]}`, window.start, window.end]);
}

/** Flink's SessionProcessWindowFunction. */
export class SessionProcessWindowFunction extends ProcessWindowFunction<Tuple2, Tuple3, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    values: Tuple2[],
    out: Collector<Tuple3>,
  ): void {
    let sum = 0;
    for (const v of values) sum += v[1];
    out.collect([`${key}-${sum}`, ctx.window.start, ctx.window.end]);
  }
}

/** Flink's ReducedProcessSessionWindowFunction. */
export class ReducedProcessSessionWindowFunction extends ProcessWindowFunction<
  Tuple2,
  Tuple3,
  string,
  TimeWindow
> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    values: Tuple2[],
    out: Collector<Tuple3>,
  ): void {
    for (const v of values) out.collect([`${key}-${v[1]}`, ctx.window.start, ctx.window.end]);
  }
}

/** ReducedSessionWindowFunction as a process function (what `reduce(fn, windowFunction)` takes). */
export class ReducedSessionAsProcess extends ProcessWindowFunction<Tuple2, Tuple3, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    values: Tuple2[],
    out: Collector<Tuple3>,
  ): void {
    reducedSessionWindowFunction(key, ctx.window, values, out);
  }
}

/** Flink's PassThroughFunction (apply): emits every element of the window. */
export function passThroughFunction(
  _key: string,
  _w: TimeWindow,
  input: Tuple2[],
  out: Collector<Tuple2>,
): void {
  for (const t of input) out.collect(t);
}

/**
 * Flink's PointSessionWindows: event-time sessions with gap `sessionTimeout`, except that elements
 * with value 33 get a "point window" [ts, ts).
 */
export class PointSessionWindows extends MergingWindowAssigner<Tuple2, TimeWindow> {
  constructor(private readonly sessionTimeout: number) {
    super();
  }
  assignWindows(element: Tuple2, timestamp: number | undefined, _ctx: WindowAssignerContext): TimeWindow[] {
    const ts = timestamp!;
    if (element[1] === 33) return [new TimeWindow(ts, ts)];
    return [new TimeWindow(ts, ts + this.sessionTimeout)];
  }
  mergeWindows(
    windows: readonly TimeWindow[],
    callback: (toBeMerged: TimeWindow[], result: TimeWindow) => void,
  ): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<Tuple2, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return `PointSessionWindows(${this.sessionTimeout})`;
  }
}

/**
 * Flink's EventTimeTriggerAccumGC: fires (and purges) at the end of the window and again at
 * `maxTimestamp + cleanupTime`, never purging otherwise; used to test state garbage collection.
 */
export class EventTimeTriggerAccumGC extends Trigger<unknown, TimeWindow> {
  constructor(private readonly cleanupTime: number) {
    super();
  }
  onElement(_e: unknown, _ts: number | undefined, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() || time === window.maxTimestamp() + this.cleanupTime
      ? TriggerResult.FIRE_AND_PURGE
      : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    ctx.registerEventTimeTimer(window.maxTimestamp());
  }
}

/** Flink's FireEverytimeOnElementAndEventTimeTrigger: FIRE on every element and every timer. */
export class FireEverytimeOnElementAndEventTimeTrigger extends Trigger<Tuple2, TimeWindow> {
  onElement(): TriggerResult {
    return TriggerResult.FIRE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  clear(): void {}
}
