import type { ListState } from '../../../api/state/state.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { AbstractHeapState } from './abstract-heap-state.js';

/**
 * Flink's HeapListState. `get()` returns a copy; null and undefined elements are rejected (as
 * Flink does) before anything is changed; an emptied list leaves no entry.
 */
export class HeapListState<T> extends AbstractHeapState<T[]> implements ListState<T> {
  get(): T[] {
    const entry = this.getEntry();
    return entry === undefined ? [] : entry.value.slice();
  }

  add(value: T): void {
    if (value === undefined || value === null) throw nullElement(this.table.name);
    const entry = this.getEntry();
    if (entry !== undefined) entry.value.push(value);
    else this.putNewEntry([value]);
  }

  /** Adds `value` to the current key's existing value in the current namespace; false, adding nothing, when there is none. */
  addIfPresent(value: T): boolean {
    if (value === undefined || value === null) return false;
    const entry = this.getEntry();
    if (entry === undefined) return false;
    entry.value.push(value);
    return true;
  }

  addAll(values: Iterable<T>): void {
    const added = checkedElements(values, this.table.name);
    if (added.length === 0) return;
    const entry = this.getEntry();
    if (entry === undefined) {
      this.putNewEntry(added);
      return;
    }
    const list = entry.value;
    for (let i = 0; i < added.length; i++) list.push(added[i] as T);
  }

  update(values: Iterable<T>): void {
    const next = checkedElements(values, this.table.name);
    if (next.length === 0) {
      this.clear();
      return;
    }
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = next;
    else this.putNewEntry(next);
  }

  protected override mergeValues(a: T[], b: T[]): T[] {
    return a.concat(b);
  }
}

/** A fresh array of the elements, or an error naming the state if any element is null/undefined. */
export function checkedElements<T>(values: Iterable<T>, stateName: string): T[] {
  if (values === undefined || values === null) {
    throw new UserError(
      'NULL_LIST_STATE_VALUES',
      `list state '${stateName}': the values to add must not be null`,
    );
  }
  const copy = Array.from(values);
  for (const v of copy) if (v === undefined || v === null) throw nullElement(stateName);
  return copy;
}

export function nullElement(stateName: string): UserError {
  return new UserError(
    'NULL_LIST_STATE_ELEMENT',
    `list state '${stateName}' cannot hold null or undefined elements; filter them out before adding`,
  );
}
