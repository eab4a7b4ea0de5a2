/**
 * One state's slice of the RocksDB backend's write-back cache. It is a StateTable, so the heap
 * state classes run over it unchanged: a hit is a map lookup; a miss reads RocksDB synchronously
 * (the backend prefetches to make misses rare) and caches the value, or the fact that there is
 * none. Writes and removals stay in the cache, marked dirty, until the backend flushes them in a
 * write batch. An entry handed to a state object is marked dirty, since state objects change
 * values in place (a list's push, a reducing state's new value).
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import { StateEntry, StateTable } from '../heap/state-table.js';

/** The value of a cached entry for a (key, namespace) that has no value (read or removed). */
export const ABSENT: unique symbol = Symbol('absent');

export class CachedEntry<V> extends StateEntry<V> {
  dirty = false;
  /** Its RocksDB key, built on first flush. */
  dbKey: Uint8Array | undefined = undefined;
  /** The write batch that last wrote it (0: none); it stays cached until that batch is applied. */
  writtenIn = 0;

  constructor(
    key: unknown,
    namespace: string,
    value: V,
    readonly offset: number,
    readonly keyId: unknown,
    readonly table: RocksDBStateTable<unknown>,
  ) {
    super(key, namespace, value);
  }
}

/** What a table needs from its backend. */
export interface StateCacheOwner {
  /** Reads (offset, keyId, namespace) of `table` from RocksDB now and caches it. */
  loadSync(
    table: RocksDBStateTable<unknown>,
    offset: number,
    keyId: unknown,
    namespace: string,
  ): CachedEntry<unknown>;
  /** A new entry went into the table (`replaced`: it took a cached entry's place). */
  added(entry: CachedEntry<unknown>, replaced: boolean): void;
  /** A cached entry became dirty. */
  dirtied(entry: CachedEntry<unknown>): void;
}

export class RocksDBStateTable<V> extends StateTable<V> {
  /** Whether state objects used the void namespace, and other namespaces: what to prefetch. */
  usesVoidNamespace = false;
  usesNamespaces = false;

  constructor(
    name: string,
    kind: StateKind,
    numberOfKeyGroups: number,
    readonly stateId: number,
    private readonly owner: StateCacheOwner,
  ) {
    super(name, kind, numberOfKeyGroups);
  }

  /** The cached entry, or undefined when (offset, keyId, namespace) is not in the cache. */
  cached(offset: number, keyId: unknown, namespace: string): CachedEntry<V> | undefined {
    return super.get(offset, keyId, namespace) as CachedEntry<V> | undefined;
  }

  override get(offset: number, keyId: unknown, namespace: string): StateEntry<V> | undefined {
    this.noteNamespace(namespace);
    let entry = super.get(offset, keyId, namespace) as CachedEntry<V> | undefined;
    if (entry === undefined) {
      entry = this.owner.loadSync(this, offset, keyId, namespace) as CachedEntry<V>;
    }
    if ((entry.value as unknown) === ABSENT) return undefined;
    if (!entry.dirty) {
      entry.dirty = true;
      this.owner.dirtied(entry);
    }
    return entry;
  }

  override put(offset: number, keyId: unknown, key: unknown, namespace: string, value: V): void {
    this.noteNamespace(namespace);
    super.put(offset, keyId, key, namespace, value);
  }

  /** Caches what RocksDB holds (or ABSENT), clean. */
  putLoaded(
    offset: number,
    keyId: unknown,
    key: unknown,
    namespace: string,
    value: V | typeof ABSENT,
  ): CachedEntry<V> {
    const entry = new CachedEntry<V>(key, namespace, value as V, offset, keyId, this);
    this.insert(offset, keyId, entry);
    return entry;
  }

  /** A removal is a dirty ABSENT entry: it reads as nothing and deletes the key at the next flush. */
  override remove(offset: number, keyId: unknown, namespace: string): void {
    super.put(offset, keyId, undefined, namespace, ABSENT as V);
  }

  /** The cached entries that hold a value. */
  override *entriesOf(offset: number): IterableIterator<StateEntry<V>> {
    for (const entry of super.entriesOf(offset)) if ((entry.value as unknown) !== ABSENT) yield entry;
  }

  /** Drops `entry` from the cache if it is still the cached one; true when it was. */
  evict(entry: CachedEntry<V>): boolean {
    if (this.cached(entry.offset, entry.keyId, entry.namespace) !== entry) return false;
    super.remove(entry.offset, entry.keyId, entry.namespace);
    return true;
  }

  protected override newEntry(
    offset: number,
    keyId: unknown,
    key: unknown,
    namespace: string,
    value: V,
  ): StateEntry<V> {
    const entry = new CachedEntry<V>(key, namespace, value, offset, keyId, this);
    entry.dirty = true;
    return entry;
  }

  protected override insert(offset: number, keyId: unknown, entry: StateEntry<V>): boolean {
    const added = super.insert(offset, keyId, entry);
    this.owner.added(entry as CachedEntry<unknown>, !added);
    return added;
  }

  private noteNamespace(namespace: string): void {
    if (namespace.length === 0) this.usesVoidNamespace = true;
    else this.usesNamespaces = true;
  }
}
