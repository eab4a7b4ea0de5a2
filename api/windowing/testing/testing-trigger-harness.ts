/**
 * Drives one trigger through elements, watermarks, processing time, merges and clears on a
 * TestingTriggerContext, the way Flink's trigger tests do, and reports what it decided.
 */
import type { Trigger } from '../triggers/trigger.js';
import type { TriggerResult } from '../triggers/trigger-result.js';
import { windowNamespace } from '../windows/window-namespace.js';
import type { Window } from '../windows/window.js';
import { TestingTriggerContext } from './testing-trigger-context.js';

export type FiredTimer<W> = readonly [window: W, result: TriggerResult];

export class TestingTriggerHarness<T, W extends Window> {
  readonly ctx = new TestingTriggerContext<W>();

  constructor(readonly trigger: Trigger<T, W>) {}

  processElement(element: T, timestamp: number | undefined, window: W): TriggerResult {
    this.ctx.window = window;
    return this.trigger.onElement(element, timestamp, window, this.ctx);
  }

  /**
   * Sets the watermark to `time` and calls onEventTime for every timer that was due (timers the
   * calls register are not fired in the same step), earliest first.
   */
  advanceWatermark(time: number): Array<FiredTimer<W>> {
    const due = this.ctx.eventTimeTimers.pollUpTo(time);
    this.ctx.watermark = time;
    return due.map(({ window, time: t }) => [window, this.invokeOnEventTime(t, window)] as const);
  }

  /** Like advanceWatermark, but expects exactly one timer to fire, for `window`, and returns its result. */
  advanceWatermarkFor(time: number, window: W): TriggerResult {
    return single(this.advanceWatermark(time), window);
  }

  advanceProcessingTime(time: number): Array<FiredTimer<W>> {
    const due = this.ctx.processingTimeTimers.pollUpTo(time);
    this.ctx.processingTime = time;
    return due.map(({ window, time: t }) => [window, this.invokeOnProcessingTime(t, window)] as const);
  }

  advanceProcessingTimeFor(time: number, window: W): TriggerResult {
    return single(this.advanceProcessingTime(time), window);
  }

  invokeOnEventTime(time: number, window: W): TriggerResult {
    this.ctx.window = window;
    return this.trigger.onEventTime(time, window, this.ctx);
  }

  invokeOnProcessingTime(time: number, window: W): TriggerResult {
    this.ctx.window = window;
    return this.trigger.onProcessingTime(time, window, this.ctx);
  }

  /** Calls onMerge for `target`, then clears the trigger state of each merged window (as the operator does). */
  mergeWindows(target: W, mergedWindows: readonly W[]): void {
    this.ctx.window = target;
    this.ctx.mergedWindows = mergedWindows;
    try {
      this.trigger.onMerge(target, this.ctx);
    } finally {
      this.ctx.mergedWindows = [];
    }
    for (const merged of mergedWindows) this.clearTriggerState(merged);
  }

  clearTriggerState(window: W): void {
    this.ctx.window = window;
    this.trigger.clear(window, this.ctx);
  }

  numStateEntries(window?: W): number {
    return this.ctx.state.numEntries(window === undefined ? undefined : windowNamespace(window));
  }

  numEventTimeTimers(window?: W): number {
    return this.ctx.eventTimeTimers.count(window);
  }

  numProcessingTimeTimers(window?: W): number {
    return this.ctx.processingTimeTimers.count(window);
  }
}

function single<W extends Window>(fired: Array<FiredTimer<W>>, window: W): TriggerResult {
  if (fired.length !== 1 || !fired[0]![0].equals(window)) {
    throw new Error(
      `expected exactly one timer to fire, for ${String(window)}; fired: ${fired.map(([w, r]) => `${String(w)}→${r}`).join(', ') || 'none'}`,
    );
  }
  return fired[0]![1];
}
