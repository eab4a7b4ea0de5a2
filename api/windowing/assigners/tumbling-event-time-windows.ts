/**
 * Fixed-size, non-overlapping event-time windows (Flink's TumblingEventTimeWindows). With an
 * offset the windows start at `offset + k * size`, e.g. `of(Time.days(1), Time.hours(-8))` for
 * days that start at midnight UTC+8.
 */
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { invalidWindowArgument, missingTimestamp, requireMillis } from '../windowing-errors.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';

const NAME = 'TumblingEventTimeWindows';

export class TumblingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
  }

  static of(size: number, offset = 0): TumblingEventTimeWindows {
    requireMillis(NAME, 'size', size);
    requireMillis(NAME, 'offset', offset);
    if (!(Math.abs(offset) < size)) {
      throw invalidWindowArgument(
        `${NAME} parameters must satisfy abs(offset) < size (got size ${size}, offset ${offset})`,
      );
    }
    return new TumblingEventTimeWindows(size, offset);
  }

  getSize(): number {
    return this.size;
  }

  assignWindows(
    _element: unknown,
    timestamp: number | undefined,
    _context: WindowAssignerContext,
  ): TimeWindow[] {
    if (timestamp === undefined) throw missingTimestamp(NAME);
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    return [TimeWindow.of(start, start + this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `${NAME}(${this.size})`;
  }
}
