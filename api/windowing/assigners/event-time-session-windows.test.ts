import { describe, expect, it } from 'vitest';

import { Time } from '../../common/time.js';
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { DynamicEventTimeSessionWindows } from './dynamic-event-time-session-windows.js';
import { EventTimeSessionWindows } from './event-time-session-windows.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const ctx = { getCurrentProcessingTime: (): number => 0 };

function merges(
  assigner: MergingWindowAssigner<never, TimeWindow>,
  windows: TimeWindow[],
): Array<[TimeWindow[], TimeWindow]> {
  const calls: Array<[TimeWindow[], TimeWindow]> = [];
  assigner.mergeWindows(windows, (toBeMerged, result) => calls.push([toBeMerged, result]));
  return calls;
}

/** Compares as multisets: same windows, any order, duplicates counted. */
function sameWindows(actual: TimeWindow[], expected: TimeWindow[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining(expected));
}

describe('EventTimeSessionWindows', () => {
  it('opens [timestamp, timestamp + gap) for each element', () => {
    const assigner = EventTimeSessionWindows.withGap(5000);
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', 4999, ctx)).toEqual([tw(4999, 9999)]);
    expect(assigner.assignWindows('String', 5000, ctx)).toEqual([tw(5000, 10000)]);
    expect(assigner.assignWindows('String', -3, ctx)).toEqual([tw(-3, 4997)]);
  });

  it('works with Time helpers', () => {
    const assigner = EventTimeSessionWindows.withGap(Time.seconds(5));
    expect(assigner.assignWindows('String', 4999, ctx)).toEqual([tw(4999, 9999)]);
    expect(assigner.getGap()).toBe(5000);
  });

  it('does not merge a single window, even a single-point one', () => {
    const assigner = EventTimeSessionWindows.withGap(5000);
    expect(merges(assigner, [tw(0, 0)])).toEqual([]);
    expect(merges(assigner, [tw(0, 1)])).toEqual([]);
  });

  it('merges consecutive windows that touch', () => {
    const calls = merges(EventTimeSessionWindows.withGap(5000), [
      tw(0, 1),
      tw(1, 2),
      tw(2, 3),
      tw(4, 5),
      tw(5, 6),
    ]);
    expect(calls).toHaveLength(2);
    sameWindows(calls[0]![0], [tw(0, 1), tw(1, 2), tw(2, 3)]);
    expect(calls[0]![1]).toEqual(tw(0, 3));
    sameWindows(calls[1]![0], [tw(4, 5), tw(5, 6)]);
    expect(calls[1]![1]).toEqual(tw(4, 6));
  });

  it('merges windows into a window covering them', () => {
    const calls = merges(EventTimeSessionWindows.withGap(5000), [tw(1, 1), tw(0, 2), tw(4, 7), tw(5, 6)]);
    expect(calls).toHaveLength(2);
    sameWindows(calls[0]![0], [tw(1, 1), tw(0, 2)]);
    expect(calls[0]![1]).toEqual(tw(0, 2));
    sameWindows(calls[1]![0], [tw(5, 6), tw(4, 7)]);
    expect(calls[1]![1]).toEqual(tw(4, 7));
  });

  it("rejects a gap <= 0 with Flink's message", () => {
    expect(() => EventTimeSessionWindows.withGap(Time.seconds(-1))).toThrow(
      'EventTimeSessionWindows parameters must satisfy 0 < size',
    );
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow(/0 < size/);
    expect(() => EventTimeSessionWindows.withGap(Number.NaN)).toThrow(/integer number of milliseconds/);
  });

  it('fails clearly for a record without a timestamp', () => {
    expect(() => EventTimeSessionWindows.withGap(10).assignWindows('x', undefined, ctx)).toThrow(
      /assignTimestampsAndWatermarks/,
    );
  });

  it('is a merging event-time assigner with EventTimeTrigger by default', () => {
    const assigner = EventTimeSessionWindows.withGap(Time.seconds(5));
    expect(assigner).toBeInstanceOf(MergingWindowAssigner);
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect(String(assigner)).toBe('EventTimeSessionWindows(5000)');
  });
});

describe('DynamicEventTimeSessionWindows', () => {
  const gaps: Record<string, number> = { gap5000: 5000, gap4000: 4000, gap9000: 9000 };

  it('takes the gap from each element (function extractor)', () => {
    const assigner = EventTimeSessionWindows.withDynamicGap((e: string) => gaps[e]!);
    expect(assigner).toBeInstanceOf(DynamicEventTimeSessionWindows);
    expect(assigner.assignWindows('gap5000', 0, ctx)).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('gap4000', 4999, ctx)).toEqual([tw(4999, 8999)]);
    expect(assigner.assignWindows('gap9000', 5000, ctx)).toEqual([tw(5000, 14000)]);
  });

  it('accepts an object with extract()', () => {
    const assigner = DynamicEventTimeSessionWindows.withDynamicGap({ extract: (e: string) => gaps[e]! });
    expect(assigner.assignWindows('gap4000', 10, ctx)).toEqual([tw(10, 4010)]);
  });

  it('merges like fixed-gap sessions', () => {
    const assigner = EventTimeSessionWindows.withDynamicGap(() => 5000);
    expect(merges(assigner, [tw(0, 0)])).toEqual([]);
    expect(merges(assigner, [tw(0, 1)])).toEqual([]);
    const consecutive = merges(assigner, [tw(0, 1), tw(1, 2), tw(2, 3), tw(4, 5), tw(5, 6)]);
    expect(consecutive.map(([, r]) => r)).toEqual([tw(0, 3), tw(4, 6)]);
    sameWindows(consecutive[0]![0], [tw(0, 1), tw(1, 2), tw(2, 3)]);
    sameWindows(consecutive[1]![0], [tw(4, 5), tw(5, 6)]);
    const covering = merges(assigner, [tw(1, 1), tw(0, 2), tw(4, 7), tw(5, 6)]);
    expect(covering.map(([, r]) => r)).toEqual([tw(0, 2), tw(4, 7)]);
  });

  it('rejects a gap <= 0 (or not a number) when the element is assigned', () => {
    const negative = EventTimeSessionWindows.withDynamicGap(() => -1);
    expect(() => negative.assignWindows([{}], 1, ctx)).toThrow(/0 < gap/);
    const zero = EventTimeSessionWindows.withDynamicGap(() => 0);
    expect(() => zero.assignWindows('x', 1, ctx)).toThrow(/returned 0/);
    const text = EventTimeSessionWindows.withDynamicGap(() => '5' as unknown as number);
    expect(() => text.assignWindows('x', 1, ctx)).toThrow(/returned '5'/);
    try {
      negative.assignWindows('x', 1, ctx);
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_WINDOW_ARGUMENT' });
    }
  });

  it('rejects an extractor that is neither a function nor has extract()', () => {
    expect(() => EventTimeSessionWindows.withDynamicGap({} as never)).toThrow(/extract/);
  });

  it('is event time with EventTimeTrigger by default', () => {
    const assigner = EventTimeSessionWindows.withDynamicGap(() => 5000);
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
  });
});
