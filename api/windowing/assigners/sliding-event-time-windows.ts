/**
 * Fixed-size event-time windows that start every `slide` (Flink's SlidingEventTimeWindows); an
 * element belongs to about `size / slide` of them, listed latest start first.
 */
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import type { TimeWindow } from '../windows/time-window.js';
import { missingTimestamp } from '../windowing-errors.js';
import { checkSlidingParameters, slidingWindowsContaining } from './sliding-windows.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';

const NAME = 'SlidingEventTimeWindows';

export class SlidingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
  }

  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    checkSlidingParameters(NAME, size, slide, offset);
    return new SlidingEventTimeWindows(size, slide, offset);
  }

  getSize(): number {
    return this.size;
  }

  getSlide(): number {
    return this.slide;
  }

  assignWindows(
    _element: unknown,
    timestamp: number | undefined,
    _context: WindowAssignerContext,
  ): TimeWindow[] {
    if (timestamp === undefined) throw missingTimestamp(NAME);
    return slidingWindowsContaining(timestamp, this.size, this.slide, this.offset);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `${NAME}(${this.size}, ${this.slide})`;
  }
}
