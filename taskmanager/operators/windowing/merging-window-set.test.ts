import { beforeEach, describe, expect, it } from 'vitest';

import { EventTimeSessionWindows } from '../../../api/windowing/assigners/event-time-session-windows.js';
import { MergingWindowAssigner } from '../../../api/windowing/assigners/merging-window-assigner.js';
import { EventTimeTrigger } from '../../../api/windowing/triggers/event-time-trigger.js';
import type { Trigger } from '../../../api/windowing/triggers/trigger.js';
import { TimeWindow, type MergeCallback } from '../../../api/windowing/windows/time-window.js';
import { MergingWindowSet, type MergeFunction } from './merging-window-set.js';

const tw = (start: number, end: number): TimeWindow => new TimeWindow(start, end);

/** Records the one merge an addWindow may perform. */
class TestingMergeFunction {
  target: TimeWindow | undefined;
  sources: TimeWindow[] | undefined;
  stateWindow: TimeWindow | undefined;
  mergedStateWindows: TimeWindow[] | undefined;

  readonly fn: MergeFunction<TimeWindow> = (target, sources, stateWindow, mergedStateWindows) => {
    if (this.target !== undefined) throw new Error('more than one merge for adding one window');
    this.target = target;
    this.sources = sources;
    this.stateWindow = stateWindow;
    this.mergedStateWindows = mergedStateWindows;
  };

  reset(): void {
    this.target = this.sources = this.stateWindow = this.mergedStateWindows = undefined;
  }

  hasMerged(): boolean {
    return this.target !== undefined;
  }
}

/** Misbehaving on purpose: merges windows lazily and grows the result, as Flink's test does. */
class NonEagerlyMergingWindowAssigner extends MergingWindowAssigner<unknown, TimeWindow> {
  constructor(private readonly sessionTimeout: number) {
    super();
  }
  assignWindows(_e: unknown, timestamp: number | undefined): TimeWindow[] {
    return [tw(timestamp!, timestamp! + this.sessionTimeout)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    let earliest: TimeWindow | undefined;
    for (const w of windows) if (earliest === undefined || w.start < earliest.start) earliest = w;
    if (earliest === undefined) return;
    const associated = windows.filter((w) => w.start < earliest.end && w.start >= earliest.start);
    if (associated.length > 1) callback(associated, tw(earliest.start, earliest.end + 1));
  }
}

const sessions = (): EventTimeSessionWindows => EventTimeSessionWindows.withGap(3);

describe('MergingWindowSet', () => {
  let merge: TestingMergeFunction;
  beforeEach(() => {
    merge = new TestingMergeFunction();
  });

  const add = (set: MergingWindowSet<TimeWindow>, w: TimeWindow): TimeWindow => {
    merge.reset();
    return set.addWindow(w, merge.fn);
  };

  it('stays consistent when the assigner merges non-overlapping windows lazily', () => {
    const set = new MergingWindowSet(new NonEagerlyMergingWindowAssigner(3000));
    for (const w of [tw(0, 2), tw(2, 5), tw(1, 2), tw(10, 12)]) {
      const result = add(set, w);
      expect(set.getStateWindow(result)).toBeDefined();
    }
  });

  it('merges incrementally and keeps the first state window', () => {
    const set = new MergingWindowSet(sessions());

    expect(add(set, tw(0, 4))).toEqual(tw(0, 4));
    expect(merge.hasMerged()).toBe(false);
    expect(set.getStateWindow(tw(0, 4))).toEqual(tw(0, 4));

    expect(add(set, tw(0, 4))).toEqual(tw(0, 4));
    expect(merge.hasMerged()).toBe(false);

    expect(add(set, tw(3, 5))).toEqual(tw(0, 5));
    expect(merge.hasMerged()).toBe(true);
    expect(merge.target).toEqual(tw(0, 5));
    expect(merge.stateWindow).toEqual(tw(0, 4));
    expect(merge.sources).toEqual([tw(0, 4)]);
    expect(merge.mergedStateWindows).toEqual([]);

    expect(add(set, tw(4, 6))).toEqual(tw(0, 6));
    expect(merge.hasMerged()).toBe(true);
    expect(merge.target).toEqual(tw(0, 6));
    expect(merge.stateWindow).toEqual(tw(0, 4));
    expect(merge.sources).toEqual([tw(0, 5)]);
    expect(merge.mergedStateWindows).toEqual([]);
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 4));

    // Windows inside the merged region change nothing.
    for (const w of [tw(1, 4), tw(0, 4), tw(3, 5), tw(4, 6)]) {
      expect(add(set, w)).toEqual(tw(0, 6));
      expect(merge.hasMerged()).toBe(false);
    }
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 4));

