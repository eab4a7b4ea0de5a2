/**
 * The in-flight windows of one key under a merging assigner (Flink's MergingWindowSet), each
 * mapped to its state window: the namespace its contents actually live in. When windows merge,
 * the merged window keeps the state window of one of its parts, so growing a session moves no
 * state; only the state of the other merged parts has to be folded in.
 *
 * The class is pure: the operator loads the mapping from keyed state for the current key, calls
 * addWindow/retireWindow, and writes `snapshot()` back when `hasChanged()`.
 */
import { DynamicEventTimeSessionWindows } from '../../../api/windowing/assigners/dynamic-event-time-session-windows.js';
import { DynamicProcessingTimeSessionWindows } from '../../../api/windowing/assigners/dynamic-processing-time-session-windows.js';
import { EventTimeSessionWindows } from '../../../api/windowing/assigners/event-time-session-windows.js';
import type { MergingWindowAssigner } from '../../../api/windowing/assigners/merging-window-assigner.js';
import { ProcessingTimeSessionWindows } from '../../../api/windowing/assigners/processing-time-session-windows.js';
import { TimeWindow } from '../../../api/windowing/windows/time-window.js';
import { parseWindowNamespace, windowNamespace } from '../../../api/windowing/windows/window-namespace.js';
import type { Window } from '../../../api/windowing/windows/window.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';

/**
 * Called once per merge that addWindow performs: `mergeResult` replaces `mergedWindows` (which
 * never include the window being added), and the state of `mergedStateWindows` must be merged
 * into `stateWindowResult` (which is not among them).
 */
export type MergeFunction<W> = (
  mergeResult: W,
  mergedWindows: W[],
  stateWindowResult: W,
  mergedStateWindows: W[],
) => void;

/** The session assigners' merge: TimeWindow.mergeWindows (windows that overlap or touch merge). */
const SESSION_MERGES = new Set<unknown>(
  [
    EventTimeSessionWindows,
    ProcessingTimeSessionWindows,
    DynamicEventTimeSessionWindows,
    DynamicProcessingTimeSessionWindows,
  ].map((assigner) => mergeFunctionOf(assigner.prototype)),
);

/** The assigner's merge function as a value, to recognise it (never called from here). */
function mergeFunctionOf(assigner: object): unknown {
  return (assigner as { mergeWindows?: unknown }).mergeWindows;
}

interface Mapping<W> {
  readonly window: W;
  readonly stateWindow: W;
}

export class MergingWindowSet<W extends Window> {
  /**
   * In-flight windows in the order they were added (merge results go last). A key has few windows
   * in flight, so a scan by `equals` beats naming every window as a string to look it up.
   */
  private readonly mapping: Mapping<W>[] = [];
  /** The mapping differs from the one this set was created or last persisted with. */
  private changed = false;
  /** The owner has queued this set for writing back to keyed state (the window operator's bookkeeping). */
  queuedForWrite = false;
  /** The assigner merges time windows as sessions do (see addToOneSession). */
  private readonly mergesSessions: boolean;

  constructor(
    private readonly windowAssigner: MergingWindowAssigner<never, W>,
    initialMapping: Iterable<readonly [window: W, stateWindow: W]> = [],
  ) {
    this.mergesSessions = SESSION_MERGES.has(mergeFunctionOf(windowAssigner));
    for (const [window, stateWindow] of initialMapping) {
      const at = this.indexOf(window);
      if (at >= 0) this.mapping.splice(at, 1);
      this.mapping.push({ window, stateWindow });
    }
  }

  /** Restores a set from `snapshotNamespaces()` output. */
  static fromNamespaces<W extends Window>(
    windowAssigner: MergingWindowAssigner<never, W>,
    pairs: Iterable<readonly [string, string]>,
  ): MergingWindowSet<W> {
    const windows: Array<[W, W]> = [];
    for (const [window, stateWindow] of pairs) {
      windows.push([parseWindowNamespace(window) as W, parseWindowNamespace(stateWindow) as W]);
    }
    return new MergingWindowSet(windowAssigner, windows);
  }

  /** The window whose namespace holds the contents of in-flight `window`, if it is in flight. */
  getStateWindow(window: W): W | undefined {
    const at = this.indexOf(window);
    return at < 0 ? undefined : this.mapping[at]!.stateWindow;
  }

  /** Removes `window` from the in-flight windows (after it was purged for good). */
  retireWindow(window: W): void {
    const at = this.indexOf(window);
    if (at < 0) {
      throw new FreshetError(
        'WINDOW_NOT_IN_FLIGHT',
        `window ${String(window)} is not in the in-flight window set`,
      );
    }
    this.mapping.splice(at, 1);
    this.changed = true;
  }

