import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { CountTrigger } from './count-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE } = TriggerResult;

describe('CountTrigger', () => {
  it('counts per window and fires (and resets) at maxCount', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(2, 4))).toBe(CONTINUE);

    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numStateEntries()).toBe(2);
    expect(h.numStateEntries(tw(0, 2))).toBe(1);
    expect(h.numStateEntries(tw(2, 4))).toBe(1);

    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(FIRE);
    expect(h.processElement(1, undefined, tw(2, 4))).toBe(CONTINUE);

    // The count is cleared when the trigger fires.
    expect(h.numStateEntries()).toBe(1);
    expect(h.numStateEntries(tw(0, 2))).toBe(0);
    expect(h.numStateEntries(tw(2, 4))).toBe(1);

    expect(h.processElement(1, undefined, tw(2, 4))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);

    // And counting starts over.
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(FIRE);
  });

  it('fires on every element with maxCount 1', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(1));
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(FIRE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
  });

  it('clears only the window cleared', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    h.processElement(1, undefined, tw(0, 2));
    h.processElement(1, undefined, tw(2, 4));
    h.clearTriggerState(tw(2, 4));
    expect(h.numStateEntries()).toBe(1);
    expect(h.numStateEntries(tw(0, 2))).toBe(1);
    expect(h.numStateEntries(tw(2, 4))).toBe(0);
    h.clearTriggerState(tw(0, 2));
    expect(h.numStateEntries()).toBe(0);
  });

  it('adds up the counts of merged windows', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(2, 4))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(4, 6))).toBe(CONTINUE);
    expect(h.numStateEntries()).toBe(3);

    h.mergeWindows(tw(0, 4), [tw(0, 2), tw(2, 4)]);
    expect(h.numStateEntries()).toBe(2);
    expect(h.numStateEntries(tw(0, 2))).toBe(0);
    expect(h.numStateEntries(tw(2, 4))).toBe(0);
    expect(h.numStateEntries(tw(0, 4))).toBe(1);
    expect(h.numStateEntries(tw(4, 6))).toBe(1);

    expect(h.processElement(1, undefined, tw(0, 4))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(1);
    expect(h.numStateEntries(tw(0, 4))).toBe(0);
    expect(h.numStateEntries(tw(4, 6))).toBe(1);

    expect(h.processElement(1, undefined, tw(4, 6))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(4, 6))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
  });

  it('merges into a window that subsumes the merged ones', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    h.processElement(1, undefined, tw(2, 4));
    h.processElement(1, undefined, tw(4, 6));
    expect(h.numStateEntries()).toBe(2);
    h.mergeWindows(tw(0, 8), [tw(2, 4), tw(4, 6)]);
    expect(h.numStateEntries()).toBe(1);
    expect(h.numStateEntries(tw(2, 4))).toBe(0);
    expect(h.numStateEntries(tw(4, 6))).toBe(0);
    expect(h.numStateEntries(tw(0, 8))).toBe(1);
    expect(h.processElement(1, undefined, tw(0, 8))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
  });

  it('keeps the count of a merge target that is also among the merged windows', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    h.processElement(1, undefined, tw(0, 4));
    h.processElement(1, undefined, tw(4, 6));
    h.ctx.window = tw(0, 4);
    h.ctx.mergedWindows = [tw(0, 4), tw(4, 6)];
    h.trigger.onMerge(tw(0, 4), h.ctx);
    expect(h.numStateEntries()).toBe(1);
    expect(h.processElement(1, undefined, tw(0, 4))).toBe(FIRE);
  });

  it('ignores timers', () => {
    const h = new TestingTriggerHarness(CountTrigger.of<TimeWindow>(3));
    expect(h.invokeOnEventTime(1, tw(0, 2))).toBe(CONTINUE);
    expect(h.invokeOnProcessingTime(1, tw(0, 2))).toBe(CONTINUE);
  });

  it('is named like Flink, can merge, and rejects a fractional count', () => {
    expect(String(CountTrigger.of(3))).toBe('CountTrigger(3)');
    expect(CountTrigger.of(3).canMerge()).toBe(true);
    expect(() => CountTrigger.of(1.5)).toThrow(/maxCount must be an integer/);
  });
});
