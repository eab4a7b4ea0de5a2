import { UserError } from '../../common/errors/freshet-error.js';
import type { AggregateFunction, ReduceFunction } from '../functions/functions.js';
import { StateTtlConfig } from './state-ttl-config.js';

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
  private ttl: StateTtlConfig = StateTtlConfig.DISABLED;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('a state descriptor needs a non-empty name');
    }
  }

  /** The state's time-to-live; StateTtlConfig.DISABLED unless `enableTimeToLive` was called. */
  get ttlConfig(): StateTtlConfig {
    return this.ttl;
  }

  /**
   * Flink's enableTimeToLive: values of this state expire `ttlConfig.ttl` milliseconds (processing
   * time) after their last access. Call it before the state is first obtained from the runtime
   * context; enabling or disabling TTL on state restored from a snapshot is refused.
   */
  enableTimeToLive(ttlConfig: StateTtlConfig): this {
    if (!(ttlConfig instanceof StateTtlConfig)) {
      throw new UserError(
        'INVALID_STATE_TTL_CONFIG',
        `enableTimeToLive of state '${this.name}' needs a StateTtlConfig (StateTtlConfig.newBuilder(ttl).build())`,
      );
    }
    this.ttl = ttlConfig;
    return this;
  }

  getTtlConfig(): StateTtlConfig {
    return this.ttl;
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
