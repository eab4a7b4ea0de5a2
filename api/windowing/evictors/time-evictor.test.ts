import { describe, expect, it } from 'vitest';

import { TimeWindow } from '../windows/time-window.js';
import type { EvictorContext, TimestampedValue } from './evictor.js';
import { TimeEvictor } from './time-evictor.js';

const window = new TimeWindow(0, 10_000);
const ctx: EvictorContext = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const at = (...timestamps: Array<number | undefined>): Array<TimestampedValue<string>> =>
  timestamps.map((timestamp, i) => ({ value: `e${i}`, timestamp }));

describe('TimeEvictor', () => {
  it('keeps elements with timestamp > newest - windowSize, in any arrival order', () => {
    const es = at(1000, 4000, 2999, 3000, 5000, 2000);
    TimeEvictor.of(2000).evictBefore(es, es.length, window, ctx);
    expect(es.map((e) => e.timestamp)).toEqual([4000, 5000]);

    const boundary = at(3000, 3001, 5000);
    TimeEvictor.of(2000).evictBefore(boundary, boundary.length, window, ctx);
    expect(boundary.map((e) => e.timestamp)).toEqual([3001, 5000]); // 3000 = cutoff is evicted
  });

  it('evicts after the window function when asked to', () => {
    const es = at(0, 10, 20);
    const evictor = TimeEvictor.of(10, true);
    evictor.evictBefore(es, es.length, window, ctx);
    expect(es).toHaveLength(3);
    evictor.evictAfter(es, es.length, window, ctx);
    expect(es.map((e) => e.timestamp)).toEqual([20]);
  });

  it('works with negative timestamps', () => {
    const es = at(-5000, -3000, -1000);
    TimeEvictor.of(2500).evictBefore(es, es.length, window, ctx);
    expect(es.map((e) => e.timestamp)).toEqual([-3000, -1000]);
  });

  it('leaves windows without timestamps (judged by the first element) alone', () => {
    const es = at(undefined, undefined);
    TimeEvictor.of(1).evictBefore(es, es.length, window, ctx);
    expect(es).toHaveLength(2);
    const empty = at();
    TimeEvictor.of(1).evictBefore(empty, 0, window, ctx);
    expect(empty).toEqual([]);
  });

  it('fails clearly when only some elements have timestamps', () => {
    const es = at(1, undefined);
    expect(() => TimeEvictor.of(1).evictBefore(es, es.length, window, ctx)).toThrow(/without a timestamp/);
  });

  it('rejects a negative or fractional window size', () => {
    expect(() => TimeEvictor.of(-1)).toThrow(/windowSize must be >= 0/);
    expect(() => TimeEvictor.of(0.5)).toThrow(/integer number of milliseconds/);
    expect(TimeEvictor.of(7).getWindowSize()).toBe(7);
  });
});
