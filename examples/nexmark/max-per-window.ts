/**
 * The second stage of a two-stage "maximum per window" (q5's hot items, q7's highest bids): the
 * first stage aggregates per key and window in parallel and emits its candidates; this stage is
 * keyed by the window's end, keeps the candidates with the highest score, and emits them all (ties
 * included) when the watermark passes the window. Event-time window results carry the window's max
 * timestamp (end - 1) and come before the watermark that fired them, so a timer at end - 1 fires
 * after every candidate of that window arrived.
 */
import {
  KeyedProcessFunction,
  ValueStateDescriptor,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ValueState,
} from 'freshet';

interface Leaders<T> {
  score: number;
  items: T[];
}

/** Keyed by window end; `scoreOf` gives the value to maximize. */
export class MaxPerWindow<T> extends KeyedProcessFunction<number, T, T> {
  private leaders!: ValueState<Leaders<T>>;

  constructor(private readonly scoreOf: (item: T) => number) {
    super();
  }

  override open(): void {
    this.leaders = this.getRuntimeContext().getState(new ValueStateDescriptor<Leaders<T>>('window-leaders'));
  }

  processElement(item: T, ctx: KeyedProcessContext<number>): void {
    const score = this.scoreOf(item);
    const leaders = this.leaders.value();
    if (leaders === undefined) {
      this.leaders.update({ score, items: [item] });
      ctx.timerService().registerEventTimeTimer(ctx.getCurrentKey() - 1);
    } else if (score > leaders.score) {
      this.leaders.update({ score, items: [item] });
    } else if (score === leaders.score) {
      leaders.items.push(item);
      this.leaders.update(leaders);
    }
  }

  override onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<number>, out: Collector<T>): void {
    const leaders = this.leaders.value();
    if (leaders === undefined) return;
    for (const item of leaders.items) out.collect(item);
    this.leaders.clear();
  }
}
