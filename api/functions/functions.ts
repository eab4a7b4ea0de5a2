/**
 * The user-function shapes of the DataStream API. Each may be a plain function or an object
 * (often a class extending a Rich* base) with the method Flink names.
 */
import type { Collector } from './collector.js';

export type MapFunction<IN, OUT> = ((value: IN) => OUT) | { map(value: IN): OUT };
export type FlatMapFunction<IN, OUT> =
  ((value: IN, out: Collector<OUT>) => void) | { flatMap(value: IN, out: Collector<OUT>): void };
export type FilterFunction<T> = ((value: T) => boolean) | { filter(value: T): boolean };
export type ReduceFunction<T> = ((a: T, b: T) => T) | { reduce(a: T, b: T): T };
export type KeySelector<T, K> = ((value: T) => K) | { getKey(value: T): K };

export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/** Resolves a function-or-object into a plain call, bound to its object. */
export function resolveMethod<F extends (...args: never[]) => unknown>(
  fn: F | Record<string, unknown>,
  method: string,
  what: string,
): F {
  if (typeof fn === 'function') return fn;
  const candidate = (fn as Record<string, unknown> | null | undefined)?.[method];
  if (typeof candidate !== 'function') {
    throw new TypeError(`${what} must be a function or an object with a '${method}' method`);
  }
  return (candidate as F).bind(fn) as F;
}
