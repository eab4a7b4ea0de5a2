import type { ValueState } from '../../../api/state/state.js';
import { AbstractTtlState } from './abstract-ttl-state.js';
import { defaultValueCopy } from './heap-value-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

/**
 * Flink's TtlValueState over the heap table: `update` stores the value with the current time; an
 * expired value reads as absent (so as the descriptor's default, if it has one) and is removed.
 */
export class TtlValueState<T> extends AbstractTtlState<T> implements ValueState<T> {
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<TtlValue<T>>,
    ttl: TtlStateContext,
    private readonly defaultValue: T | undefined,
  ) {
    super(keyContext, table, ttl);
  }

  value(): T | undefined {
    const wrapped = this.getWrappedWithTtlCheckAndUpdate();
    return wrapped !== undefined ? wrapped.userValue : defaultValueCopy(this.defaultValue);
  }

  update(value: T | undefined): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    this.putWrapped(value, this.ttl.now());
  }
}
