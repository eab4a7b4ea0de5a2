/**
 * Event-time session windows with a fixed gap (Flink's EventTimeSessionWindows): each element
 * opens the window [timestamp, timestamp + gap), and windows of a key that overlap or touch merge
 * into one session. `withDynamicGap` takes the gap from each element instead.
 */
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow, type MergeCallback } from '../windows/time-window.js';
import { invalidWindowArgument, missingTimestamp, requireMillis } from '../windowing-errors.js';
import { DynamicEventTimeSessionWindows } from './dynamic-event-time-session-windows.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';
import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.js';
import type { WindowAssignerContext } from './window-assigner.js';

const NAME = 'EventTimeSessionWindows';

export class EventTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(readonly sessionTimeout: number) {
    super();
  }

  static withGap(size: number): EventTimeSessionWindows {
    requireMillis(NAME, 'gap', size);
    if (!(size > 0)) {
      throw invalidWindowArgument(`${NAME} parameters must satisfy 0 < size (got ${size})`);
    }
    return new EventTimeSessionWindows(size);
  }

  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return DynamicEventTimeSessionWindows.withDynamicGap(extractor);
  }

  getGap(): number {
    return this.sessionTimeout;
  }

  assignWindows(
    _element: unknown,
    timestamp: number | undefined,
    _context: WindowAssignerContext,
  ): TimeWindow[] {
    if (timestamp === undefined) throw missingTimestamp(NAME);
    return [new TimeWindow(timestamp, timestamp + this.sessionTimeout)];
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `${NAME}(${this.sessionTimeout})`;
  }
}
