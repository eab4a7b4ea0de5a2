import { describe, expect, it } from 'vitest';

import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';
import { parseWindowNamespace, windowNamespace } from './window-namespace.js';
import { Window } from './window.js';

describe('window namespaces', () => {
  it('names time windows t:<start>:<end> and round-trips them, negatives included', () => {
    expect(windowNamespace(new TimeWindow(0, 5000))).toBe('t:0:5000');
    expect(windowNamespace(new TimeWindow(-100, 4900))).toBe('t:-100:4900');
    expect(windowNamespace(new TimeWindow(-9000, -4000))).toBe('t:-9000:-4000');
    for (const w of [new TimeWindow(0, 5000), new TimeWindow(-100, 4900), new TimeWindow(-9000, -4000)]) {
      expect(parseWindowNamespace(windowNamespace(w))).toEqual(w);
    }
  });

  it('names the global window g and parses it back to the singleton', () => {
    expect(windowNamespace(GlobalWindow.get())).toBe('g');
    expect(parseWindowNamespace('g')).toBe(GlobalWindow.get());
  });

  it('rejects strings that are not window namespaces', () => {
    for (const bad of ['', 'x', 't:', 't:1', 't:1:', 't::2', 't:a:b', 't:1:2:3', 't:1.5:2', 'G']) {
      expect(() => parseWindowNamespace(bad), bad).toThrow(/is not a window namespace/);
    }
  });

  it('refuses windows it has no stable name for', () => {
    class CustomWindow extends Window {
      maxTimestamp(): number {
        return 0;
      }
      equals(other: unknown): boolean {
        return other === this;
      }
      toString(): string {
        return 'CustomWindow';
      }
    }
    expect(() => windowNamespace(new CustomWindow())).toThrow(/only TimeWindow and GlobalWindow/);
  });
});

describe('GlobalWindow', () => {
  it('is a singleton that ends with event time', () => {
    expect(GlobalWindow.get()).toBe(GlobalWindow.get());
    expect(GlobalWindow.get().maxTimestamp()).toBe(Number.MAX_SAFE_INTEGER);
    expect(GlobalWindow.get().equals(GlobalWindow.get())).toBe(true);
    expect(GlobalWindow.get().equals(new TimeWindow(0, 1))).toBe(false);
  });
});
