/**
 * Event-time session windows whose gap comes from each element (Flink's
 * DynamicEventTimeSessionWindows): the element opens [timestamp, timestamp + gap(element)).
 */
import { EventTimeTrigger } from '../triggers/event-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow, type MergeCallback } from '../windows/time-window.js';
import { missingTimestamp } from '../windowing-errors.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';
import {
  resolveGapExtractor,
  type SessionWindowTimeGapExtractor,
} from './session-window-time-gap-extractor.js';
import type { WindowAssignerContext } from './window-assigner.js';

const NAME = 'DynamicEventTimeSessionWindows';

export class DynamicEventTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private readonly gapOf: (element: T) => number;

  private constructor(readonly sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>) {
    super();
    this.gapOf = resolveGapExtractor(sessionWindowTimeGapExtractor, NAME);
  }

  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return new DynamicEventTimeSessionWindows(extractor);
  }

  assignWindows(element: T, timestamp: number | undefined, _context: WindowAssignerContext): TimeWindow[] {
    if (timestamp === undefined) throw missingTimestamp(NAME);
    return [new TimeWindow(timestamp, timestamp + this.gapOf(element))];
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `${NAME}()`;
  }
}
