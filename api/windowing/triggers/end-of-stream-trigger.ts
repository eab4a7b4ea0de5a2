/**
 * Fires the global window once, when event time ends (Flink's GlobalWindows.EndOfStreamTrigger):
 * the end of a bounded input sends MAX_WATERMARK, which equals GlobalWindow's max timestamp.
 */
import type { GlobalWindow } from '../windows/global-window.js';
import { Trigger } from './trigger.js';
import type { TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

export class EndOfStreamTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(
    _element: unknown,
    _timestamp: number | undefined,
    window: GlobalWindow,
    ctx: TriggerContext,
  ): TriggerResult {
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: GlobalWindow): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(): void {}

  override toString(): string {
    return 'EndOfStreamTrigger()';
  }
}
