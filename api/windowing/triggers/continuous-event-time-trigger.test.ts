import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { ContinuousEventTimeTrigger } from './continuous-event-time-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE } = TriggerResult;
const harness = (interval: number): TestingTriggerHarness<unknown, TimeWindow> =>
  new TestingTriggerHarness(ContinuousEventTimeTrigger.of<TimeWindow>(interval));

describe('ContinuousEventTimeTrigger', () => {
  it('copes with timers firing when it has no state', () => {
    const h = harness(5);
    expect(h.numStateEntries()).toBe(0);
    h.advanceWatermark(10);
    // Late: fires at once and creates no state.
    expect(h.processElement(1, 1, tw(0, 2))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
    // A cleanup timer for the window fires anyway.
    expect(h.invokeOnEventTime(20, tw(0, 2))).toBe(CONTINUE);
  });

  it('keeps windows apart and fires every interval, then at the window end', () => {
    const h = harness(10);
    for (let i = 0; i < 3; i++) expect(h.processElement(1, 3, tw(0, 30))).toBe(CONTINUE);
    for (let i = 0; i < 2; i++) expect(h.processElement(1, 31, tw(30, 60))).toBe(CONTINUE);

    expect(h.numStateEntries()).toBe(2);
    expect(h.numProcessingTimeTimers()).toBe(0);
    // One end-of-window timer and one fire timer per window.
    expect(h.numEventTimeTimers()).toBe(4);
    expect(h.numEventTimeTimers(tw(0, 30))).toBe(2);
    expect(h.numEventTimeTimers(tw(30, 60))).toBe(2);

    expect(h.advanceWatermark(10)).toEqual([[tw(0, 30), FIRE]]);
    expect(h.numStateEntries()).toBe(2);
    expect(h.numEventTimeTimers(tw(0, 30))).toBe(2); // end (29) and the next fire time (20)

    expect(h.advanceWatermark(20)).toEqual([[tw(0, 30), FIRE]]);
    // The next fire time is capped at maxTimestamp, which already has a timer.
    expect(h.numEventTimeTimers(tw(0, 30))).toBe(1);
    expect(h.numEventTimeTimers()).toBe(3);

    expect(h.advanceWatermark(29)).toEqual([[tw(0, 30), FIRE]]);
    expect(h.numEventTimeTimers()).toBe(2);
    expect(h.numEventTimeTimers(tw(30, 60))).toBe(2);

    expect(h.advanceWatermark(40)).toEqual([[tw(30, 60), FIRE]]);
    expect(h.numEventTimeTimers(tw(30, 60))).toBe(2);
    expect(h.numStateEntries()).toBe(2);
  });

  it('aligns the first fire time to the interval (Java remainder: towards zero)', () => {
    const h = harness(5);
    h.processElement(1, 7, tw(0, 100));
    expect(h.advanceWatermark(9)).toEqual([]);
    expect(h.advanceWatermark(10)).toEqual([[tw(0, 100), FIRE]]);

    const negative = harness(5);
    negative.processElement(1, -7, tw(-20, 10));
    // -7 - (-7 % 5) = -5, so the first fire is at 0, not at -5.
    expect(negative.advanceWatermark(-1)).toEqual([]);
    expect(negative.advanceWatermark(0)).toEqual([[tw(-20, 10), FIRE]]);
  });

  it('fires a late element at once and sets no timer for it', () => {
    const h = harness(3_600_000);
    h.advanceWatermark(2);
    expect(h.processElement(1, 1, tw(0, 2))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('clears the fire timer and state of one window, not its end timer', () => {
    const h = harness(10);
    expect(h.processElement(1, 3, tw(0, 30))).toBe(CONTINUE);
    expect(h.processElement(1, 31, tw(30, 60))).toBe(CONTINUE);
    expect(h.numStateEntries()).toBe(2);
    expect(h.numEventTimeTimers()).toBe(4);

    h.clearTriggerState(tw(30, 60));
    expect(h.numStateEntries()).toBe(1);
    expect(h.numEventTimeTimers()).toBe(3);
    expect(h.numEventTimeTimers(tw(0, 30))).toBe(2);
    expect(h.numEventTimeTimers(tw(30, 60))).toBe(1);

    h.clearTriggerState(tw(0, 30));
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(2); // end-of-window timers stay
  });

  it('continues a merged window from the earliest pending fire time', () => {
    expect(ContinuousEventTimeTrigger.of(10).canMerge()).toBe(true);
    const h = harness(10);
    h.processElement(1, 3, tw(0, 30));
    h.processElement(1, 31, tw(30, 60));
    expect(h.numEventTimeTimers()).toBe(4);

    h.mergeWindows(tw(0, 60), [tw(0, 30), tw(30, 60)]);
    expect(h.numStateEntries()).toBe(1);
    expect(h.numStateEntries(tw(0, 60))).toBe(1);
    // Merging does not clean up the timers of the merged windows.
    expect(h.numEventTimeTimers()).toBe(5);
    expect(h.numEventTimeTimers(tw(0, 30))).toBe(2);
    expect(h.numEventTimeTimers(tw(30, 60))).toBe(2);
    expect(h.numEventTimeTimers(tw(0, 60))).toBe(1);

    const fired = h.advanceWatermark(10);
    expect(fired).toContainEqual([tw(0, 60), FIRE]);
    expect(fired).toContainEqual([tw(0, 30), CONTINUE]); // stale timer of a merged window
    expect(h.numStateEntries()).toBe(1);
    expect(h.numEventTimeTimers(tw(0, 60))).toBe(1); // next fire time, 20
  });

  it('needs a timestamp for the first element of a window', () => {
    expect(() => harness(10).processElement(1, undefined, tw(0, 30))).toThrow(/without a timestamp/);
  });

  it('rejects an interval that is not a positive number of milliseconds', () => {
    expect(() => ContinuousEventTimeTrigger.of(0)).toThrow(/interval must be > 0/);
    expect(() => ContinuousEventTimeTrigger.of(-5)).toThrow(/interval must be > 0/);
    expect(() => ContinuousEventTimeTrigger.of(0.5)).toThrow(/integer number of milliseconds/);
  });

  it('is named like Flink and exposes its interval', () => {
    const trigger = ContinuousEventTimeTrigger.of(3_600_000);
    expect(String(trigger)).toBe('ContinuousEventTimeTrigger(3600000)');
    expect(trigger.getInterval()).toBe(3_600_000);
  });
});
