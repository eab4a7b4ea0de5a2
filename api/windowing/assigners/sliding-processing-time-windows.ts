/**
 * Fixed-size processing-time windows that start every `slide` (Flink's
 * SlidingProcessingTimeWindows), assigned by the operator's clock when the element arrives.
 */
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import type { TimeWindow } from '../windows/time-window.js';
import { checkSlidingParameters, slidingWindowsContaining } from './sliding-windows.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';

const NAME = 'SlidingProcessingTimeWindows';

export class SlidingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
  }

  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    checkSlidingParameters(NAME, size, slide, offset);
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }

  getSize(): number {
    return this.size;
  }

  getSlide(): number {
    return this.slide;
  }

  assignWindows(
    _element: unknown,
    _timestamp: number | undefined,
    context: WindowAssignerContext,
  ): TimeWindow[] {
    return slidingWindowsContaining(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `${NAME}(${this.size}, ${this.slide})`;
  }
}
