/**
 * Fires a window every time it has received `maxCount` more elements (Flink's CountTrigger). The
 * running count lives in reducing state named `count`, so merged windows add up their counts.
 */
import { ReducingStateDescriptor } from '../../state/state-descriptor.js';
import type { Window } from '../windows/window.js';
import { requireInteger } from '../windowing-errors.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

export class CountTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('count', (a, b) => a + b);

  private constructor(readonly maxCount: number) {
    super();
  }

  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    requireInteger('CountTrigger', 'maxCount', maxCount);
    return new CountTrigger<W>(maxCount);
  }

  onElement(
    _element: unknown,
    _timestamp: number | undefined,
    _window: W,
    ctx: TriggerContext,
  ): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc);
    count.add(1);
    if ((count.get() ?? 0) >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }

  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.stateDesc).clear();
  }

  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
