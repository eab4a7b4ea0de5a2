/**
 * Processing-time session windows with a fixed gap (Flink's ProcessingTimeSessionWindows): each
 * element opens [now, now + gap) on the operator's clock; overlapping or touching windows merge.
 */
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { TimeWindow, type MergeCallback } from '../windows/time-window.js';
import { invalidWindowArgument, requireMillis } from '../windowing-errors.js';
import { DynamicProcessingTimeSessionWindows } from './dynamic-processing-time-session-windows.js';
import { MergingWindowAssigner } from './merging-window-assigner.js';
import type { SessionWindowTimeGapExtractor } from './session-window-time-gap-extractor.js';
import type { WindowAssignerContext } from './window-assigner.js';

const NAME = 'ProcessingTimeSessionWindows';

export class ProcessingTimeSessionWindows extends MergingWindowAssigner<unknown, TimeWindow> {
  private constructor(readonly sessionTimeout: number) {
    super();
  }

  static withGap(size: number): ProcessingTimeSessionWindows {
    requireMillis(NAME, 'gap', size);
    if (!(size > 0)) {
      throw invalidWindowArgument(`${NAME} parameters must satisfy 0 < size (got ${size})`);
    }
    return new ProcessingTimeSessionWindows(size);
  }

  static withDynamicGap<T>(
    extractor: SessionWindowTimeGapExtractor<T>,
  ): DynamicProcessingTimeSessionWindows<T> {
    return DynamicProcessingTimeSessionWindows.withDynamicGap(extractor);
  }

  getGap(): number {
    return this.sessionTimeout;
  }

  assignWindows(
    _element: unknown,
    _timestamp: number | undefined,
    context: WindowAssignerContext,
  ): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.sessionTimeout)];
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `${NAME}(${this.sessionTimeout})`;
  }
}