  /**
   * Adds `newWindow` and merges whatever the assigner says now merges, calling `mergeFunction`
   * for each merge. Returns the window `newWindow` ended up in: itself, or the merge result that
   * swallowed it. Elements and trigger calls should go to that window only.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    if (this.mergesSessions && this.mapping.length === 1 && newWindow instanceof TimeWindow) {
      return this.addToOneSession(newWindow, mergeFunction);
    }
    const windows: W[] = [];
    for (const m of this.mapping) windows.push(m.window);
    windows.push(newWindow);
    let mergeResults: Array<[W, W[]]> | undefined;
    this.windowAssigner.mergeWindows(windows, (toBeMerged, mergeResult) => {
      (mergeResults ??= []).push([mergeResult, [...toBeMerged]]);
    });

    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const [mergeResult, mergedWindows] of mergeResults ?? []) {
      // The new window never had state; it is not one of the merged windows the caller hears about.
      if (removeFirstEqual(mergedWindows, newWindow)) {
        mergedNewWindow = true;
        resultWindow = mergeResult;
      }
      // Any merged window's state window can serve the result: take the first one's.
      const first = mergedWindows[0];
      const stateWindow = (first === undefined ? undefined : this.getStateWindow(first)) ?? mergeResult;
      const mergedStateWindows: W[] = [];
      for (const merged of mergedWindows) {
        const at = this.indexOf(merged);
        if (at >= 0) {
          mergedStateWindows.push(this.mapping[at]!.stateWindow);
          this.mapping.splice(at, 1);
        }
      }
      const existing = this.indexOf(mergeResult);
      if (existing >= 0) this.mapping.splice(existing, 1);
      this.mapping.push({ window: mergeResult, stateWindow });
      removeFirstEqual(mergedStateWindows, stateWindow);
      // An existing window merging only with itself (the new window fell inside it) is no merge.
      const onlyItself = mergedWindows.length === 1 && mergedWindows[0]!.equals(mergeResult);
      if (!onlyItself) {
        this.changed = true;
        mergeFunction(mergeResult, mergedWindows, stateWindow, mergedStateWindows);
      }
    }

    // A new, self-contained window. Flink re-maps it to itself even when an equal window is
    // already in flight with another state window, which would orphan that window's contents;
    // an existing mapping is kept instead.
    if (mergeResults === undefined || (resultWindow.equals(newWindow) && !mergedNewWindow)) {
      if (this.indexOf(resultWindow) < 0) {
        this.mapping.push({ window: resultWindow, stateWindow: resultWindow });
        this.changed = true;
      }
    }
    return resultWindow;
  }

  /**
   * addWindow for the common case of a session assigner and one session in flight, with the same
   * outcome as the general path: the new window starts a session of its own, falls inside the
   * session (nothing changes), or extends it (the session keeps its state window).
   */
  private addToOneSession(newWindow: W & TimeWindow, mergeFunction: MergeFunction<W>): W {
    const session = this.mapping[0]!;
    const existing = session.window as W & TimeWindow;
    if (!existing.intersects(newWindow)) {
      this.mapping.push({ window: newWindow, stateWindow: newWindow });
      this.changed = true;
      return newWindow;
    }
    if (existing.equals(newWindow)) return newWindow;
    const cover = existing.cover(newWindow) as W & TimeWindow;
    this.mapping[0] = { window: cover, stateWindow: session.stateWindow };
    if (cover.equals(existing)) return cover;
    this.changed = true;
    mergeFunction(cover, [existing], session.stateWindow, []);
    return cover;
  }

  /** True when the mapping may differ from the one this set was created or last persisted with. */
  hasChanged(): boolean {
    return this.changed;
  }

  /** The mapping was persisted: `hasChanged` is false until the next change. */
  markPersisted(): void {
    this.changed = false;
  }

  /** The mapping as [in-flight window, state window] pairs. */
  snapshot(): Array<[W, W]> {
    return this.mapping.map((m) => [m.window, m.stateWindow]);
  }

  /** The mapping as [window namespace, state window namespace] pairs: the form to keep in state. */
  snapshotNamespaces(): Array<[string, string]> {
    return this.mapping.map((m) => [windowNamespace(m.window), windowNamespace(m.stateWindow)]);
  }

  get size(): number {
    return this.mapping.length;
  }

  toString(): string {
    return `MergingWindowSet{windows=${this.snapshot()
      .map(([w, s]) => `${String(w)}→${String(s)}`)
      .join(', ')}}`;
  }

  private indexOf(window: W): number {
    const mapping = this.mapping;
    for (let i = 0; i < mapping.length; i++) if (mapping[i]!.window.equals(window)) return i;
    return -1;
  }
}

function removeFirstEqual<W extends Window>(windows: W[], window: W): boolean {
  const index = windows.findIndex((w) => w.equals(window));
  if (index < 0) return false;
  windows.splice(index, 1);
  return true;
}
