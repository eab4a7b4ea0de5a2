/**
 * A hand-written TriggerContext (and OnMergeContext) for trigger tests: clocks the test sets,
 * timers kept per window in maps, and state in a TestingStateStore. It always acts for one
 * window at a time (`window`, set by the harness or the test) and, during a merge, knows the
 * merged-away windows.
 */
import type { StateDescriptor } from '../../state/state-descriptor.js';
import type { State } from '../../state/state.js';
import type { OnMergeContext } from '../triggers/trigger-context.js';
import { windowNamespace } from '../windows/window-namespace.js';
import type { Window } from '../windows/window.js';
import { TestingStateStore } from './testing-state-store.js';

/** Timers of one time domain: window namespace → the window and its timer timestamps. */
export class TestingTimers<W extends Window> {
  private readonly byWindow = new Map<string, { window: W; times: Set<number> }>();

  register(window: W, time: number): void {
    const ns = windowNamespace(window);
    let entry = this.byWindow.get(ns);
    if (entry === undefined) this.byWindow.set(ns, (entry = { window, times: new Set() }));
    entry.times.add(time);
  }

  delete(window: W, time: number): void {
    const ns = windowNamespace(window);
    const entry = this.byWindow.get(ns);
    entry?.times.delete(time);
    if (entry?.times.size === 0) this.byWindow.delete(ns);
  }

  /** Removes and returns every timer with timestamp <= `time`, earliest first. */
  pollUpTo(time: number): Array<{ window: W; time: number }> {
    const due: Array<{ window: W; time: number }> = [];
    for (const { window, times } of this.byWindow.values()) {
      for (const t of times) if (t <= time) due.push({ window, time: t });
    }
    for (const { window, time: t } of due) this.delete(window, t);
    return due.sort((a, b) => a.time - b.time);
  }

  count(window?: W): number {
    if (window !== undefined) return this.byWindow.get(windowNamespace(window))?.times.size ?? 0;
    let n = 0;
    for (const { times } of this.byWindow.values()) n += times.size;
    return n;
  }
}

export class TestingTriggerContext<W extends Window = Window> implements OnMergeContext {
  processingTime = 0;
  watermark = Number.MIN_SAFE_INTEGER;
  readonly eventTimeTimers = new TestingTimers<W>();
  readonly processingTimeTimers = new TestingTimers<W>();
  readonly state = new TestingStateStore();
  private currentWindow: W | undefined;
  /** The windows merged into `window` during `onMerge`. */
  mergedWindows: readonly W[] = [];

  get window(): W {
    if (this.currentWindow === undefined) throw new Error('TestingTriggerContext: set window first');
    return this.currentWindow;
  }

  set window(window: W) {
    this.currentWindow = window;
  }

  getCurrentProcessingTime(): number {
    return this.processingTime;
  }

  getCurrentWatermark(): number {
    return this.watermark;
  }

  registerProcessingTimeTimer(time: number): void {
    this.processingTimeTimers.register(this.window, time);
  }

  registerEventTimeTimer(time: number): void {
    this.eventTimeTimers.register(this.window, time);
  }

  deleteProcessingTimeTimer(time: number): void {
    this.processingTimeTimers.delete(this.window, time);
  }

  deleteEventTimeTimer(time: number): void {
    this.eventTimeTimers.delete(this.window, time);
  }

  getPartitionedState<S extends State>(descriptor: StateDescriptor): S {
    return this.state.getState<S>(windowNamespace(this.window), descriptor);
  }

  mergePartitionedState(descriptor: StateDescriptor): void {
    if (this.mergedWindows.length === 0) return;
    this.state.mergeNamespaces(
      windowNamespace(this.window),
      this.mergedWindows.map(windowNamespace),
      descriptor,
    );
  }
}
