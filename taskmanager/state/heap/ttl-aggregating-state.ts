import type { AggregateFunction } from '../../../api/functions/functions.js';
import type { AggregatingState } from '../../../api/state/state.js';
import { AbstractTtlState } from './abstract-ttl-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

/**
 * Flink's TtlAggregatingState: the accumulator expires as a whole; `add` to an expired (or
 * missing) accumulator starts from createAccumulator() and refreshes the timestamp; adding
 * null/undefined clears.
 */
export class TtlAggregatingState<IN, ACC, OUT>
  extends AbstractTtlState<ACC>
  implements AggregatingState<IN, OUT>
{
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<TtlValue<ACC>>,
    ttl: TtlStateContext,
    private readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(keyContext, table, ttl);
  }

  get(): OUT | undefined {
    const wrapped = this.getWrappedWithTtlCheckAndUpdate();
    return wrapped === undefined ? undefined : this.aggregateFunction.getResult(wrapped.userValue);
  }

  add(value: IN): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    const fn = this.aggregateFunction;
    const now = this.ttl.now();
    const current = this.getUnexpired(now);
    this.putWrapped(fn.add(value, current === undefined ? fn.createAccumulator() : current), now);
  }

  protected override mergeValues(a: TtlValue<ACC>, b: TtlValue<ACC>): TtlValue<ACC> {
    return this.mergeWrapped(a, b, (x, y) => this.aggregateFunction.merge(x, y));
  }
}
