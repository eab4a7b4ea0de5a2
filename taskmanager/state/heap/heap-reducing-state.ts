import { resolveMethod } from '../../../api/functions/functions.js';
import type { ReduceFunction } from '../../../api/functions/functions.js';
import type { ReducingState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';

/** Flink's HeapReducingState: keeps reduce(previous, added); adding null/undefined clears, as in Flink. */
export class HeapReducingState<T> extends AbstractHeapState<T> implements ReducingState<T> {
  private readonly reduce: (a: T, b: T) => T;

  constructor(keyContext: InternalKeyContext, table: StateTable<T>, reduceFunction: ReduceFunction<T>) {
    super(keyContext, table);
    this.reduce = resolveMethod<(a: T, b: T) => T>(
      reduceFunction,
      'reduce',
      `the ReduceFunction of reducing state '${table.name}'`,
    );
  }

  get(): T | undefined {
    return this.getEntry()?.value;
  }

  add(value: T): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = this.reduce(entry.value, value);
    else this.putNewEntry(value);
  }

  /** Adds `value` to the current key's existing value in the current namespace; false, adding nothing, when there is none. */
  addIfPresent(value: T): boolean {
    if (value === undefined || value === null) return false;
    const entry = this.getEntry();
    if (entry === undefined) return false;
    entry.value = this.reduce(entry.value, value);
    return true;
  }

  protected override mergeValues(a: T, b: T): T {
    return this.reduce(a, b);
  }
}
