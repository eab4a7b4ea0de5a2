import { describe, expect, it } from 'vitest';

import { TestingTriggerHarness } from '../testing/testing-trigger-harness.js';
import { TimeWindow } from '../windows/time-window.js';
import { ValueStateDescriptor } from '../../state/state-descriptor.js';
import { CountTrigger } from './count-trigger.js';
import { toTrigger } from './to-trigger.js';
import { TriggerResult } from './trigger-result.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);

describe('toTrigger', () => {
  it('passes Trigger instances through', () => {
    const trigger = CountTrigger.of(3);
    expect(toTrigger(trigger)).toBe(trigger);
  });

  it('wraps a plain object with defaults for the methods it lacks', () => {
    const trigger = toTrigger<string, TimeWindow>({
      onElement: (element) => (element === 'go' ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE),
    });
    const h = new TestingTriggerHarness(trigger);
    expect(h.processElement('a', 1, tw(0, 10))).toBe('continue');
    expect(h.processElement('go', 1, tw(0, 10))).toBe('fire-and-purge');
    expect(h.invokeOnEventTime(9, tw(0, 10))).toBe('continue');
    expect(h.invokeOnProcessingTime(9, tw(0, 10))).toBe('continue');
    expect(trigger.canMerge()).toBe(false);
    expect(() => h.clearTriggerState(tw(0, 10))).not.toThrow();
    expect(() => h.mergeWindows(tw(0, 20), [tw(0, 10)])).toThrow(/does not support merging/);
  });

  it('runs a user trigger with timers, state and merging', () => {
    const seen = new ValueStateDescriptor<number>('seen');
    const trigger = toTrigger<number, TimeWindow>({
      onElement(_e, _ts, window, ctx) {
        const state = ctx.getPartitionedState(seen);
        state.update((state.value() ?? 0) + 1);
        ctx.registerEventTimeTimer(window.maxTimestamp());
        return TriggerResult.CONTINUE;
      },
      onEventTime: (time, window) => (time === window.maxTimestamp() ? 'fire' : 'continue'),
      onMerge: (window, ctx) => ctx.registerEventTimeTimer(window.maxTimestamp()),
      clear(window, ctx) {
        ctx.deleteEventTimeTimer(window.maxTimestamp());
        ctx.getPartitionedState(seen).clear();
      },
    });
    expect(trigger.canMerge()).toBe(true);
    const h = new TestingTriggerHarness(trigger);
    h.processElement(1, 1, tw(0, 10));
    h.processElement(1, 2, tw(0, 10));
    expect(h.numStateEntries(tw(0, 10))).toBe(1);
    h.mergeWindows(tw(0, 20), [tw(0, 10)]);
    expect(h.numStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.advanceWatermark(19)).toEqual([[tw(0, 20), 'fire']]);
  });

  it('rejects a decision that is not a TriggerResult', () => {
    const trigger = toTrigger<unknown, TimeWindow>({ onElement: () => 'FIRE' as unknown as TriggerResult });
    expect(() => new TestingTriggerHarness(trigger).processElement(1, 1, tw(0, 2))).toThrow(
      /trigger onElement returned "FIRE"; return one of TriggerResult.CONTINUE/,
    );
    const none = toTrigger<unknown, TimeWindow>({
      onElement: () => 'continue',
      onEventTime: () => undefined as unknown as TriggerResult,
    });
    expect(() => new TestingTriggerHarness(none).invokeOnEventTime(1, tw(0, 2))).toThrow(
      /returned undefined/,
    );
  });

  it('rejects something that is not a trigger', () => {
    expect(() => toTrigger({} as never)).toThrow(/onElement/);
    expect(() => toTrigger(null as never)).toThrow(/onElement/);
  });
});
