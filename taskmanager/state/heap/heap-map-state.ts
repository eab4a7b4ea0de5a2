import type { MapState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import { heapKeyId } from './heap-key-id.js';
import { MapStateEntry } from './state-table.js';

/**
 * Flink's HeapMapState. User keys may be any JSON-like value: they are compared by their canonical
 * identity (so `{a: 1, b: 2}` and `{b: 2, a: 1}` are one key) and given back as first put. A map
 * emptied by `remove` leaves no entry.
 */
export class HeapMapState<K, V>
  extends AbstractHeapState<Map<unknown, MapStateEntry>>
  implements MapState<K, V>
{
  get(key: K): V | undefined {
    const entry = this.getEntry();
    if (entry === undefined) return undefined;
    return entry.value.get(heapKeyId(key))?.value as V | undefined;
  }

  put(key: K, value: V): void {
    const id = heapKeyId(key);
    const entry = this.getEntry();
    if (entry === undefined) {
      this.putNewEntry(new Map([[id, new MapStateEntry(key, value)]]));
      return;
    }
    const existing = entry.value.get(id);
    if (existing !== undefined) existing.value = value;
    else entry.value.set(id, new MapStateEntry(key, value));
  }

  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(key: K): void {
    const entry = this.getEntry();
    if (entry === undefined) return;
    entry.value.delete(heapKeyId(key));
    if (entry.value.size === 0) this.clear();
  }

  contains(key: K): boolean {
    const entry = this.getEntry();
    return entry !== undefined && entry.value.has(heapKeyId(key));
  }

  *entries(): IterableIterator<[K, V]> {
    const entry = this.getEntry();
    if (entry === undefined) return;
    for (const e of entry.value.values()) yield [e.key as K, e.value as V];
  }

  *keys(): IterableIterator<K> {
    const entry = this.getEntry();
    if (entry === undefined) return;
    for (const e of entry.value.values()) yield e.key as K;
  }

  *values(): IterableIterator<V> {
    const entry = this.getEntry();
    if (entry === undefined) return;
    for (const e of entry.value.values()) yield e.value as V;
  }

  isEmpty(): boolean {
    return this.getEntry() === undefined;
  }
}
