/**
 * An assigner whose windows can merge (Flink's MergingWindowAssigner), as session windows do when
 * a new element bridges two sessions. The window operator keeps the in-flight windows of each key
 * in a MergingWindowSet and asks the assigner which of them merge.
 */
import type { MergeCallback } from '../windows/time-window.js';
import type { Window } from '../windows/window.js';
import { WindowAssigner } from './window-assigner.js';

export type { MergeCallback } from '../windows/time-window.js';

export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  /** Calls `callback` once for every group of `windows` that merges into one window. */
  abstract mergeWindows(windows: readonly W[], callback: MergeCallback<W>): void;
}
