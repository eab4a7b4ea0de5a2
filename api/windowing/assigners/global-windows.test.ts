import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { EndOfStreamTrigger } from '../triggers/end-of-stream-trigger.js';
import { NeverTrigger } from '../triggers/never-trigger.js';
import { TriggerResult } from '../triggers/trigger-result.js';
import { GlobalWindow } from '../windows/global-window.js';
import { GlobalWindows } from './global-windows.js';

const ctx = { getCurrentProcessingTime: (): number => 0 };

describe('GlobalWindows', () => {
  it('assigns every element to the global window', () => {
    const assigner = GlobalWindows.create();
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([GlobalWindow.get()]);
    expect(assigner.assignWindows('String', 4999, ctx)[0]).toBe(GlobalWindow.get());
    expect(assigner.assignWindows('String', undefined, ctx)[0]).toBe(GlobalWindow.get());
  });

  it('is not event time and never fires by default', () => {
    const assigner = GlobalWindows.create();
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(NeverTrigger);
    const harness = new TestingTriggerHarness(assigner.getDefaultTrigger());
    expect(harness.processElement('a', 1, GlobalWindow.get())).toBe(TriggerResult.CONTINUE);
    expect(harness.advanceWatermark(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(harness.numEventTimeTimers() + harness.numProcessingTimeTimers()).toBe(0);
  });

  it('can fire once at the end of a bounded input', () => {
    const assigner = GlobalWindows.createWithEndOfStreamTrigger();
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(EndOfStreamTrigger);
    const harness = new TestingTriggerHarness(assigner.getDefaultTrigger());
    expect(harness.processElement('a', 1, GlobalWindow.get())).toBe(TriggerResult.CONTINUE);
    expect(harness.processElement('b', 2, GlobalWindow.get())).toBe(TriggerResult.CONTINUE);
    expect(harness.numEventTimeTimers()).toBe(1);
    expect(harness.advanceWatermark(1_000_000)).toEqual([]);
    expect(harness.advanceWatermarkFor(Number.MAX_SAFE_INTEGER, GlobalWindow.get())).toBe(TriggerResult.FIRE);
  });
});
