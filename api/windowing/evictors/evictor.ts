/**
 * Removes elements from a window's contents before and/or after the window function runs
 * (Flink's Evictor). The operator hands the evictor the window's elements as a mutable array in
 * arrival order; the evictor deletes from it in place.
 */
import type { Window } from '../windows/window.js';

/** A window element with the event timestamp it arrived with (undefined when it had none). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number | undefined;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

export interface Evictor<T, W extends Window> {
  /** Called before the window function, with `size` = `elements.length` at the time of the call. */
  evictBefore(elements: Array<TimestampedValue<T>>, size: number, window: W, ctx: EvictorContext): void;
  /** Called after the window function, with `size` = `elements.length` at the time of the call. */
  evictAfter(elements: Array<TimestampedValue<T>>, size: number, window: W, ctx: EvictorContext): void;
}
