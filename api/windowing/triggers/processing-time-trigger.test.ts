import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE } = TriggerResult;

describe('ProcessingTimeTrigger', () => {
  it('keeps windows apart and fires each when processing time reaches its end', () => {
    const h = new TestingTriggerHarness(ProcessingTimeTrigger.create());
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(2, 4))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(2, 4))).toBe(CONTINUE);

    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(2);
    expect(h.numProcessingTimeTimers(tw(0, 2))).toBe(1);
    expect(h.numProcessingTimeTimers(tw(2, 4))).toBe(1);

    expect(h.advanceProcessingTimeFor(2, tw(0, 2))).toBe(FIRE);
    expect(h.numProcessingTimeTimers()).toBe(1);
    expect(h.numProcessingTimeTimers(tw(0, 2))).toBe(0);
    expect(h.numProcessingTimeTimers(tw(2, 4))).toBe(1);

    expect(h.advanceProcessingTimeFor(4, tw(2, 4))).toBe(FIRE);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('ignores event time', () => {
    const h = new TestingTriggerHarness(ProcessingTimeTrigger.create());
    h.processElement(1, 0, tw(0, 2));
    expect(h.invokeOnEventTime(1, tw(0, 2))).toBe(CONTINUE);
    expect(h.advanceWatermark(100)).toEqual([]);
  });

  it('clears only the timer of the window cleared', () => {
    const h = new TestingTriggerHarness(ProcessingTimeTrigger.create());
    h.processElement(1, undefined, tw(0, 2));
    h.processElement(1, undefined, tw(2, 4));
    h.clearTriggerState(tw(2, 4));
    expect(h.numProcessingTimeTimers()).toBe(1);
    expect(h.numProcessingTimeTimers(tw(0, 2))).toBe(1);
    expect(h.numProcessingTimeTimers(tw(2, 4))).toBe(0);
    h.clearTriggerState(tw(0, 2));
    expect(h.numStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });

  it('re-registers the timer of a merged window', () => {
    expect(ProcessingTimeTrigger.create().canMerge()).toBe(true);
    const h = new TestingTriggerHarness(ProcessingTimeTrigger.create());
    h.processElement(1, undefined, tw(0, 2));
    h.processElement(1, undefined, tw(2, 4));
    h.mergeWindows(tw(0, 4), [tw(0, 2), tw(2, 4)]);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(1);
    expect(h.numProcessingTimeTimers(tw(0, 2))).toBe(0);
    expect(h.numProcessingTimeTimers(tw(2, 4))).toBe(0);
    expect(h.numProcessingTimeTimers(tw(0, 4))).toBe(1);
    expect(h.advanceProcessingTimeFor(4, tw(0, 4))).toBe(FIRE);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });

  it('sets no timer when merging windows processing time already passed', () => {
    const h = new TestingTriggerHarness(ProcessingTimeTrigger.create());
    h.processElement(1, undefined, tw(0, 2));
    h.processElement(1, undefined, tw(2, 4));
    h.advanceProcessingTime(10);
    expect(h.numProcessingTimeTimers()).toBe(0);
    h.mergeWindows(tw(0, 4), [tw(0, 2), tw(2, 4)]);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numProcessingTimeTimers(tw(0, 4))).toBe(0);
  });
});
