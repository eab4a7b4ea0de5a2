import type { ListState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import { checkedElements, nullElement } from './heap-list-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

/**
 * Flink's TtlListState: every element carries its own timestamp (set when it is added). `get()`
 * returns the unexpired elements in order (with ReturnExpiredIfNotCleanedUp the expired ones too,
 * this once) and drops the expired ones from the stored list; with OnReadAndWrite it refreshes the
 * elements it returns.
 */
export class TtlListState<T> extends AbstractHeapState<Array<TtlValue<T>>> implements ListState<T> {
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<Array<TtlValue<T>>>,
    private readonly ttl: TtlStateContext,
  ) {
    super(keyContext, table);
  }

  get(): T[] {
    const entry = this.getEntry();
    if (entry === undefined) return [];
    const ttl = this.ttl;
    const now = ttl.now();
    const stored = entry.value;
    const result: T[] = [];
    // Allocated only once an expired element is met: the common case keeps the stored array.
    let unexpired: Array<TtlValue<T>> | undefined;
    for (let i = 0; i < stored.length; i++) {
      const element = stored[i]!;
      if (ttl.expired(element, now)) {
        unexpired ??= stored.slice(0, i);
        if (ttl.returnExpired) result.push(element.userValue);
        continue;
      }
      if (ttl.updateOnRead) element.lastAccessTimestamp = now;
      unexpired?.push(element);
      result.push(element.userValue);
    }
    if (unexpired !== undefined) {
      if (unexpired.length === 0) this.clear();
      else entry.value = unexpired;
    }
    return result;
  }

  add(value: T): void {
    if (value === undefined || value === null) throw nullElement(this.table.name);
    const wrapped = this.ttl.wrap(value, this.ttl.now());
    const entry = this.getEntry();
    if (entry !== undefined) entry.value.push(wrapped);
    else this.putNewEntry([wrapped]);
  }

  addAll(values: Iterable<T>): void {
    const added = this.wrapAll(checkedElements(values, this.table.name));
    if (added.length === 0) return;
    const entry = this.getEntry();
    if (entry === undefined) {
      this.putNewEntry(added);
      return;
    }
    const list = entry.value;
    for (let i = 0; i < added.length; i++) list.push(added[i]!);
  }

  update(values: Iterable<T>): void {
    const next = this.wrapAll(checkedElements(values, this.table.name));
    if (next.length === 0) {
      this.clear();
      return;
    }
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = next;
    else this.putNewEntry(next);
  }

  protected override mergeValues(a: Array<TtlValue<T>>, b: Array<TtlValue<T>>): Array<TtlValue<T>> {
    return a.concat(b);
  }

  private wrapAll(values: T[]): Array<TtlValue<T>> {
    const now = this.ttl.now();
    return values.map((v) => this.ttl.wrap(v, now));
  }
}
