import { describe, expect, it } from 'vitest';

import { Time } from '../../common/time.js';
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { DynamicProcessingTimeSessionWindows } from './dynamic-processing-time-session-windows.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';
import { ProcessingTimeSessionWindows } from './processing-time-session-windows.js';
import { SlidingProcessingTimeWindows } from './sliding-processing-time-windows.js';
import { TumblingProcessingTimeWindows } from './tumbling-processing-time-windows.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const at = (now: number): { getCurrentProcessingTime(): number } => ({ getCurrentProcessingTime: () => now });

describe('TumblingProcessingTimeWindows', () => {
  it('assigns by the processing-time clock, ignoring the record timestamp', () => {
    const assigner = TumblingProcessingTimeWindows.of(5000);
    expect(assigner.assignWindows('String', Number.MIN_SAFE_INTEGER, at(0))).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', undefined, at(4999))).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', 0, at(5000))).toEqual([tw(5000, 10000)]);
  });

  it('applies positive and negative offsets', () => {
    const plus = TumblingProcessingTimeWindows.of(5000, 100);
    expect(plus.assignWindows('String', 0, at(100))).toEqual([tw(100, 5100)]);
    expect(plus.assignWindows('String', 0, at(5099))).toEqual([tw(100, 5100)]);
    expect(plus.assignWindows('String', 0, at(5100))).toEqual([tw(5100, 10100)]);
    const minus = TumblingProcessingTimeWindows.of(5000, -100);
    expect(minus.assignWindows('String', 0, at(0))).toEqual([tw(-100, 4900)]);
    expect(minus.assignWindows('String', 0, at(4899))).toEqual([tw(-100, 4900)]);
    expect(minus.assignWindows('String', 0, at(4900))).toEqual([tw(4900, 9900)]);
  });

  it('rejects size <= 0 and |offset| >= size', () => {
    const message = 'TumblingProcessingTimeWindows parameters must satisfy abs(offset) < size';
    expect(() => TumblingProcessingTimeWindows.of(Time.seconds(-1))).toThrow(message);
    expect(() => TumblingProcessingTimeWindows.of(Time.seconds(10), Time.seconds(20))).toThrow(message);
    expect(() => TumblingProcessingTimeWindows.of(Time.seconds(10), Time.seconds(-11))).toThrow(message);
  });

  it('is processing time with ProcessingTimeTrigger by default', () => {
    const assigner = TumblingProcessingTimeWindows.of(Time.seconds(5), Time.milliseconds(100));
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
  });
});

describe('SlidingProcessingTimeWindows', () => {
  it('assigns every window containing now, latest start first', () => {
    const assigner = SlidingProcessingTimeWindows.of(5000, 1000);
    expect(assigner.assignWindows('String', undefined, at(0))).toEqual([
      tw(0, 5000),
      tw(-1000, 4000),
      tw(-2000, 3000),
      tw(-3000, 2000),
      tw(-4000, 1000),
    ]);
    expect(assigner.assignWindows('String', undefined, at(5000))).toEqual([
      tw(5000, 10000),
      tw(4000, 9000),
      tw(3000, 8000),
      tw(2000, 7000),
      tw(1000, 6000),
    ]);
  });

  it('applies offsets', () => {
    const assigner = SlidingProcessingTimeWindows.of(5000, 1000, -100);
    expect(assigner.assignWindows('String', undefined, at(4900))).toEqual([
      tw(4900, 9900),
      tw(3900, 8900),
      tw(2900, 7900),
      tw(1900, 6900),
      tw(900, 5900),
    ]);
  });

  it('rejects |offset| >= slide, size <= 0 and slide <= 0', () => {
    const message = 'SlidingProcessingTimeWindows parameters must satisfy abs(offset) < slide and size > 0';
    expect(() => SlidingProcessingTimeWindows.of(Time.seconds(-2), Time.seconds(1))).toThrow(message);
    expect(() => SlidingProcessingTimeWindows.of(Time.seconds(2), Time.seconds(-1))).toThrow(message);
    expect(() =>
      SlidingProcessingTimeWindows.of(Time.seconds(20), Time.seconds(10), Time.seconds(11)),
    ).toThrow(message);
    expect(() =>
      SlidingProcessingTimeWindows.of(Time.seconds(20), Time.seconds(10), Time.seconds(-11)),
    ).toThrow(message);
  });

  it('is processing time with ProcessingTimeTrigger by default', () => {
    const assigner = SlidingProcessingTimeWindows.of(Time.seconds(5), Time.milliseconds(100));
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
  });
});

describe('ProcessingTimeSessionWindows', () => {
  it('opens [now, now + gap)', () => {
    const assigner = ProcessingTimeSessionWindows.withGap(5000);
    expect(assigner.assignWindows('String', undefined, at(0))).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', 123, at(4999))).toEqual([tw(4999, 9999)]);
    expect(assigner.assignWindows('String', undefined, at(5000))).toEqual([tw(5000, 10000)]);
  });

  it('merges touching and covered windows', () => {
    const calls: Array<[TimeWindow[], TimeWindow]> = [];
    ProcessingTimeSessionWindows.withGap(5000).mergeWindows(
      [tw(0, 1), tw(1, 2), tw(2, 3), tw(4, 5), tw(5, 6)],
      (merged, result) => calls.push([merged, result]),
    );
    expect(calls.map(([, r]) => r)).toEqual([tw(0, 3), tw(4, 6)]);
  });

  it('rejects a gap <= 0', () => {
    expect(() => ProcessingTimeSessionWindows.withGap(Time.seconds(-1))).toThrow(
      'ProcessingTimeSessionWindows parameters must satisfy 0 < size',
    );
    expect(() => ProcessingTimeSessionWindows.withGap(0)).toThrow(/0 < size/);
  });

  it('is a merging processing-time assigner with ProcessingTimeTrigger by default', () => {
    const assigner = ProcessingTimeSessionWindows.withGap(Time.seconds(5));
    expect(assigner).toBeInstanceOf(MergingWindowAssigner);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
  });
});

describe('DynamicProcessingTimeSessionWindows', () => {
  it('takes the gap from each element and the start from the clock', () => {
    const gaps: Record<string, number> = { gap5000: 5000, gap4000: 4000, gap9000: 9000 };
    const assigner = ProcessingTimeSessionWindows.withDynamicGap((e: string) => gaps[e]!);
    expect(assigner).toBeInstanceOf(DynamicProcessingTimeSessionWindows);
    expect(assigner.assignWindows('gap5000', undefined, at(0))).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('gap4000', undefined, at(4999))).toEqual([tw(4999, 8999)]);
    expect(assigner.assignWindows('gap9000', undefined, at(5000))).toEqual([tw(5000, 14000)]);
  });

  it('rejects a gap <= 0 when the element is assigned', () => {
    const assigner = DynamicProcessingTimeSessionWindows.withDynamicGap({ extract: () => -1 });
    expect(() => assigner.assignWindows('x', undefined, at(1))).toThrow(/0 < gap/);
  });

  it('is processing time with ProcessingTimeTrigger by default', () => {
    const assigner = ProcessingTimeSessionWindows.withDynamicGap(() => 1);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
  });
});
