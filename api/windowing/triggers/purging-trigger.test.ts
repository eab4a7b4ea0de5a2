import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { CountTrigger } from './count-trigger.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { PurgingTrigger } from './purging-trigger.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE, PURGE, FIRE_AND_PURGE } = TriggerResult;
const ALL = [CONTINUE, FIRE, FIRE_AND_PURGE, PURGE] as const;

/** A trigger whose answers the test sets, recording the calls it gets. */
class ScriptedTrigger extends Trigger<unknown, TimeWindow> {
  result: TriggerResult = CONTINUE;
  onElementHook: ((ctx: TriggerContext) => void) | undefined;
  readonly calls: string[] = [];
  mergeable = true;

  onElement(_e: unknown, _t: number | undefined, _w: TimeWindow, ctx: TriggerContext): TriggerResult {
    this.onElementHook?.(ctx);
    return this.result;
  }
  onEventTime(): TriggerResult {
    return this.result;
  }
  onProcessingTime(): TriggerResult {
    return this.result;
  }
  override canMerge(): boolean {
    return this.mergeable;
  }
  override onMerge(window: TimeWindow, _ctx: OnMergeContext): void {
    this.calls.push(`onMerge ${String(window)}`);
  }
  clear(window: TimeWindow): void {
    this.calls.push(`clear ${String(window)}`);
  }
}

const purged = (r: TriggerResult): TriggerResult => (r === FIRE ? FIRE_AND_PURGE : r);

describe('PurgingTrigger', () => {
  it('turns FIRE into FIRE_AND_PURGE on elements and passes everything else through', () => {
    const nested = new ScriptedTrigger();
    const h = new TestingTriggerHarness(PurgingTrigger.of(nested));
    for (const r of ALL) {
      nested.result = r;
      expect(h.processElement(1, 0, tw(0, 2))).toBe(purged(r));
    }
  });

  it('does the same for event-time timers', () => {
    const nested = new ScriptedTrigger();
    const h = new TestingTriggerHarness(PurgingTrigger.of(nested));
    nested.onElementHook = (ctx) => [1, 2, 3, 4].forEach((t) => ctx.registerEventTimeTimer(t));
    h.processElement(1, 0, tw(0, 2));
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(4);
    ALL.forEach((r, i) => {
      nested.result = r;
      expect(h.advanceWatermarkFor(i + 1, tw(0, 2))).toBe(purged(r));
    });
  });

  it('does the same for processing-time timers', () => {
    const nested = new ScriptedTrigger();
    const h = new TestingTriggerHarness(PurgingTrigger.of(nested));
    nested.onElementHook = (ctx) => [1, 2, 3, 4].forEach((t) => ctx.registerProcessingTimeTimer(t));
    h.processElement(1, 0, tw(0, 2));
    expect(h.numProcessingTimeTimers(tw(0, 2))).toBe(4);
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(0);
    ALL.forEach((r, i) => {
      nested.result = r;
      expect(h.advanceProcessingTimeFor(i + 1, tw(0, 2))).toBe(purged(r));
    });
  });

  it('forwards canMerge, onMerge and clear', () => {
    const nested = new ScriptedTrigger();
    const trigger = PurgingTrigger.of(nested);
    expect(trigger.canMerge()).toBe(true);
    nested.mergeable = false;
    expect(trigger.canMerge()).toBe(false);
    nested.mergeable = true;
    const h = new TestingTriggerHarness(trigger);
    h.mergeWindows(tw(0, 2), [tw(0, 1)]);
    // mergeWindows clears each merged window after onMerge, as the operator does.
    expect(nested.calls).toEqual(['onMerge TimeWindow{start=0, end=2}', 'clear TimeWindow{start=0, end=1}']);
    h.clearTriggerState(tw(0, 2));
    expect(nested.calls.at(-1)).toBe('clear TimeWindow{start=0, end=2}');
  });

  it('wraps real triggers: a count window that purges', () => {
    const h = new TestingTriggerHarness(PurgingTrigger.of(CountTrigger.of<TimeWindow>(2)));
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(FIRE_AND_PURGE);
    const e = new TestingTriggerHarness(PurgingTrigger.of(EventTimeTrigger.create()));
    e.processElement(1, 0, tw(0, 2));
    expect(e.advanceWatermarkFor(1, tw(0, 2))).toBe(FIRE_AND_PURGE);
  });

  it('exposes the nested trigger and is named like Flink', () => {
    const nested = CountTrigger.of(5);
    const trigger = PurgingTrigger.of(nested);
    expect(trigger.getNestedTrigger()).toBe(nested);
    expect(String(trigger)).toBe('PurgingTrigger(CountTrigger(5))');
  });
});
