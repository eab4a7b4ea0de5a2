/**
 * Fires a window when processing time reaches its max timestamp (Flink's ProcessingTimeTrigger),
 * the default trigger of every processing-time assigner.
 */
import type { Window } from '../windows/window.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

export class ProcessingTimeTrigger extends Trigger<unknown, Window> {
  private constructor() {
    super();
  }

  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }

  onElement(
    _element: unknown,
    _timestamp: number | undefined,
    window: Window,
    ctx: TriggerContext,
  ): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }

  override canMerge(): boolean {
    return true;
  }

  /** Re-registers the merged window's timer unless processing time is already past it. */
  override onMerge(window: Window, ctx: OnMergeContext): void {
    const maxTimestamp = window.maxTimestamp();
    if (maxTimestamp > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(maxTimestamp);
  }

  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}
