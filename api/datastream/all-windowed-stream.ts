/**
 * Windows over a whole (non-keyed) stream (Flink's AllWindowedStream): one window operator with
 * parallelism 1 sees every record, as in Flink's windowAll.
 */
import type { Collector } from '../functions/collector.js';
import { resolveMethod, type AggregateFunction, type ReduceFunction } from '../functions/functions.js';
import type {
  AllWindowFunction,
  ProcessAllWindowFunction,
  ProcessWindowContext,
} from '../functions/window-functions.js';
import type { WindowEmitFunction } from '../graph/window-operator-spec.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import type { Evictor } from '../windowing/evictors/evictor.js';
import type { TriggerFunctions } from '../windowing/triggers/to-trigger.js';
import type { Trigger } from '../windowing/triggers/trigger.js';
import type { Window } from '../windowing/windows/window.js';
import { DataStream, type SingleOutputStreamOperator } from './data-stream.js';
import type { OutputTag } from './output-tag.js';
import { WindowedStream, processWindowCalls, rejectRichIncremental } from './windowed-stream.js';

export class AllWindowedStream<T, W extends Window> {
  private readonly windowed: WindowedStream<T, number, W>;

  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    this.windowed = new WindowedStream(
      input.keyBy(() => 0),
      assigner,
    );
  }

  trigger(trigger: Trigger<T, W> | TriggerFunctions<T, W>): this {
    this.windowed.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<T, W>): this {
    this.windowed.evictor(evictor);
    return this;
  }
  allowedLateness(lateness: number): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }
  sideOutputLateData(outputTag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(outputTag);
    return this;
  }

  reduce<R = T>(
    reducer: ReduceFunction<T>,
    windowFunction?: ProcessAllWindowFunction<T, R, W>,
  ): SingleOutputStreamOperator<R> {
    rejectRichIncremental(reducer, 'ReduceFunction of reduce');
    resolveMethod(reducer as (a: T, b: T) => T, 'reduce', 'window reduce()');
    return this.build(
      'AllWindow(Reduce)',
      { kind: 'reduce', fn: reducer as ReduceFunction<unknown> },
      windowFunction,
    );
  }

  aggregate<ACC, V, R = V>(
    aggregateFunction: AggregateFunction<T, ACC, V>,
    windowFunction?: ProcessAllWindowFunction<V, R, W>,
  ): SingleOutputStreamOperator<R> {
    rejectRichIncremental(aggregateFunction, 'AggregateFunction of aggregate');
    return this.build('AllWindow(Aggregate)', { kind: 'aggregate', fn: aggregateFunction }, windowFunction);
  }

  process<R>(fn: ProcessAllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    return this.build('AllWindow(Process)', { kind: 'list' }, fn);
  }

  apply<R>(fn: AllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    const call = resolveMethod(fn as (w: W, i: T[], o: Collector<R>) => void, 'apply', 'apply()');
    void call; // validates the shape now
    const emit: WindowEmitFunction = (userFunction, _key, ctx, elements, out) => {
      if (typeof userFunction === 'function')
        (userFunction as typeof call)(ctx.window as W, elements as T[], out);
      else (userFunction as { apply: typeof call }).apply(ctx.window as W, elements as T[], out);
    };
    return this.windowed
      .applyInternal<R>('AllWindow(Apply)', { kind: 'list' }, fn, emit, undefined)
      .setParallelism(1);
  }

  private build<R>(
    name: string,
    contents: Parameters<WindowedStream<T, number, W>['applyInternal']>[1],
    windowFunction: ProcessAllWindowFunction<unknown, R, W> | undefined,
  ): SingleOutputStreamOperator<R> {
    const { emit, clear } = processWindowCalls(windowFunction, (fn, _key, ctx, elements, out) =>
      (fn as ProcessAllWindowFunction<unknown, R, W>).process(
        ctx as unknown as ProcessWindowContext<W>,
        elements,
        out,
      ),
    );
    return this.windowed.applyInternal<R>(name, contents, windowFunction, emit, clear).setParallelism(1);
  }
}

DataStream.allWindowedStreamConstructor = AllWindowedStream;
