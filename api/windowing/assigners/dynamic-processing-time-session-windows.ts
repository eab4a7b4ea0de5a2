/**
 * Processing-time session windows whose gap comes from each element (Flink's
 * DynamicProcessingTimeSessionWindows): the element opens [now, now + gap(element)).
 */
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow, type MergeCallback } from '../windows/time-window.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';
import {
  resolveGapExtractor,
  type SessionWindowTimeGapExtractor,
} from './session-window-time-gap-extractor.js';
import type { WindowAssignerContext } from './window-assigner.js';

const NAME = 'DynamicProcessingTimeSessionWindows';

export class DynamicProcessingTimeSessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  private readonly gapOf: (element: T) => number;

  private constructor(readonly sessionWindowTimeGapExtractor: SessionWindowTimeGapExtractor<T>) {
    super();
    this.gapOf = resolveGapExtractor(sessionWindowTimeGapExtractor, NAME);
  }

  static withDynamicGap<T>(
    extractor: SessionWindowTimeGapExtractor<T>,
  ): DynamicProcessingTimeSessionWindows<T> {
    return new DynamicProcessingTimeSessionWindows(extractor);
  }

  assignWindows(element: T, _timestamp: number | undefined, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.gapOf(element))];
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `${NAME}()`;
  }
}
