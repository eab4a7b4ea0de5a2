import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const { CONTINUE, FIRE } = TriggerResult;

describe('EventTimeTrigger', () => {
  it('keeps windows apart and fires each when the watermark passes its end', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    expect(h.processElement(1, 0, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 0, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 1, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 2, tw(2, 4))).toBe(CONTINUE);
    expect(h.processElement(1, 3, tw(2, 4))).toBe(CONTINUE);

    expect(h.numStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(2);
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(1);
    expect(h.numEventTimeTimers(tw(2, 4))).toBe(1);

    expect(h.advanceWatermarkFor(2, tw(0, 2))).toBe(FIRE);
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(0);
    expect(h.numEventTimeTimers(tw(2, 4))).toBe(1);

    expect(h.advanceWatermarkFor(4, tw(2, 4))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('fires at exactly maxTimestamp, not before', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    h.processElement('a', 10, tw(0, 100));
    expect(h.advanceWatermark(98)).toEqual([]);
    expect(h.advanceWatermarkFor(99, tw(0, 100))).toBe(FIRE);
  });

  it('fires a late element at once and sets no timer for it', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    h.advanceWatermark(2);
    expect(h.processElement(1, 0, tw(0, 2))).toBe(FIRE);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('fires when the watermark equals maxTimestamp (boundary)', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    h.advanceWatermark(1);
    expect(h.processElement(1, 0, tw(0, 2))).toBe(FIRE);
    expect(h.processElement(1, 0, tw(0, 3))).toBe(CONTINUE);
  });

  it('ignores timers at other times and processing time', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    expect(h.invokeOnEventTime(0, tw(0, 2))).toBe(CONTINUE);
    expect(h.invokeOnProcessingTime(1, tw(0, 2))).toBe(CONTINUE);
  });

  it('clears only the timer of the window cleared', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    expect(h.processElement(1, 0, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 2, tw(2, 4))).toBe(CONTINUE);
    expect(h.numEventTimeTimers()).toBe(2);

    h.clearTriggerState(tw(2, 4));
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(1);
    expect(h.numEventTimeTimers(tw(2, 4))).toBe(0);

    h.clearTriggerState(tw(0, 2));
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('re-registers the end timer for a merged window', () => {
    expect(EventTimeTrigger.create().canMerge()).toBe(true);
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    expect(h.processElement(1, 0, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 2, tw(2, 4))).toBe(CONTINUE);
    expect(h.numEventTimeTimers()).toBe(2);

    h.mergeWindows(tw(0, 4), [tw(0, 2), tw(2, 4)]);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.numEventTimeTimers(tw(0, 2))).toBe(0);
    expect(h.numEventTimeTimers(tw(2, 4))).toBe(0);
    expect(h.numEventTimeTimers(tw(0, 4))).toBe(1);

    expect(h.advanceWatermarkFor(4, tw(0, 4))).toBe(FIRE);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('sets no timer when merging windows the watermark already passed', () => {
    const h = new TestingTriggerHarness(EventTimeTrigger.create());
    expect(h.processElement(1, 0, tw(0, 2))).toBe(CONTINUE);
    expect(h.processElement(1, 2, tw(2, 4))).toBe(CONTINUE);
    h.advanceWatermark(10);
    expect(h.numEventTimeTimers()).toBe(0);

    h.mergeWindows(tw(0, 4), [tw(0, 2), tw(2, 4)]);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numEventTimeTimers(tw(0, 4))).toBe(0);
  });

  it('is named like Flink', () => {
    expect(String(EventTimeTrigger.create())).toBe('EventTimeTrigger()');
  });
});
