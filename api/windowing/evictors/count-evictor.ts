/**
 * Keeps at most `maxCount` elements in a window, evicting the oldest ones (Flink's CountEvictor).
 * By default it evicts before the window function runs; `of(n, true)` evicts after it.
 */
import type { Window } from '../windows/window.js';
import { invalidWindowArgument, requireInteger } from '../windowing-errors.js';
import type { Evictor, EvictorContext, TimestampedValue } from './evictor.js';

export class CountEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    readonly maxCount: number,
    readonly doEvictAfter: boolean,
  ) {}

  static of<W extends Window = Window>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    requireInteger('CountEvictor', 'maxCount', maxCount);
    if (maxCount < 0) throw invalidWindowArgument(`CountEvictor maxCount must be >= 0, got ${maxCount}`);
    return new CountEvictor<W>(maxCount, doEvictAfter);
  }

  getMaxCount(): number {
    return this.maxCount;
  }

  evictBefore(
    elements: Array<TimestampedValue<unknown>>,
    size: number,
    _window: W,
    _ctx: EvictorContext,
  ): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }

  evictAfter(
    elements: Array<TimestampedValue<unknown>>,
    size: number,
    _window: W,
    _ctx: EvictorContext,
  ): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }

  private evict(elements: Array<TimestampedValue<unknown>>, size: number): void {
    if (size <= this.maxCount) return;
    elements.splice(0, Math.min(size - this.maxCount, elements.length));
  }

  toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }
}
