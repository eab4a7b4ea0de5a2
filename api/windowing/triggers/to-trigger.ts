/**
 * Accepts a user trigger in either shape a TypeScript author may write it: a class extending
 * Trigger, or a plain object with Flink's method names. Plain objects are wrapped so the window
 * operator sees one interface; missing timer callbacks answer CONTINUE, a missing `clear` does
 * nothing, and `canMerge` defaults to whether an `onMerge` is present. Every decision a plain
 * object returns is checked, so a typo fails with a clear error instead of being ignored.
 */
import { UserError } from '../../../common/errors/freshet-error.js';
import type { Window } from '../windows/window.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { isTriggerResult, TriggerResult } from './trigger-result.js';

/** A trigger written as a plain object. */
export interface TriggerFunctions<T, W extends Window> {
  onElement(element: T, timestamp: number | undefined, window: W, ctx: TriggerContext): TriggerResult;
  onEventTime?(time: number, window: W, ctx: TriggerContext): TriggerResult;
  onProcessingTime?(time: number, window: W, ctx: TriggerContext): TriggerResult;
  canMerge?(): boolean;
  onMerge?(window: W, ctx: OnMergeContext): void;
  clear?(window: W, ctx: TriggerContext): void;
}

export function toTrigger<T, W extends Window>(
  trigger: Trigger<T, W> | TriggerFunctions<T, W>,
): Trigger<T, W> {
  if (trigger instanceof Trigger) return trigger;
  if (typeof (trigger as Partial<TriggerFunctions<T, W>> | null)?.onElement !== 'function') {
    throw new UserError(
      'INVALID_TRIGGER',
      'a trigger must extend Trigger or be an object with an onElement(element, timestamp, window, ctx) method',
    );
  }
  return new UserTrigger(trigger);
}

class UserTrigger<T, W extends Window> extends Trigger<T, W> {
  constructor(private readonly fns: TriggerFunctions<T, W>) {
    super();
  }

  onElement(element: T, timestamp: number | undefined, window: W, ctx: TriggerContext): TriggerResult {
    return checked('onElement', this.fns.onElement(element, timestamp, window, ctx));
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (this.fns.onEventTime === undefined) return TriggerResult.CONTINUE;
    return checked('onEventTime', this.fns.onEventTime(time, window, ctx));
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (this.fns.onProcessingTime === undefined) return TriggerResult.CONTINUE;
    return checked('onProcessingTime', this.fns.onProcessingTime(time, window, ctx));
  }

  override canMerge(): boolean {
    if (this.fns.canMerge !== undefined) return this.fns.canMerge();
    return typeof this.fns.onMerge === 'function';
  }

  override onMerge(window: W, ctx: OnMergeContext): void {
    if (this.fns.onMerge === undefined) {
      super.onMerge(window, ctx);
      return;
    }
    this.fns.onMerge(window, ctx);
  }

  clear(window: W, ctx: TriggerContext): void {
    this.fns.clear?.(window, ctx);
  }

  override toString(): string {
    return 'UserTrigger';
  }
}

function checked(method: string, result: unknown): TriggerResult {
  if (isTriggerResult(result)) return result;
  throw new UserError(
    'INVALID_TRIGGER_RESULT',
    `trigger ${method} returned ${JSON.stringify(result) ?? String(result)}; return one of ` +
      `TriggerResult.CONTINUE ('continue'), FIRE ('fire'), PURGE ('purge') or FIRE_AND_PURGE ('fire-and-purge')`,
  );
}
