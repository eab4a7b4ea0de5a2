/**
 * A trigger that never fires (Flink's GlobalWindows.NeverTrigger): the default of GlobalWindows,
 * where the user is expected to set a real trigger (`countWindow` uses CountTrigger).
 */
import type { GlobalWindow } from '../windows/global-window.js';
import { Trigger } from './trigger.js';
import { TriggerResult } from './trigger-result.js';

export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  /** Nothing to re-establish: there are no timers and no state. */
  override onMerge(): void {}

  clear(): void {}

  override toString(): string {
    return 'NeverTrigger()';
  }
}
