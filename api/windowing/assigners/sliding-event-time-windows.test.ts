import { describe, expect, it } from 'vitest';

import { Time } from '../../common/time.js';
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { SlidingEventTimeWindows } from './sliding-event-time-windows.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);
const ctx = { getCurrentProcessingTime: (): number => 0 };

describe('SlidingEventTimeWindows', () => {
  it('assigns every window containing the timestamp, latest start first', () => {
    const assigner = SlidingEventTimeWindows.of(5000, 1000);
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([
      tw(0, 5000),
      tw(-1000, 4000),
      tw(-2000, 3000),
      tw(-3000, 2000),
      tw(-4000, 1000),
    ]);
    expect(assigner.assignWindows('String', 4999, ctx)).toEqual([
      tw(4000, 9000),
      tw(3000, 8000),
      tw(2000, 7000),
      tw(1000, 6000),
      tw(0, 5000),
    ]);
    expect(assigner.assignWindows('String', 5000, ctx)).toEqual([
      tw(5000, 10000),
      tw(4000, 9000),
      tw(3000, 8000),
      tw(2000, 7000),
      tw(1000, 6000),
    ]);
  });

  it('shifts windows by a positive offset', () => {
    const assigner = SlidingEventTimeWindows.of(5000, 1000, 100);
    expect(assigner.assignWindows('String', 100, ctx)).toEqual([
      tw(100, 5100),
      tw(-900, 4100),
      tw(-1900, 3100),
      tw(-2900, 2100),
      tw(-3900, 1100),
    ]);
    expect(assigner.assignWindows('String', 5099, ctx)).toEqual([
      tw(4100, 9100),
      tw(3100, 8100),
      tw(2100, 7100),
      tw(1100, 6100),
      tw(100, 5100),
    ]);
    expect(assigner.assignWindows('String', 5100, ctx)).toEqual([
      tw(5100, 10100),
      tw(4100, 9100),
      tw(3100, 8100),
      tw(2100, 7100),
      tw(1100, 6100),
    ]);
  });

  it('shifts windows by a negative offset', () => {
    const assigner = SlidingEventTimeWindows.of(5000, 1000, -100);
    expect(assigner.assignWindows('String', 0, ctx)).toEqual([
      tw(-100, 4900),
      tw(-1100, 3900),
      tw(-2100, 2900),
      tw(-3100, 1900),
      tw(-4100, 900),
    ]);
    expect(assigner.assignWindows('String', 4899, ctx)).toEqual([
      tw(3900, 8900),
      tw(2900, 7900),
      tw(1900, 6900),
      tw(900, 5900),
      tw(-100, 4900),
    ]);
    expect(assigner.assignWindows('String', 4900, ctx)).toEqual([
      tw(4900, 9900),
      tw(3900, 8900),
      tw(2900, 7900),
      tw(1900, 6900),
      tw(900, 5900),
    ]);
  });

  it('handles negative timestamps', () => {
    const assigner = SlidingEventTimeWindows.of(3000, 1000);
    expect(assigner.assignWindows('String', -1, ctx)).toEqual([
      tw(-1000, 2000),
      tw(-2000, 1000),
      tw(-3000, 0),
    ]);
    expect(assigner.assignWindows('String', -1000, ctx)).toEqual([
      tw(-1000, 2000),
      tw(-2000, 1000),
      tw(-3000, 0),
    ]);
  });

  it('works with Time helpers and a size that is not a multiple of the slide', () => {
    const assigner = SlidingEventTimeWindows.of(Time.seconds(5), Time.seconds(1), Time.milliseconds(500));
    expect(assigner.assignWindows('String', 100, ctx)).toEqual([
      tw(-500, 4500),
      tw(-1500, 3500),
      tw(-2500, 2500),
      tw(-3500, 1500),
      tw(-4500, 500),
    ]);
    expect(assigner.assignWindows('String', 5499, ctx)).toEqual([
      tw(4500, 9500),
      tw(3500, 8500),
      tw(2500, 7500),
      tw(1500, 6500),
      tw(500, 5500),
    ]);
    const uneven = SlidingEventTimeWindows.of(2500, 1000);
    expect(uneven.assignWindows('String', 2100, ctx)).toEqual([tw(2000, 4500), tw(1000, 3500), tw(0, 2500)]);
    expect(uneven.assignWindows('String', 2600, ctx)).toEqual([tw(2000, 4500), tw(1000, 3500)]);
  });

  it('assigns one window per timestamp when slide equals size', () => {
    expect(SlidingEventTimeWindows.of(1000, 1000).assignWindows('x', 1500, ctx)).toEqual([tw(1000, 2000)]);
  });

  it('rejects |offset| >= slide, size <= 0 and slide <= 0', () => {
    const message = 'SlidingEventTimeWindows parameters must satisfy abs(offset) < slide and size > 0';
    expect(() => SlidingEventTimeWindows.of(Time.seconds(-2), Time.seconds(1))).toThrow(message);
    expect(() => SlidingEventTimeWindows.of(Time.seconds(2), Time.seconds(-1))).toThrow(message);
    expect(() => SlidingEventTimeWindows.of(Time.seconds(2), 0)).toThrow(message);
    expect(() => SlidingEventTimeWindows.of(Time.seconds(-20), Time.seconds(10), Time.seconds(-1))).toThrow(
      message,
    );
    expect(() => SlidingEventTimeWindows.of(Time.seconds(20), Time.seconds(10), Time.seconds(-11))).toThrow(
      message,
    );
    expect(() => SlidingEventTimeWindows.of(Time.seconds(20), Time.seconds(10), Time.seconds(11))).toThrow(
      message,
    );
    expect(() => SlidingEventTimeWindows.of(Time.seconds(20), Time.seconds(10), Time.seconds(10))).toThrow(
      message,
    );
    expect(() => SlidingEventTimeWindows.of(100, 10.5)).toThrow(/slide must be an integer/);
  });

  it('fails clearly for a record without a timestamp', () => {
    expect(() => SlidingEventTimeWindows.of(5000, 1000).assignWindows('x', undefined, ctx)).toThrow(
      /SlidingEventTimeWindows got a record without a timestamp/,
    );
  });

  it('is event time with EventTimeTrigger by default', () => {
    const assigner = SlidingEventTimeWindows.of(Time.seconds(5), Time.milliseconds(100));
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect([assigner.getSize(), assigner.getSlide()]).toEqual([5000, 100]);
    expect(String(assigner)).toBe('SlidingEventTimeWindows(5000, 100)');
  });
});
