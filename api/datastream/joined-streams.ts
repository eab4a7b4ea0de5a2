/**
 * Window joins and co-groups (Flink's JoinedStreams and CoGroupedStreams), built as Flink builds
 * them: both inputs are tagged and unioned, keyed by their own key selectors, windowed, and each
 * fired window's elements are split back by tag and handed to the join (every pair) or co-group
 * (both lists) function.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { CoGroupFunction, FlatJoinFunction, JoinFunction } from '../functions/co-functions.js';
import type { Collector } from '../functions/collector.js';
import { resolveMethod, type KeySelector } from '../functions/functions.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import type { Evictor } from '../windowing/evictors/evictor.js';
import type { TriggerFunctions } from '../windowing/triggers/to-trigger.js';
import type { Trigger } from '../windowing/triggers/trigger.js';
import type { Window } from '../windowing/windows/window.js';
import { DataStream, type SingleOutputStreamOperator } from './data-stream.js';
import type { WindowedStream } from './windowed-stream.js';

/** An element of either input: [0, first] or [1, second]. */
type Tagged = readonly [0 | 1, unknown];

class WindowedCoGroup<T1, T2, W extends Window> {
  private windowed: WindowedStream<Tagged, unknown, W>;

  constructor(
    first: DataStream<T1>,
    second: DataStream<T2>,
    key1: (v: T1) => unknown,
    key2: (v: T2) => unknown,
    assigner: WindowAssigner<unknown, W>,
  ) {
    const tagged1 = first.map((value): Tagged => [0, value]).name('Map');
    const tagged2 = second.map((value): Tagged => [1, value]).name('Map');
    this.windowed = tagged1
      .union(tagged2)
      .keyBy((tagged) => (tagged[0] === 0 ? key1(tagged[1] as T1) : key2(tagged[1] as T2)))
      .window(assigner);
  }

  trigger(trigger: Trigger<Tagged, W> | TriggerFunctions<Tagged, W>): this {
    this.windowed.trigger(trigger);
    return this;
  }

  evictor(evictor: Evictor<Tagged, W>): this {
    this.windowed.evictor(evictor);
    return this;
  }

  allowedLateness(lateness: number): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }

  /** @internal */
  coGroupWith<R>(
    name: string,
    fn: (first: T1[], second: T2[], out: Collector<R>) => void,
  ): SingleOutputStreamOperator<R> {
    return this.windowed
      .apply<R>((_key, _window, elements, out) => {
        const firsts: T1[] = [];
        const seconds: T2[] = [];
        for (const [tag, value] of elements) {
          if (tag === 0) firsts.push(value as T1);
          else seconds.push(value as T2);
        }
        fn(firsts, seconds, out);
      })
      .name(name);
  }
}

export class JoinedWindowedStreams<T1, T2, W extends Window> extends WindowedCoGroup<T1, T2, W> {
  /** Calls `fn` for every pair of elements of the two inputs with equal keys in the same window. */
  apply<R>(fn: JoinFunction<T1, T2, R> | FlatJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const call = resolveMethod(fn as (a: T1, b: T2, out?: Collector<R>) => R, 'join', 'join apply()');
    const flat = call.length >= 3;
    return this.coGroupWith<R>('Window(Join)', (firsts, seconds, out) => {
      for (const a of firsts) {
        for (const b of seconds) {
          if (flat) call(a, b, out);
          else out.collect(call(a, b));
        }
      }
    });
  }
}

export class CoGroupedWindowedStreams<T1, T2, W extends Window> extends WindowedCoGroup<T1, T2, W> {
  /** Calls `fn` once per key and window with the elements of both inputs (either list may be empty). */
  apply<R>(fn: CoGroupFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const call = resolveMethod(
      fn as (a: T1[], b: T2[], out: Collector<R>) => void,
      'coGroup',
      'coGroup apply()',
    );
    return this.coGroupWith<R>('Window(CoGroup)', call);
  }
}

class KeyedPair<T1, T2, Result> {
  constructor(
    private readonly make: (key1: (v: T1) => unknown, key2: (v: T2) => unknown) => Result,
    private readonly key1: (v: T1) => unknown,
  ) {}

  equalTo<K>(key: KeySelector<T2, K>): Result {
    return this.make(this.key1, resolveMethod(key as (v: T2) => K, 'getKey', 'equalTo key selector'));
  }
}

abstract class TwoInputs<T1, T2> {
  constructor(
    protected readonly first: DataStream<T1>,
    protected readonly second: DataStream<T2>,
  ) {
    if (first.environment !== second.environment) {
      throw new UserError('FOREIGN_STREAM', 'cannot join streams from different execution environments');
    }
  }
}

export class JoinedStreams<T1, T2> extends TwoInputs<T1, T2> {
  where<K>(
    key: KeySelector<T1, K>,
  ): KeyedPair<
    T1,
    T2,
    { window<W extends Window>(assigner: WindowAssigner<unknown, W>): JoinedWindowedStreams<T1, T2, W> }
  > {
    return new KeyedPair(
      (k1, k2) => ({
        window: <W extends Window>(assigner: WindowAssigner<unknown, W>) =>
          new JoinedWindowedStreams<T1, T2, W>(this.first, this.second, k1, k2, assigner),
      }),
      resolveMethod(key as (v: T1) => K, 'getKey', 'where key selector'),
    );
  }
}

export class CoGroupedStreams<T1, T2> extends TwoInputs<T1, T2> {
  where<K>(
    key: KeySelector<T1, K>,
  ): KeyedPair<
    T1,
    T2,
    { window<W extends Window>(assigner: WindowAssigner<unknown, W>): CoGroupedWindowedStreams<T1, T2, W> }
  > {
    return new KeyedPair(
      (k1, k2) => ({
        window: <W extends Window>(assigner: WindowAssigner<unknown, W>) =>
          new CoGroupedWindowedStreams<T1, T2, W>(this.first, this.second, k1, k2, assigner),
      }),
      resolveMethod(key as (v: T1) => K, 'getKey', 'where key selector'),
    );
  }
}

DataStream.joinFactory = {
  join: <A, B>(first: DataStream<A>, second: DataStream<B>) => new JoinedStreams<A, B>(first, second),
  coGroup: <A, B>(first: DataStream<A>, second: DataStream<B>) => new CoGroupedStreams<A, B>(first, second),
};
