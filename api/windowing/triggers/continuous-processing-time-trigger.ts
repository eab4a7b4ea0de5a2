/**
 * Fires a window repeatedly, every `interval` of processing time (Flink's
 * ContinuousProcessingTimeTrigger). Fire times are aligned to multiples of the interval and never
 * pass the window's max timestamp; the next one lives in reducing state `fire-time` (minimum).
 */
import { ReducingStateDescriptor } from '../../state/state-descriptor.js';
import type { ReducingState } from '../../state/state.js';
import type { Window } from '../windows/window.js';
import { invalidWindowArgument, requireMillis } from '../windowing-errors.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

export class ContinuousProcessingTimeTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(readonly interval: number) {
    super();
  }

  static of<W extends Window = Window>(interval: number): ContinuousProcessingTimeTrigger<W> {
    requireMillis('ContinuousProcessingTimeTrigger', 'interval', interval);
    if (!(interval > 0)) {
      throw invalidWindowArgument(`ContinuousProcessingTimeTrigger interval must be > 0, got ${interval}`);
    }
    return new ContinuousProcessingTimeTrigger<W>(interval);
  }

  getInterval(): number {
    return this.interval;
  }

  onElement(
    _element: unknown,
    _timestamp: number | undefined,
    window: W,
    ctx: TriggerContext,
  ): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === undefined) {
      const now = ctx.getCurrentProcessingTime();
      this.registerNextFireTimestamp(now - (now % this.interval), window, ctx, fireTimestamp);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.registerNextFireTimestamp(time, window, ctx, fireTimestamp);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) ctx.registerProcessingTimeTimer(next);
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    const pending = fireTimestamp.get();
    if (pending !== undefined) {
      ctx.deleteProcessingTimeTimer(pending);
      fireTimestamp.clear();
    }
  }

  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }

  private registerNextFireTimestamp(
    time: number,
    window: W,
    ctx: TriggerContext,
    fireTimestamp: ReducingState<number>,
  ): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    fireTimestamp.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
}
