/**
 * Functions applied to a window's contents when it fires (Flink's ProcessWindowFunction,
 * WindowFunction and their all-window twins).
 */
import type { OutputTag } from '../datastream/output-tag.js';
import type { KeyedStateStore } from '../state/keyed-state-store.js';
import type { Window } from '../windowing/windows/window.js';
import type { Collector } from './collector.js';
import { AbstractRichFunction } from './rich-function.js';

export interface ProcessWindowContext<W extends Window> {
  readonly window: W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State scoped to the key and this window; cleared with the window (implement `clear`). */
  windowState(): KeyedStateStore;
  /** State scoped to the key, across windows. */
  globalState(): KeyedStateStore;
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/** Gets all elements of a window (or the pre-aggregated result) with the window's metadata. */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  /** Called when the window is purged: delete per-window state here. */
  clear(_context: ProcessWindowContext<W>): void {}
}

/** The all-window (non-keyed) twin. */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: ProcessWindowContext<W>, elements: IN[], out: Collector<OUT>): void;
  clear(_context: ProcessWindowContext<W>): void {}
}

/** The legacy shape used with `apply`. */
export type WindowFunction<IN, OUT, KEY, W extends Window> =
  | ((key: KEY, window: W, input: IN[], out: Collector<OUT>) => void)
  | { apply(key: KEY, window: W, input: IN[], out: Collector<OUT>): void };

export type AllWindowFunction<IN, OUT, W extends Window> =
  | ((window: W, input: IN[], out: Collector<OUT>) => void)
  | { apply(window: W, input: IN[], out: Collector<OUT>): void };
