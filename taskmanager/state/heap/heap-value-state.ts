import type { ValueState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';

/** Flink's HeapValueState: one value per key and namespace; `update(undefined | null)` clears. */
export class HeapValueState<T> extends AbstractHeapState<T> implements ValueState<T> {
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<T>,
    private readonly defaultValue: T | undefined,
  ) {
    super(keyContext, table);
  }

  value(): T | undefined {
    const entry = this.getEntry();
    return entry !== undefined ? entry.value : defaultValueCopy(this.defaultValue);
  }

  update(value: T | undefined): void {
    if (value === undefined || value === null) {
      this.clear();
      return;
    }
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = value;
    else this.putNewEntry(value);
  }
}

/** A copy of a descriptor's default value, as Flink's serializer.copy(default): a caller mutating it must not change the default. */
export function defaultValueCopy<T>(defaultValue: T | undefined): T | undefined {
  return typeof defaultValue === 'object' && defaultValue !== null
    ? structuredClone(defaultValue)
    : defaultValue;
}