    // A second, separate session.
    expect(add(set, tw(11, 14))).toEqual(tw(11, 14));
    expect(merge.hasMerged()).toBe(false);
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 4));
    expect(set.getStateWindow(tw(11, 14))).toEqual(tw(11, 14));

    expect(add(set, tw(10, 13))).toEqual(tw(10, 14));
    expect(merge.target).toEqual(tw(10, 14));
    expect(merge.stateWindow).toEqual(tw(11, 14));
    expect(merge.sources).toEqual([tw(11, 14)]);
    expect(merge.mergedStateWindows).toEqual([]);

    expect(add(set, tw(12, 15))).toEqual(tw(10, 15));
    expect(merge.target).toEqual(tw(10, 15));
    expect(merge.stateWindow).toEqual(tw(11, 14));
    expect(merge.sources).toEqual([tw(10, 14)]);
    expect(merge.mergedStateWindows).toEqual([]);

    expect(add(set, tw(11, 14))).toEqual(tw(10, 15));
    expect(merge.hasMerged()).toBe(false);
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 4));
    expect(set.getStateWindow(tw(10, 15))).toEqual(tw(11, 14));

    set.retireWindow(tw(0, 6));
    expect(set.getStateWindow(tw(0, 6))).toBeUndefined();
    expect(set.getStateWindow(tw(10, 15))).toEqual(tw(11, 14));
  });

  it('bridges sessions with a late window, merging their state windows', () => {
    const set = new MergingWindowSet(sessions());
    for (const w of [tw(0, 3), tw(5, 8), tw(10, 13)]) {
      expect(add(set, w)).toEqual(w);
      expect(merge.hasMerged()).toBe(false);
      expect(set.getStateWindow(w)).toEqual(w);
    }

    expect(add(set, tw(8, 10))).toEqual(tw(5, 13));
    expect(merge.target).toEqual(tw(5, 13));
    expect([tw(5, 8), tw(10, 13)]).toContainEqual(merge.stateWindow);
    expect(merge.sources).toHaveLength(2);
    expect(merge.sources).toEqual(expect.arrayContaining([tw(5, 8), tw(10, 13)]));
    expect(merge.mergedStateWindows).toHaveLength(1);
    expect([tw(5, 8), tw(10, 13)]).toContainEqual(merge.mergedStateWindows![0]);
    expect(merge.mergedStateWindows).not.toContainEqual(merge.stateWindow);
    expect(set.getStateWindow(tw(0, 3))).toEqual(tw(0, 3));

    for (const w of [tw(5, 8), tw(8, 10), tw(10, 13)]) {
      expect(add(set, w)).toEqual(tw(5, 13));
      expect(merge.hasMerged()).toBe(false);
    }
    const bridgedState = set.getStateWindow(tw(5, 13));
    expect([tw(5, 8), tw(10, 13)]).toContainEqual(bridgedState);

    expect(add(set, tw(3, 5))).toEqual(tw(0, 13));
    expect(merge.target).toEqual(tw(0, 13));
    expect([tw(0, 3), bridgedState]).toContainEqual(merge.stateWindow);
    expect(merge.sources).toHaveLength(2);
    expect(merge.sources).toEqual(expect.arrayContaining([tw(0, 3), tw(5, 13)]));
    expect(merge.mergedStateWindows).toHaveLength(1);
    expect(merge.mergedStateWindows).not.toContainEqual(merge.stateWindow);
    expect(set.getStateWindow(tw(0, 13))).toEqual(merge.stateWindow);
    expect(set.size).toBe(1);
  });

  it('merges a large new window covering one existing window, keeping that state window', () => {
    const set = new MergingWindowSet(sessions());
    expect(add(set, tw(1, 2))).toEqual(tw(1, 2));
    expect(merge.hasMerged()).toBe(false);
    expect(add(set, tw(0, 3))).toEqual(tw(0, 3));
    expect(merge.hasMerged()).toBe(true);
    expect(merge.sources).toEqual([tw(1, 2)]);
    expect(set.getStateWindow(tw(0, 3))).toEqual(tw(1, 2));
  });

  it('does not merge a window identical to an existing one', () => {
    const set = new MergingWindowSet(sessions());
    expect(add(set, tw(1, 2))).toEqual(tw(1, 2));
    expect(merge.hasMerged()).toBe(false);
    expect(add(set, tw(1, 2))).toEqual(tw(1, 2));
    expect(merge.hasMerged()).toBe(false);
    expect(set.getStateWindow(tw(1, 2))).toEqual(tw(1, 2));
    expect(set.size).toBe(1);
  });

  it('merges a large new window covering several windows into one of their state windows', () => {
    const set = new MergingWindowSet(sessions());
    for (const w of [tw(1, 3), tw(5, 8), tw(10, 13)]) expect(add(set, w)).toEqual(w);
    expect(add(set, tw(0, 13))).toEqual(tw(0, 13));
    expect(merge.hasMerged()).toBe(true);
    expect(merge.mergedStateWindows).toHaveLength(2);
    const states = [tw(1, 3), tw(5, 8), tw(10, 13)];
    expect(states).toContainEqual(set.getStateWindow(tw(0, 13)));
    expect([...merge.mergedStateWindows!, merge.stateWindow]).toEqual(expect.arrayContaining(states));
  });

  it('keeps the state window of a merged session when an equal window is added again (dynamic gaps)', () => {
    // Flink re-maps the window to itself here, orphaning the contents kept under (0,3).
    const set = new MergingWindowSet(EventTimeSessionWindows.withDynamicGap((gap: number) => gap));
    add(set, tw(0, 3));
    expect(add(set, tw(2, 6))).toEqual(tw(0, 6));
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 3));
    expect(add(set, tw(0, 6))).toEqual(tw(0, 6));
    expect(merge.hasMerged()).toBe(false);
    expect(set.getStateWindow(tw(0, 6))).toEqual(tw(0, 3));
  });

  it('restores from an initial mapping and reports no change until one happens', () => {
    const set = new MergingWindowSet(sessions(), [
      [tw(17, 42), tw(42, 17)],
      [tw(1, 2), tw(3, 4)],
    ]);
    expect(set.getStateWindow(tw(17, 42))).toEqual(tw(42, 17));
    expect(set.getStateWindow(tw(1, 2))).toEqual(tw(3, 4));
    expect(set.hasChanged()).toBe(false);
    add(set, tw(1, 2));
    expect(set.hasChanged()).toBe(false);
    add(set, tw(100, 103));
    expect(set.hasChanged()).toBe(true);
  });

  it('snapshots its mapping as window pairs and as namespace pairs', () => {
    const set = new MergingWindowSet(sessions());
    add(set, tw(1, 2));
    add(set, tw(17, 42));
    expect(set.hasChanged()).toBe(true);
    expect(set.snapshot()).toEqual([
      [tw(1, 2), tw(1, 2)],
      [tw(17, 42), tw(17, 42)],
    ]);
    add(set, tw(2, 4));
    expect(set.snapshotNamespaces()).toEqual([
      ['t:17:42', 't:17:42'],
      ['t:1:4', 't:1:2'],
    ]);
    const restored = MergingWindowSet.fromNamespaces(sessions(), set.snapshotNamespaces());
    expect(restored.getStateWindow(tw(1, 4))).toEqual(tw(1, 2));
    expect(restored.hasChanged()).toBe(false);
  });

  it('reports a change when a window is retired, and refuses to retire an unknown window', () => {
    const set = new MergingWindowSet(sessions(), [[tw(0, 3), tw(0, 3)]]);
    set.retireWindow(tw(0, 3));
    expect(set.hasChanged()).toBe(true);
    expect(set.size).toBe(0);
    expect(() => set.retireWindow(tw(0, 3))).toThrow(/is not in the in-flight window set/);
  });
});

