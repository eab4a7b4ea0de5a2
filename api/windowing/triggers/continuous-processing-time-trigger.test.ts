import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { ContinuousProcessingTimeTrigger } from './continuous-processing-time-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE } = TriggerResult;

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of processing time, capped at the window end', () => {
    const h = new TestingTriggerHarness(ContinuousProcessingTimeTrigger.of<TimeWindow>(10));
    h.ctx.processingTime = 3;
    expect(h.processElement(1, undefined, tw(0, 25))).toBe(CONTINUE);
    expect(h.processElement(1, undefined, tw(0, 25))).toBe(CONTINUE);
    expect(h.numProcessingTimeTimers()).toBe(1);
    expect(h.numStateEntries()).toBe(1);
    expect(h.advanceProcessingTime(10)).toEqual([[tw(0, 25), FIRE]]);
    expect(h.advanceProcessingTime(20)).toEqual([[tw(0, 25), FIRE]]);
    expect(h.advanceProcessingTime(24)).toEqual([[tw(0, 25), FIRE]]); // min(30, maxTimestamp 24)
    expect(h.invokeOnEventTime(24, tw(0, 25))).toBe(CONTINUE);
  });

  it('merges to the earliest fire time and clears its timer', () => {
    const h = new TestingTriggerHarness(ContinuousProcessingTimeTrigger.of<TimeWindow>(10));
    h.ctx.processingTime = 12;
    h.processElement(1, undefined, tw(0, 100));
    h.ctx.processingTime = 3;
    h.processElement(1, undefined, tw(100, 200));
    h.mergeWindows(tw(0, 200), [tw(0, 100), tw(100, 200)]);
    expect(h.numStateEntries()).toBe(1);
    expect(h.advanceProcessingTime(10)).toContainEqual([tw(0, 200), FIRE]);
    h.clearTriggerState(tw(0, 200));
    expect(h.numStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers(tw(0, 200))).toBe(0);
  });

  it('rejects a non-positive interval', () => {
    expect(() => ContinuousProcessingTimeTrigger.of(0)).toThrow(/interval must be > 0/);
    expect(String(ContinuousProcessingTimeTrigger.of(7))).toBe('ContinuousProcessingTimeTrigger(7)');
  });
});
