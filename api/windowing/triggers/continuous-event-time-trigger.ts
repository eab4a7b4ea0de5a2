/**
 * Fires a window repeatedly, every `interval` of event time, and once more at its end (Flink's
 * ContinuousEventTimeTrigger). Fire times are aligned to multiples of the interval and never pass
 * the window's max timestamp. The next fire time lives in reducing state `fire-time` keeping the
 * minimum, so merged windows continue from the earliest pending fire time.
 */
import { ReducingStateDescriptor } from '../../state/state-descriptor.js';
import type { ReducingState } from '../../state/state.js';
import type { Window } from '../windows/window.js';
import { invalidWindowArgument, missingTimestamp, requireMillis } from '../windowing-errors.js';
import { Trigger } from './trigger.js';
import type { OnMergeContext, TriggerContext } from './trigger-context.js';
import { TriggerResult } from './trigger-result.js';

export class ContinuousEventTimeTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));

  private constructor(readonly interval: number) {
    super();
  }

  static of<W extends Window = Window>(interval: number): ContinuousEventTimeTrigger<W> {
    requireMillis('ContinuousEventTimeTrigger', 'interval', interval);
    if (!(interval > 0)) {
      throw invalidWindowArgument(`ContinuousEventTimeTrigger interval must be > 0, got ${interval}`);
    }
    return new ContinuousEventTimeTrigger<W>(interval);
  }

  getInterval(): number {
    return this.interval;
  }

  onElement(_element: unknown, timestamp: number | undefined, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) {
      // The watermark is already past the window: fire at once.
      return TriggerResult.FIRE;
    }
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === undefined) {
      if (timestamp === undefined) throw missingTimestamp('ContinuousEventTimeTrigger');
      this.registerNextFireTimestamp(timestamp - (timestamp % this.interval), window, ctx, fireTimestamp);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === time) {
      fireTimestamp.clear();
      this.registerNextFireTimestamp(time, window, ctx, fireTimestamp);
      return TriggerResult.FIRE;
    }
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
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
  }

  /** Deletes the pending fire timer and forgets it; the end-of-window timer is not touched. */
  clear(_window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    const pending = fireTimestamp.get();
    if (pending !== undefined) {
      ctx.deleteEventTimeTimer(pending);
      fireTimestamp.clear();
    }
  }

  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }

  private registerNextFireTimestamp(
    time: number,
    window: W,
    ctx: TriggerContext,
    fireTimestamp: ReducingState<number>,
  ): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    fireTimestamp.add(next);
    ctx.registerEventTimeTimer(next);
  }
}
