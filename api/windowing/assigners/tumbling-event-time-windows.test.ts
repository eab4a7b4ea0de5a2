import { describe, expect, it } from 'vitest';

import { Time } from '../../common/time.js';
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { TumblingEventTimeWindows } from './tumbling-event-time-windows.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const ctx = { getCurrentProcessingTime: (): number => 123_456 };

describe('TumblingEventTimeWindows', () => {
  it('assigns each timestamp to the one window [k*size, (k+1)*size) containing it', () => {
    const assigner = TumblingEventTimeWindows.of(5000);
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', 4999, ctx)).toEqual([tw(0, 5000)]);
    expect(assigner.assignWindows('String', 5000, ctx)).toEqual([tw(5000, 10000)]);
  });

  it('assigns negative timestamps to the window below zero', () => {
    const assigner = TumblingEventTimeWindows.of(5000);
    expect(assigner.assignWindows('String', -1, ctx)).toEqual([tw(-5000, 0)]);
    expect(assigner.assignWindows('String', -5000, ctx)).toEqual([tw(-5000, 0)]);
    expect(assigner.assignWindows('String', -5001, ctx)).toEqual([tw(-10000, -5000)]);
  });

  it('shifts windows by a positive global offset', () => {
    const assigner = TumblingEventTimeWindows.of(5000, 100);
    expect(assigner.assignWindows('String', 100, ctx)).toEqual([tw(100, 5100)]);
    expect(assigner.assignWindows('String', 5099, ctx)).toEqual([tw(100, 5100)]);
    expect(assigner.assignWindows('String', 5100, ctx)).toEqual([tw(5100, 10100)]);
    expect(assigner.assignWindows('String', 99, ctx)).toEqual([tw(-4900, 100)]);
  });

  it('shifts windows by a negative global offset', () => {
    const assigner = TumblingEventTimeWindows.of(5000, -100);
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([tw(-100, 4900)]);
    expect(assigner.assignWindows('String', 4899, ctx)).toEqual([tw(-100, 4900)]);
    expect(assigner.assignWindows('String', 4900, ctx)).toEqual([tw(4900, 9900)]);
  });

  it('works with Time helpers (other units)', () => {
    const assigner = TumblingEventTimeWindows.of(Time.seconds(5), Time.seconds(1));
    expect(assigner.assignWindows('String', 1000, ctx)).toEqual([tw(1000, 6000)]);
    expect(assigner.assignWindows('String', 5999, ctx)).toEqual([tw(1000, 6000)]);
    expect(assigner.assignWindows('String', 6000, ctx)).toEqual([tw(6000, 11000)]);
  });

  it('rejects size <= 0 and |offset| >= size', () => {
    expect(() => TumblingEventTimeWindows.of(Time.seconds(-1))).toThrow(
      'TumblingEventTimeWindows parameters must satisfy abs(offset) < size',
    );
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/abs\(offset\) < size/);
    expect(() => TumblingEventTimeWindows.of(Time.seconds(10), Time.seconds(20))).toThrow(
      /abs\(offset\) < size/,
    );
    expect(() => TumblingEventTimeWindows.of(Time.seconds(10), Time.seconds(-11))).toThrow(
      /abs\(offset\) < size/,
    );
    expect(() => TumblingEventTimeWindows.of(Time.seconds(10), Time.seconds(10))).toThrow(
      /abs\(offset\) < size/,
    );
    expect(() => TumblingEventTimeWindows.of(Time.seconds(10), Time.seconds(-10))).toThrow(
      /abs\(offset\) < size/,
    );
  });

  it('rejects sizes and offsets that are not whole milliseconds', () => {
    expect(() => TumblingEventTimeWindows.of(Number.NaN)).toThrow(/integer number of milliseconds/);
    expect(() => TumblingEventTimeWindows.of(2.5)).toThrow(/integer number of milliseconds/);
    expect(() => TumblingEventTimeWindows.of(Number.POSITIVE_INFINITY)).toThrow(/integer/);
    expect(() => TumblingEventTimeWindows.of(1000, 0.5)).toThrow(/offset must be an integer/);
  });

  it('carries a user error code', () => {
    try {
      TumblingEventTimeWindows.of(-1);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_WINDOW_ARGUMENT', domain: 'user' });
    }
  });

  it('fails clearly for a record without a timestamp', () => {
    const assigner = TumblingEventTimeWindows.of(5000);
    expect(() => assigner.assignWindows('String', undefined, ctx)).toThrow(/assignTimestampsAndWatermarks/);
  });

  it('is event time with EventTimeTrigger by default', () => {
    const assigner = TumblingEventTimeWindows.of(Time.seconds(5), Time.milliseconds(100));
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect(assigner.getSize()).toBe(5000);
    expect(String(assigner)).toBe('TumblingEventTimeWindows(5000)');
  });
});
