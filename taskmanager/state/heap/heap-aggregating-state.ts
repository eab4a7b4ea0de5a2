import type { AggregateFunction } from '../../../api/functions/functions.js';
import type { AggregatingState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';

/**
 * Flink's HeapAggregatingState: stores the accumulator; `get()` is getResult(accumulator), or
 * undefined when nothing was added. Adding null/undefined clears, as in Flink.
 */
export class HeapAggregatingState<IN, ACC, OUT>
  extends AbstractHeapState<ACC>
  implements AggregatingState<IN, OUT>
{
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<ACC>,
    private readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(keyContext, table);
  }

  get(): OUT | undefined {
    const entry = this.getEntry();
    return entry === undefined ? undefined : this.aggregateFunction.getResult(entry.value);
  }

  add(value: IN): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    const fn = this.aggregateFunction;
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = fn.add(value, entry.value);
    else this.putNewEntry(fn.add(value, fn.createAccumulator()));
  }

  /** Adds `value` to the current key's existing value in the current namespace; false, adding nothing, when there is none. */
  addIfPresent(value: IN): boolean {
    if (value === undefined || value === null) return false;
    const entry = this.getEntry();
    if (entry === undefined) return false;
    entry.value = this.aggregateFunction.add(value, entry.value);
    return true;
  }

  protected override mergeValues(a: ACC, b: ACC): ACC {
    return this.aggregateFunction.merge(a, b);
  }
}
