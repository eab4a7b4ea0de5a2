/**
 * A keyed stream cut into windows (Flink's WindowedStream): set trigger, evictor and lateness,
 * then apply reduce, aggregate, process or apply. Incremental functions (reduce, aggregate) keep
 * one accumulator per window; process/apply keep the window's elements.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { Collector } from '../functions/collector.js';
import { AbstractRichFunction } from '../functions/rich-function.js';
import { resolveMethod, type AggregateFunction, type ReduceFunction } from '../functions/functions.js';
import type {
  ProcessWindowContext,
  ProcessWindowFunction,
  WindowFunction,
} from '../functions/window-functions.js';
import type {
  WindowContents,
  WindowEmitFunction,
  WindowOperatorSpec,
} from '../graph/window-operator-spec.js';
import { MergingWindowAssigner } from '../windowing/assigners/merging-window-assigner.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import type { Evictor } from '../windowing/evictors/evictor.js';
import { toTrigger, type TriggerFunctions } from '../windowing/triggers/to-trigger.js';
import type { Trigger } from '../windowing/triggers/trigger.js';
import type { Window } from '../windowing/windows/window.js';
import type { SingleOutputStreamOperator } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';
import type { OutputTag } from './output-tag.js';

type AnyWindow = Window;

export class WindowedStream<T, K, W extends Window> {
  private triggerValue: Trigger<T, W>;
  private evictorValue: Evictor<T, W> | undefined;
  private lateness = 0;
  private lateTag: string | undefined;

  constructor(
    readonly input: KeyedStream<T, K>,
    readonly assigner: WindowAssigner<T, W>,
  ) {
    this.triggerValue = assigner.getDefaultTrigger();
  }

  trigger(trigger: Trigger<T, W> | TriggerFunctions<T, W>): this {
    const resolved = toTrigger(trigger);
    if (this.assigner instanceof MergingWindowAssigner && !resolved.canMerge()) {
      throw new UserError(
        'TRIGGER_CANNOT_MERGE',
        `A merging window assigner cannot be used with a trigger that does not support merging (${resolved.toString()})`,
      );
    }
    this.triggerValue = resolved;
    return this;
  }

  evictor(evictor: Evictor<T, W>): this {
    if (this.assigner instanceof MergingWindowAssigner) {
      throw new UserError(
        'EVICTOR_WITH_MERGING_WINDOWS',
        'Cannot use an evictor with a merging window assigner (session windows)',
      );
    }
    this.evictorValue = evictor;
    return this;
  }

  allowedLateness(lateness: number): this {
    if (!Number.isSafeInteger(lateness) || lateness < 0) {
      throw new UserError(
        'INVALID_ALLOWED_LATENESS',
        `The allowed lateness cannot be negative, got ${lateness}`,
      );
    }
    this.lateness = lateness;
    return this;
  }

  sideOutputLateData(outputTag: OutputTag<T>): this {
    this.lateTag = outputTag.id;
    return this;
  }

  reduce<R = T>(
    reducer: ReduceFunction<T>,
    windowFunction?: ProcessWindowFunction<T, R, K, W>,
  ): SingleOutputStreamOperator<R> {
    rejectRichIncremental(reducer, 'ReduceFunction of reduce');
    resolveMethod(reducer as (a: T, b: T) => T, 'reduce', 'window reduce()');
    return this.build(
      'Window(Reduce)',
      { kind: 'reduce', fn: reducer as ReduceFunction<unknown> },
      windowFunction,
    );
  }

  aggregate<ACC, V, R = V>(
    aggregateFunction: AggregateFunction<T, ACC, V>,
    windowFunction?: ProcessWindowFunction<V, R, K, W>,
  ): SingleOutputStreamOperator<R> {
    rejectRichIncremental(aggregateFunction, 'AggregateFunction of aggregate');
    for (const method of ['createAccumulator', 'add', 'getResult', 'merge'] as const) {
      if (typeof (aggregateFunction as unknown as Record<string, unknown>)[method] !== 'function') {
        throw new UserError('INVALID_FUNCTION', `aggregate() needs an AggregateFunction with ${method}()`);
      }
    }
    return this.build('Window(Aggregate)', { kind: 'aggregate', fn: aggregateFunction }, windowFunction);
  }

  process<R>(fn: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    if (typeof (fn as { process?: unknown } | null)?.process !== 'function') {
      throw new UserError(
        'INVALID_FUNCTION',
        'process() needs a ProcessWindowFunction with a process method',
      );
    }
    return this.build('Window(Process)', { kind: 'list' }, fn);
  }

  /** The legacy WindowFunction shape: `(key, window, input, out)` or `{ apply }`. */
  apply<R>(fn: WindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    const call = resolveMethod(fn as (k: K, w: W, i: T[], o: Collector<R>) => void, 'apply', 'apply()');
    void call; // validates the shape now
    const emit: WindowEmitFunction = (userFunction, key, ctx, elements, out) => {
      // The operator passes its per-subtask copy: call that one (it was opened, it has the context).
      if (typeof userFunction === 'function')
        (userFunction as typeof call)(key as K, ctx.window as W, elements as T[], out);
      else (userFunction as { apply: typeof call }).apply(key as K, ctx.window as W, elements as T[], out);
    };
    return this.applyInternal<R>('Window(Apply)', { kind: 'list' }, fn, emit, undefined);
  }

  /** @internal Adds the window operator; AllWindowedStream uses it with its own function shapes. */
  applyInternal<R>(
    name: string,
    contents: WindowContents,
    userFunction: unknown,
    emit: WindowEmitFunction,
    clear: WindowOperatorSpec['clear'],
  ): SingleOutputStreamOperator<R> {
    return this.input.windowOperator<R>(name, this.spec(contents, userFunction, emit, clear));
  }

  private build<R>(
    name: string,
    contents: WindowContents,
    windowFunction: ProcessWindowFunction<unknown, R, K, W> | undefined,
  ): SingleOutputStreamOperator<R> {
    const { emit, clear } = processWindowCalls(windowFunction, (fn, key, ctx, elements, out) =>
      (fn as ProcessWindowFunction<unknown, R, K, W>).process(
        key as K,
        ctx as unknown as ProcessWindowContext<W>,
        elements,
        out,
      ),
    );
    return this.applyInternal<R>(name, contents, windowFunction, emit, clear);
  }

  private spec(
    contents: WindowContents,
    userFunction: unknown,
    emit: WindowEmitFunction,
    clear: WindowOperatorSpec['clear'],
  ): WindowOperatorSpec {
    return {
      assigner: this.assigner,
      trigger: this.triggerValue,
      evictor: this.evictorValue,
      allowedLateness: this.lateness,
      lateDataTag: this.lateTag,
      contents,
      userFunction,
      emit,
      clear,
    };
  }
}

/**
 * How a fired window reaches a process-style window function (keyed or all-window): emit calls
 * `process`, clear calls its `clear`; without a function the pre-aggregated result is emitted.
 */
export function processWindowCalls(
  windowFunction: unknown,
  process: WindowEmitFunction,
): { emit: WindowEmitFunction; clear: WindowOperatorSpec['clear'] } {
  if (windowFunction === undefined) {
    return {
      emit: (_fn, _key, _ctx, elements, out) => {
        for (const element of elements) out.collect(element);
      },
      clear: undefined,
    };
  }
  return {
    emit: process,
    clear: (userFunction, ctx) =>
      (userFunction as { clear(c: ProcessWindowContext<AnyWindow>): void }).clear(ctx),
  };
}

/** Flink refuses rich incremental functions in windows: they would never be opened. */
export function rejectRichIncremental(fn: unknown, what: string): void {
  if (fn instanceof AbstractRichFunction) {
    const method = what.endsWith('reduce') ? 'reduce' : 'aggregate';
    throw new UserError(
      'RICH_INCREMENTAL_WINDOW_FUNCTION',
      `${what} can not be a RichFunction. Please use ${method}(function, ProcessWindowFunction) instead.`,
    );
  }
}
