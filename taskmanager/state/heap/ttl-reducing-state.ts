import { resolveMethod } from '../../../api/functions/functions.js';
import type { ReduceFunction } from '../../../api/functions/functions.js';
import type { ReducingState } from '../../../api/state/state.js';
import { AbstractTtlState } from './abstract-ttl-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

/**
 * Flink's TtlReducingState: `add` reduces into the stored value unless it has expired (then the
 * added value starts afresh) and refreshes the timestamp; adding null/undefined clears.
 */
export class TtlReducingState<T> extends AbstractTtlState<T> implements ReducingState<T> {
  private readonly reduce: (a: T, b: T) => T;

  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<TtlValue<T>>,
    ttl: TtlStateContext,
    reduceFunction: ReduceFunction<T>,
  ) {
    super(keyContext, table, ttl);
    this.reduce = resolveMethod<(a: T, b: T) => T>(
      reduceFunction,
      'reduce',
      `the ReduceFunction of reducing state '${table.name}'`,
    );
  }

  get(): T | undefined {
    return this.getWrappedWithTtlCheckAndUpdate()?.userValue;
  }

  add(value: T): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    const now = this.ttl.now();
    const current = this.getUnexpired(now);
    this.putWrapped(current === undefined ? value : this.reduce(current, value), now);
  }

  protected override mergeValues(a: TtlValue<T>, b: TtlValue<T>): TtlValue<T> {
    return this.mergeWrapped(a, b, this.reduce);
  }
}
