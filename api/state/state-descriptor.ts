import type { AggregateFunction, ReduceFunction } from '../functions/functions.js';

export const StateKind = {
  value: 'value',
  list: 'list',
  map: 'map',
  reducing: 'reducing',
  aggregating: 'aggregating',
} as const;
export type StateKind = (typeof StateKind)[keyof typeof StateKind];

/** Names a piece of state and says how to build it; the name is its identity within an operator. */
export abstract class StateDescriptor<S = unknown> {
  abstract readonly kind: StateKind;
  /** Only for typing: the state interface this descriptor yields. */
  declare readonly __state?: S;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('a state descriptor needs a non-empty name');
    }
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor {
  readonly kind = StateKind.value;
  /** Deprecated in Flink but still handy: read when the state holds nothing. */
  constructor(
    name: string,
    readonly defaultValue?: T,
  ) {
    super(name);
  }
}

export class ListStateDescriptor<T> extends StateDescriptor {
  readonly kind = StateKind.list;
  declare readonly __element?: T;
}

export class MapStateDescriptor<K, V> extends StateDescriptor {
  readonly kind = StateKind.map;
  declare readonly __entry?: [K, V];
}

export class ReducingStateDescriptor<T> extends StateDescriptor {
  readonly kind = StateKind.reducing;
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunction<T>,
  ) {
    super(name);
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor {
  readonly kind = StateKind.aggregating;
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
  }
}

export type AnyStateDescriptor =
  | ValueStateDescriptor<unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<unknown, unknown>
  | ReducingStateDescriptor<unknown>
  | AggregatingStateDescriptor<unknown, unknown, unknown>;
