/**
 * Fixed-size, non-overlapping windows over processing time (Flink's
 * TumblingProcessingTimeWindows): an element goes to the window containing the operator's clock
 * at the moment it arrives.
 */
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow } from '../windows/time-window.js';
import { invalidWindowArgument, requireMillis } from '../windowing-errors.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';

const NAME = 'TumblingProcessingTimeWindows';

export class TumblingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
  }

  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    requireMillis(NAME, 'size', size);
    requireMillis(NAME, 'offset', offset);
    if (!(Math.abs(offset) < size)) {
      throw invalidWindowArgument(
        `${NAME} parameters must satisfy abs(offset) < size (got size ${size}, offset ${offset})`,
      );
    }
    return new TumblingProcessingTimeWindows(size, offset);
  }

  getSize(): number {
    return this.size;
  }

  assignWindows(
    _element: unknown,
    _timestamp: number | undefined,
    context: WindowAssignerContext,
  ): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset, this.size);
    return [TimeWindow.of(start, start + this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `${NAME}(${this.size})`;
  }
}
