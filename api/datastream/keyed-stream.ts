/**
 * A stream partitioned by key (Flink's KeyedStream): records with the same key go to the same
 * subtask, and operators applied to it have keyed state scoped to the record's key.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { KeySelector, ReduceFunction } from '../functions/functions.js';
import type { KeyedProcessFunction } from '../functions/keyed-process-function.js';
import { resolveMethod } from '../functions/functions.js';
import { DataStream, type SingleOutputStreamOperator } from './data-stream.js';
import { fieldAggregator, type AggregationField } from './field-aggregators.js';
import { WindowedStream } from './windowed-stream.js';
import { IntervalJoin } from './interval-join.js';
import type { WindowOperatorSpec } from '../graph/window-operator-spec.js';
import { GlobalWindows } from '../windowing/assigners/global-windows.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import { CountEvictor } from '../windowing/evictors/count-evictor.js';
import { CountTrigger } from '../windowing/triggers/count-trigger.js';
import { PurgingTrigger } from '../windowing/triggers/purging-trigger.js';
import type { GlobalWindow } from '../windowing/windows/global-window.js';
import type { Window } from '../windowing/windows/window.js';

export class KeyedStream<T, K> extends DataStream<T> {
  private readonly keyOf: (value: T) => K;

  constructor(input: DataStream<T>, keySelector: KeySelector<T, K>) {
    const keyOf = resolveMethod<(value: T) => K>(keySelector, 'getKey', 'keyBy key selector');
    super(input.environment, {
      type: 'partition',
      id: input.environment.nextId(),
      input: input.transformation,
      partitioner: 'hash',
      keySelector: keyOf as (value: unknown) => unknown,
    });
    this.keyOf = keyOf;
  }

  getKeySelector(): (value: T) => K {
    return this.keyOf;
  }

  protected override stateKeySelector(): KeySelector<unknown, unknown> {
    return this.keyOf as (value: unknown) => unknown;
  }

  override process<R>(fn: KeyedProcessFunction<K, T, R>): SingleOutputStreamOperator<R> {
    if (
      !(fn instanceof Object) ||
      typeof (fn as { processElement?: unknown }).processElement !== 'function'
    ) {
      throw new UserError(
        'INVALID_FUNCTION',
        'process() needs a KeyedProcessFunction with a processElement method',
      );
    }
    return this.transform('KeyedProcess', {
      kind: 'keyedProcess',
      fn: fn as unknown as KeyedProcessFunction<unknown, unknown, unknown>,
    });
  }

  /** Cuts the keyed stream into windows (Flink's `window`). */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Count windows: tumbling of `size` elements, or sliding by `slide` elements (Flink's countWindow). */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    const windowed = this.window(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return windowed
      .evictor(CountEvictor.of<GlobalWindow>(size))
      .trigger(CountTrigger.of<GlobalWindow>(slide));
  }

  /** @internal Adds a window operator on this keyed stream. */
  windowOperator<R>(name: string, spec: WindowOperatorSpec): SingleOutputStreamOperator<R> {
    return this.transform<R>(name, { kind: 'window', window: spec });
  }

  /** Joins with another keyed stream on time intervals (Flink's intervalJoin). */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /** Rolling reduce per key: emits the new reduced value for every input record. */
  reduce(reducer: ReduceFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Keyed Reduce', { kind: 'keyedReduce', fn: reducer as ReduceFunction<unknown> });
  }

  /** Rolling sum of a field (property name or array index), or of the values themselves when omitted. */
  sum(field?: AggregationField): SingleOutputStreamOperator<T> {
    return this.aggregateField('Keyed Aggregation', 'sum', field);
  }
  min(field?: AggregationField): SingleOutputStreamOperator<T> {
    return this.aggregateField('Keyed Aggregation', 'min', field);
  }
  max(field?: AggregationField): SingleOutputStreamOperator<T> {
    return this.aggregateField('Keyed Aggregation', 'max', field);
  }
  minBy(field?: AggregationField, first = true): SingleOutputStreamOperator<T> {
    return this.aggregateField('Keyed Aggregation', 'minBy', field, first);
  }
  maxBy(field?: AggregationField, first = true): SingleOutputStreamOperator<T> {
    return this.aggregateField('Keyed Aggregation', 'maxBy', field, first);
  }

  private aggregateField(
    name: string,
    kind: 'sum' | 'min' | 'max' | 'minBy' | 'maxBy',
    field: AggregationField | undefined,
    first = true,
  ): SingleOutputStreamOperator<T> {
    return this.transform(name, { kind: 'keyedReduce', fn: fieldAggregator(kind, field, first) });
  }
}

DataStream.keyedStreamConstructor = KeyedStream;
