/**
 * Keeps only the elements of the last `windowSize` milliseconds of a window, measured back from
 * its newest element: an element stays when `timestamp > maxTimestamp - windowSize` (Flink's
 * TimeEvictor). Windows whose elements carry no timestamps (judged, as Flink does, by the first
 * element) are left alone. Evicts before the window function unless `of(ms, true)`.
 */
import type { Window } from '../windows/window.js';
import { invalidWindowArgument, missingTimestamp, requireMillis } from '../windowing-errors.js';
import type { Evictor, EvictorContext, TimestampedValue } from './evictor.js';

export class TimeEvictor<W extends Window = Window> implements Evictor<unknown, W> {
  private constructor(
    readonly windowSize: number,
    readonly doEvictAfter: boolean,
  ) {}

  static of<W extends Window = Window>(windowSize: number, doEvictAfter = false): TimeEvictor<W> {
    requireMillis('TimeEvictor', 'windowSize', windowSize);
    if (windowSize < 0) throw invalidWindowArgument(`TimeEvictor windowSize must be >= 0, got ${windowSize}`);
    return new TimeEvictor<W>(windowSize, doEvictAfter);
  }

  getWindowSize(): number {
    return this.windowSize;
  }

  evictBefore(
    elements: Array<TimestampedValue<unknown>>,
    _size: number,
    _window: W,
    _ctx: EvictorContext,
  ): void {
    if (!this.doEvictAfter) this.evict(elements);
  }

  evictAfter(
    elements: Array<TimestampedValue<unknown>>,
    _size: number,
    _window: W,
    _ctx: EvictorContext,
  ): void {
    if (this.doEvictAfter) this.evict(elements);
  }

  private evict(elements: Array<TimestampedValue<unknown>>): void {
    if (elements.length === 0 || elements[0]!.timestamp === undefined) return;
    let maxTimestamp = Number.NEGATIVE_INFINITY;
    for (const element of elements) {
      if (element.timestamp === undefined) throw missingTimestamp('TimeEvictor');
      if (element.timestamp > maxTimestamp) maxTimestamp = element.timestamp;
    }
    const cutoff = maxTimestamp - this.windowSize;
    let kept = 0;
    for (const element of elements) {
      if (element.timestamp! > cutoff) elements[kept++] = element;
    }
    elements.length = kept;
  }

  toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }
}
