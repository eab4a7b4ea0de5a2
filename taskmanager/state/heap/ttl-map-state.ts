import type { MapState } from '../../../api/state/state.js';
import { AbstractHeapState } from './abstract-heap-state.js';
import { heapKeyId } from './heap-key-id.js';
import type { InternalKeyContext } from './internal-key-context.js';
import { MapStateEntry } from './state-table.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

type StoredMap = Map<unknown, MapStateEntry>;

/**
 * Flink's TtlMapState: every map entry carries its own timestamp (its MapStateEntry value is a
 * TtlValue). Reads by key and iteration remove the expired entries they meet (returning them this
 * once with ReturnExpiredIfNotCleanedUp) and, with OnReadAndWrite, refresh the ones they return.
 * Iteration works on a list taken when `entries()`/`keys()`/`values()` is called.
 */
export class TtlMapState<K, V> extends AbstractHeapState<StoredMap> implements MapState<K, V> {
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<StoredMap>,
    private readonly ttl: TtlStateContext,
  ) {
    super(keyContext, table);
  }

  get(key: K): V | undefined {
    return this.getWrapped(key)?.userValue;
  }

  put(key: K, value: V): void {
    const id = heapKeyId(key);
    const wrapped = this.ttl.wrap(value, this.ttl.now());
    const entry = this.getEntry();
    if (entry === undefined) {
      this.putNewEntry(new Map([[id, new MapStateEntry(key, wrapped)]]));
      return;
    }
    const existing = entry.value.get(id);
    if (existing !== undefined) existing.value = wrapped;
    else entry.value.set(id, new MapStateEntry(key, wrapped));
  }

  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(key: K): void {
    const entry = this.getEntry();
    if (entry === undefined) return;
    this.removeId(entry.value, heapKeyId(key));
  }

  contains(key: K): boolean {
    return this.getWrapped(key) !== undefined;
  }

  entries(): IterableIterator<[K, V]> {
    return this.readVisible()
      .map((e): [K, V] => [e.key as K, (e.value as TtlValue<V>).userValue])
      .values();
  }

  keys(): IterableIterator<K> {
    return this.readVisible()
      .map((e) => e.key as K)
      .values();
  }

  values(): IterableIterator<V> {
    return this.readVisible()
      .map((e) => (e.value as TtlValue<V>).userValue)
      .values();
  }

  /** True when no unexpired entry is left; removes the expired entries it meets on the way. */
  isEmpty(): boolean {
    const entry = this.getEntry();
    if (entry === undefined) return true;
    const map = entry.value;
    const now = this.ttl.now();
    for (const [id, e] of map) {
      if (!this.ttl.expired(e.value as TtlValue<V>, now)) return false;
      map.delete(id);
    }
    this.clear();
    return true;
  }

  /** Flink's getWithTtlCheckAndUpdate for one map key. */
  private getWrapped(key: K): TtlValue<V> | undefined {
    const entry = this.getEntry();
    if (entry === undefined) return undefined;
    const id = heapKeyId(key);
    const stored = entry.value.get(id)?.value as TtlValue<V> | undefined;
    if (stored === undefined) return undefined;
    const now = this.ttl.now();
    if (this.ttl.expired(stored, now)) {
      this.removeId(entry.value, id);
      return this.ttl.returnExpired ? stored : undefined;
    }
    if (this.ttl.updateOnRead) stored.lastAccessTimestamp = now;
    return stored;
  }

  /** The entries a read may see, after removing (and, if visible, keeping) the expired ones. */
  private readVisible(): MapStateEntry[] {
    const entry = this.getEntry();
    if (entry === undefined) return [];
    const map = entry.value;
    const ttl = this.ttl;
    const now = ttl.now();
    const visible: MapStateEntry[] = [];
    for (const [id, e] of map) {
      const stored = e.value as TtlValue<V>;
      if (ttl.expired(stored, now)) {
        map.delete(id); // deleting the current key does not disturb a Map iteration
        if (ttl.returnExpired) visible.push(e);
        continue;
      }
      if (ttl.updateOnRead) stored.lastAccessTimestamp = now;
      visible.push(e);
    }
    if (map.size === 0) this.clear();
    return visible;
  }

  private removeId(map: StoredMap, id: unknown): void {
    map.delete(id);
    if (map.size === 0) this.clear();
  }
}
