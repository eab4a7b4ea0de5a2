/**
 * A trigger decides when a window is evaluated and when its contents are purged (Flink's
 * Trigger). The window operator calls it for every element added to a window and for every timer
 * the trigger registered; it answers with a TriggerResult. Triggers keep no fields per window:
 * anything they remember lives in partitioned state obtained from the context.
 */
import type { Window } from '../windows/window.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import type { TriggerResult } from './trigger-result.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';

export abstract class Trigger<T, W extends Window> {
  /**
   * Called for every element assigned to `window`. `timestamp` is the element's event
   * timestamp, undefined when the record carries none.
   */
  abstract onElement(
    element: T,
    timestamp: number | undefined,
    window: W,
    ctx: TriggerContext,
  ): TriggerResult;

  /** Called when an event-time timer this trigger registered for `window` fires. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;

  /** Called when a processing-time timer this trigger registered for `window` fires. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;

  /** Whether the trigger supports merging windows (session windows need it). */
  canMerge(): boolean {
    return false;
  }

  /**
   * Called when windows merged into `window`; re-establish timers and merge state here.
   * Only called when `canMerge()` is true.
   */
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new FreshetError(
      'TRIGGER_CANNOT_MERGE',
      `${String(this)} does not support merging windows; override canMerge() and onMerge()`,
    );
  }

  /** Called when `window` is purged for good: delete its timers and clear its state. */
  abstract clear(window: W, ctx: TriggerContext): void;

  toString(): string {
    return `${this.constructor.name}()`;
  }
}
