import { describe, expect, it } from 'vitest';

import { TimeWindow } from '../windows/time-window.js';
import { CountEvictor } from './count-evictor.js';
import type { EvictorContext, TimestampedValue } from './evictor.js';

const window = new TimeWindow(0, 100);
const ctx: EvictorContext = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const elements = (n: number): Array<TimestampedValue<number>> =>
  Array.from({ length: n }, (_, i) => ({ value: i, timestamp: i }));

describe('CountEvictor', () => {
  it('keeps the newest maxCount elements, evicting before the window function by default', () => {
    const evictor = CountEvictor.of(3);
    const es = elements(5);
    evictor.evictAfter(es, es.length, window, ctx);
    expect(es).toHaveLength(5);
    evictor.evictBefore(es, es.length, window, ctx);
    expect(es.map((e) => e.value)).toEqual([2, 3, 4]);
  });

  it('evicts after the window function when asked to', () => {
    const evictor = CountEvictor.of(2, true);
    const es = elements(4);
    evictor.evictBefore(es, es.length, window, ctx);
    expect(es).toHaveLength(4);
    evictor.evictAfter(es, es.length, window, ctx);
    expect(es.map((e) => e.value)).toEqual([2, 3]);
  });

  it('leaves windows with at most maxCount elements alone', () => {
    const es = elements(3);
    CountEvictor.of(3).evictBefore(es, es.length, window, ctx);
    expect(es).toHaveLength(3);
    const empty: Array<TimestampedValue<number>> = [];
    CountEvictor.of(3).evictBefore(empty, 0, window, ctx);
    expect(empty).toEqual([]);
  });

  it('evicts everything with maxCount 0', () => {
    const es = elements(3);
    CountEvictor.of(0).evictBefore(es, es.length, window, ctx);
    expect(es).toEqual([]);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => CountEvictor.of(-1)).toThrow(/maxCount must be >= 0/);
    expect(() => CountEvictor.of(1.5)).toThrow(/integer/);
    expect(CountEvictor.of(4).getMaxCount()).toBe(4);
  });
});
