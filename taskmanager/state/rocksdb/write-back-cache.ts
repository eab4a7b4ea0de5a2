/**
 * The bookkeeping of the RocksDB backend's write-back cache across all its states: how many
 * (key, namespace) entries are cached, which are dirty, and the order they came in (the oldest
 * leave first). Costs O(1) per access; a flush visits only dirty entries.
 */
import type { CachedEntry } from './rocksdb-state-table.js';

export class WriteBackCache {
  /** Cached entries in insertion order from `head` on (some replaced or evicted since: skipped). */
  private order: CachedEntry<unknown>[] = [];
  private head = 0;
  private dirtyEntries: CachedEntry<unknown>[] = [];
  /** Entries currently in the states' maps. */
  size = 0;

  constructor(readonly capacity: number) {}

  /** A new entry went into a state's map (`replaced`: it took the place of a cached one). */
  added(entry: CachedEntry<unknown>, replaced: boolean): void {
    this.order.push(entry);
    if (!replaced) this.size++;
    if (entry.dirty) this.dirtyEntries.push(entry);
  }

  /** A cached entry became dirty. */
  dirtied(entry: CachedEntry<unknown>): void {
    this.dirtyEntries.push(entry);
  }

  get overCapacity(): boolean {
    return this.size > this.capacity;
  }

  /** The dirty entries still cached, each once; they are clean afterwards. */
  takeDirty(): CachedEntry<unknown>[] {
    const out: CachedEntry<unknown>[] = [];
    for (const entry of this.dirtyEntries) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      if (entry.table.cached(entry.offset, entry.keyId, entry.namespace) === entry) out.push(entry);
    }
    this.dirtyEntries = [];
    return out;
  }

  /**
   * Drops the oldest clean entries until `target` remain (call right after a flush). An entry whose
   * write batch is not applied yet (newer than `appliedBatch`) stays, and goes to the back.
   */
  evictTo(target: number, appliedBatch: number): void {
    const order = this.order;
    const end = order.length;
    while (this.size > target && this.head < end) {
      const entry = order[this.head++]!;
      if (entry.dirty) continue; // a newer entry or a later flush
      if (entry.writtenIn > appliedBatch) {
        if (entry.table.cached(entry.offset, entry.keyId, entry.namespace) === entry) order.push(entry);
        continue;
      }
      if (entry.table.evict(entry)) this.size--;
    }
    if (this.head > order.length / 2) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.order = [];
    this.head = 0;
    this.dirtyEntries = [];
    this.size = 0;
  }
}