/** Sessions with a gap of 10 through a merge function of its own: the set takes its general path. */
class GeneralPathSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  assignWindows(_e: unknown, timestamp: number | undefined): TimeWindow[] {
    return [tw(timestamp!, timestamp! + 10)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
}

describe('MergingWindowSet with one session in flight', () => {
  it('adds, merges and retires exactly as the general path does', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const log =
      (calls: string[]): MergeFunction<TimeWindow> =>
      (target, sources, stateWindow, merged) =>
        calls.push(
          `${String(target)} <- ${sources.map(String).join()} @${String(stateWindow)} +${merged.join()}`,
        );
    const fast = new MergingWindowSet(EventTimeSessionWindows.withGap(10));
    const general = new MergingWindowSet(new GeneralPathSessionWindows());
    const fastCalls: string[] = [];
    const generalCalls: string[] = [];
    let base = 0;
    for (let i = 0; i < 5000; i++) {
      base += next(5);
      const start = base + next(40);
      const window = tw(start, start + 1 + next(15));
      expect(String(fast.addWindow(window, log(fastCalls)))).toBe(
        String(general.addWindow(window, log(generalCalls))),
      );
      expect(fast.hasChanged()).toBe(general.hasChanged());
      expect(fast.snapshot().map(String)).toEqual(general.snapshot().map(String));
      // Mostly keep one session in flight (the case with its own path), sometimes more.
      if (next(4) !== 0) {
        const inFlight = general.snapshot();
        const keep = next(inFlight.length);
        inFlight.forEach(([w], at) => {
          if (at === keep) return;
          fast.retireWindow(w);
          general.retireWindow(w);
        });
      }
      if (next(3) === 0) {
        fast.markPersisted();
        general.markPersisted();
      }
    }
    expect(fastCalls).toEqual(generalCalls);
    expect(fastCalls.length).toBeGreaterThan(1000);
  });
});
