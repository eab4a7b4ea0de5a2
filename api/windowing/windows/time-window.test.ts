import { describe, expect, it } from 'vitest';

import { TimeWindow } from './time-window.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);

function merges(windows: TimeWindow[]): Array<[TimeWindow[], TimeWindow]> {
  const calls: Array<[TimeWindow[], TimeWindow]> = [];
  TimeWindow.mergeWindows(windows, (toBeMerged, result) => calls.push([toBeMerged, result]));
  return calls;
}

describe('TimeWindow', () => {
  it('is [start, end) with maxTimestamp end - 1', () => {
    const w = tw(0, 5000);
    expect(w.maxTimestamp()).toBe(4999);
    expect(w.getStart()).toBe(0);
    expect(w.getEnd()).toBe(5000);
    expect(String(w)).toBe('TimeWindow{start=0, end=5000}');
  });

  it('compares by value', () => {
    expect(tw(1, 2).equals(tw(1, 2))).toBe(true);
    expect(tw(1, 2).equals(tw(1, 3))).toBe(false);
    expect(tw(1, 2).equals({ start: 1, end: 2 })).toBe(false);
  });

  it('intersects overlapping and touching windows, not separated ones', () => {
    expect(tw(0, 5).intersects(tw(3, 8))).toBe(true);
    expect(tw(0, 5).intersects(tw(5, 8))).toBe(true); // touching
    expect(tw(5, 8).intersects(tw(0, 5))).toBe(true);
    expect(tw(0, 5).intersects(tw(6, 8))).toBe(false);
    expect(tw(1, 2).intersects(tw(0, 10))).toBe(true); // contained
  });

  it('covers two windows with the smallest window spanning both', () => {
    expect(tw(0, 5).cover(tw(3, 8))).toEqual(tw(0, 8));
    expect(tw(3, 8).cover(tw(0, 5))).toEqual(tw(0, 8));
    expect(tw(0, 10).cover(tw(2, 3))).toEqual(tw(0, 10));
    expect(tw(0, 1).cover(tw(5, 6))).toEqual(tw(0, 6));
  });

  it('of() hands out one shared window per (start, end), equal to a new one', () => {
    const window = TimeWindow.of(-5_000, 5_000);
    expect(TimeWindow.of(-5_000, 5_000)).toBe(window);
    expect(window).toEqual(new TimeWindow(-5_000, 5_000));
    expect(TimeWindow.of(-5_000, 5_001)).not.toBe(window);
    expect(TimeWindow.of(-5_000, 5_001).maxTimestamp()).toBe(5_000);
    // Far-apart and unsafe-for-int32 bounds still name their own window.
    const late = TimeWindow.of(1_700_000_000_000, 1_700_000_010_000);
    expect([late.start, late.end]).toEqual([1_700_000_000_000, 1_700_000_010_000]);
  });

  describe('getWindowStartWithOffset', () => {
    it('aligns to multiples of the size without offset', () => {
      for (let ts = 0; ts < 7; ts++) expect(TimeWindow.getWindowStartWithOffset(ts, 0, 7)).toBe(0);
      expect(TimeWindow.getWindowStartWithOffset(7, 0, 7)).toBe(7);
      expect(TimeWindow.getWindowStartWithOffset(13, 0, 7)).toBe(7);
    });

    it('rounds negative timestamps down, not towards zero', () => {
      expect(TimeWindow.getWindowStartWithOffset(-1, 0, 7)).toBe(-7);
      expect(TimeWindow.getWindowStartWithOffset(-7, 0, 7)).toBe(-7);
      expect(TimeWindow.getWindowStartWithOffset(-8, 0, 7)).toBe(-14);
      expect(TimeWindow.getWindowStartWithOffset(-5000, 0, 5000)).toBe(-5000);
      expect(TimeWindow.getWindowStartWithOffset(-4999, 0, 5000)).toBe(-5000);
    });

    it('shifts windows by a positive offset', () => {
      expect(TimeWindow.getWindowStartWithOffset(2, 2, 7)).toBe(2);
      expect(TimeWindow.getWindowStartWithOffset(3, 2, 7)).toBe(2);
      expect(TimeWindow.getWindowStartWithOffset(8, 2, 7)).toBe(2);
      expect(TimeWindow.getWindowStartWithOffset(9, 2, 7)).toBe(9);
      expect(TimeWindow.getWindowStartWithOffset(1, 2, 7)).toBe(-5);
      expect(TimeWindow.getWindowStartWithOffset(-4, 2, 7)).toBe(-5);
      expect(TimeWindow.getWindowStartWithOffset(-5, 2, 7)).toBe(-5);
      expect(TimeWindow.getWindowStartWithOffset(-6, 2, 7)).toBe(-12);
    });

    it('shifts windows by a negative offset', () => {
      expect(TimeWindow.getWindowStartWithOffset(-1, -1, 7)).toBe(-1);
      expect(TimeWindow.getWindowStartWithOffset(5, -1, 7)).toBe(-1);
      expect(TimeWindow.getWindowStartWithOffset(6, -1, 7)).toBe(6);
      expect(TimeWindow.getWindowStartWithOffset(-2, -1, 7)).toBe(-8);
    });
  });

  describe('mergeWindows', () => {
    it('does not call back for a single window, even a single-point one', () => {
      expect(merges([tw(0, 0)])).toEqual([]);
      expect(merges([tw(0, 1)])).toEqual([]);
      expect(merges([])).toEqual([]);
    });

    it('merges consecutive (touching) windows into separate runs', () => {
      const calls = merges([tw(0, 1), tw(1, 2), tw(2, 3), tw(4, 5), tw(5, 6)]);
      expect(calls).toEqual([
        [[tw(0, 1), tw(1, 2), tw(2, 3)], tw(0, 3)],
        [[tw(4, 5), tw(5, 6)], tw(4, 6)],
      ]);
    });

    it('merges windows covered by another window', () => {
      const calls = merges([tw(1, 1), tw(0, 2), tw(4, 7), tw(5, 6)]);
      expect(calls).toHaveLength(2);
      expect(calls[0]![1]).toEqual(tw(0, 2));
      expect(calls[0]![0]).toEqual(expect.arrayContaining([tw(1, 1), tw(0, 2)]));
      expect(calls[0]![0]).toHaveLength(2);
      expect(calls[1]![1]).toEqual(tw(4, 7));
      expect(calls[1]![0]).toEqual(expect.arrayContaining([tw(4, 7), tw(5, 6)]));
    });

    it('sorts by start first, whatever the input order', () => {
      const calls = merges([tw(10, 13), tw(0, 3), tw(5, 8), tw(3, 5)]);
      expect(calls).toEqual([[[tw(0, 3), tw(3, 5), tw(5, 8)], tw(0, 8)]]);
    });

    it('leaves separated windows alone', () => {
      expect(merges([tw(0, 3), tw(4, 7), tw(8, 11)])).toEqual([]);
    });

    it('counts equal windows once, so a duplicate alone is no merge', () => {
      expect(merges([tw(0, 4), tw(0, 4)])).toEqual([]);
      expect(merges([tw(0, 4), tw(3, 6), tw(0, 4)])).toEqual([[[tw(0, 4), tw(3, 6)], tw(0, 6)]]);
    });

    it('chains through the growing cover', () => {
      // (0,10) reaches (9,12), which the earlier (2,3) alone would not.
      expect(merges([tw(0, 10), tw(2, 3), tw(9, 12), tw(12, 14)])).toEqual([
        [[tw(0, 10), tw(2, 3), tw(9, 12), tw(12, 14)], tw(0, 14)],
      ]);
    });
  });
});
