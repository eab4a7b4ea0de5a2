/**
 * Flink's RocksDBKeyedStateBackend (`state.backend.type: rocksdb`): keyed state in the slot's
 * RocksDB instance, behind a bounded write-back cache that the heap state classes run over.
 *
 * - Reads: before a batch of records (or of due timers) the operator calls `prefetch` with the
 *   (key, namespace) pairs it will touch; every pair not cached is read in ONE multi-get. An access
 *   that was not prefetched reads on its own (synchronously), so user code never waits on a promise.
 * - Writes stay in the cache, dirty. When the cache holds more than `cacheSize` entries (checked
 *   between batches), dirty entries go to RocksDB in one write batch and the oldest entries leave.
 * - Snapshots: at the barrier every dirty entry is written and an iterator is opened, whose
 *   implicit RocksDB snapshot is the checkpoint; it is read asynchronously, key group by key
 *   group, into the canonical form both backends share.
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { assignToKeyGroup, type KeyGroupRange } from '../../../common/key-groups.js';
import { heapKeyId } from '../heap/heap-key-id.js';
import { AbstractKeyedStateBackend } from '../abstract-keyed-state-backend.js';
import type {
  AsyncKeyedStateSnapshot,
  KeyedStateBackend,
  KeyedStateSnapshot,
  StateAccess,
} from '../keyed-state-backend.js';
import {
  decodeStoredEntry,
  encodeStoredValue,
  readKeyGroups,
  readKeyGroupsSync,
  restoreOps,
  type TtlCleanup,
} from './rocksdb-state-io.js';
import { decodeStateKey, stateKeyOf, stateRange } from './rocksdb-key-codec.js';
import type { RocksDBLease } from './slot-rocksdb.js';
import { ABSENT, type CachedEntry, RocksDBStateTable, type StateCacheOwner } from './rocksdb-state-table.js';
import type { WriteOps } from './rocksdb-io-protocol.js';
import { WriteBackCache } from './write-back-cache.js';
import { KeyBloomFilter } from './key-bloom-filter.js';

export interface RocksDBKeyedStateBackendOptions {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly lease: RocksDBLease;
  /** Cached (key, namespace) entries over all states before the cache is flushed and trimmed. */
  readonly cacheSize: number;
}

export const DEFAULT_ROCKSDB_CACHE_SIZE = 100_000;

export class RocksDBKeyedStateBackend
  extends AbstractKeyedStateBackend<RocksDBStateTable<unknown>>
  implements KeyedStateBackend, StateCacheOwner
{
  private readonly lease: RocksDBLease;
  private readonly cache: WriteBackCache;
  /** The newest write batch of the cache's dirty entries. */
  private lastFlush = 0;
  /** Every key this backend has put into RocksDB (a key not in it needs no read). */
  private readonly written = new KeyBloomFilter();
  private disposed = false;

  constructor(options: RocksDBKeyedStateBackendOptions) {
    super(options.keyGroupRange, options.maxParallelism);
    if (!Number.isInteger(options.cacheSize) || options.cacheSize < 1) {
      throw new UserError(
        'INVALID_CONFIGURATION',
        `state.backend.rocksdb.cache-size must be a positive number of entries, got ${options.cacheSize}`,
      );
    }
    this.lease = options.lease;
    this.cache = new WriteBackCache(options.cacheSize);
  }

  /** Puts one stored entry of `table` in the cache, so the TTL check has a value to look at. */
  protected override beforeRestoredStateUse(table: RocksDBStateTable<unknown>): void {
    for (const keyGroup of this.keyGroupRange) {
      const [gte, lt] = stateRange(keyGroup, table.stateId);
      const first = this.lease.instance.firstSync(gte, lt);
      if (first === undefined) continue;
      const { namespace } = decodeStateKey(first[0]);
      const [key, value] = decodeStoredEntry(table, first[1]);
      if (table.cached(keyGroup - this.keyGroupRange.startKeyGroup, heapKeyId(key), namespace) === undefined)
        table.putLoaded(keyGroup - this.keyGroupRange.startKeyGroup, heapKeyId(key), key, namespace, value);
      return;
    }
  }

  prefetch(accesses: readonly StateAccess[]): void {
    this.maintainCache();
    const tables = [...this.tables.values()];
    if (tables.length === 0) return;
    const start = this.keyGroupRange.startKeyGroup;
    const missing: {
      table: RocksDBStateTable<unknown>;
      offset: number;
      keyId: unknown;
      key: unknown;
      namespace: string;
    }[] = [];
    const dbKeys: Uint8Array[] = [];
    for (const access of accesses) {
      const key = access.key;
      if (key === undefined || key === null) continue;
      const keyGroup = access.keyGroup ?? assignToKeyGroup(key, this.maxParallelism);
      if (!this.keyGroupRange.contains(keyGroup)) continue; // setCurrentKey reports it
      const offset = keyGroup - start;
      const keyId = heapKeyId(key);
      const namespace = access.namespace;
      for (const table of tables) {
        if (!(namespace.length === 0 ? table.usesVoidNamespace : table.usesNamespaces)) continue;
        if (table.cached(offset, keyId, namespace) !== undefined) continue;
        // A placeholder (absent until read otherwise), so the pair is not fetched twice.
        const placeholder = table.putLoaded(offset, keyId, key, namespace, ABSENT);
        const dbKey = (placeholder.dbKey = stateKeyOf(keyGroup, table.stateId, keyId, namespace));
        if (!this.written.mightContain(dbKey)) continue; // never written: certainly absent
        missing.push({ table, offset, keyId, key, namespace });
        dbKeys.push(dbKey);
      }
    }
    if (dbKeys.length === 0) return;
    const values = this.lease.instance.getManySync(dbKeys);
    for (let i = 0; i < missing.length; i++) {
      const bytes = values[i];
      if (bytes === undefined) continue; // the ABSENT placeholder is right
      const { table, offset, keyId, namespace } = missing[i]!;
      const [storedKey, value] = decodeStoredEntry(table, bytes);
      table.putLoaded(offset, keyId, storedKey, namespace, value);
    }
  }

  loadSync(
    table: RocksDBStateTable<unknown>,
    offset: number,
    keyId: unknown,
    namespace: string,
  ): CachedEntry<unknown> {
    const keyGroup = this.keyGroupRange.startKeyGroup + offset;
    const dbKey = stateKeyOf(keyGroup, table.stateId, keyId, namespace);
    const [bytes] = this.written.mightContain(dbKey) ? this.lease.instance.getManySync([dbKey]) : [];
    if (bytes === undefined) {
      const absent = table.putLoaded(offset, keyId, this.keyContext.key, namespace, ABSENT);
      absent.dbKey = dbKey;
      return absent;
    }
    const [storedKey, value] = decodeStoredEntry(table, bytes);
    return table.putLoaded(offset, keyId, storedKey, namespace, value);
  }

  added(entry: CachedEntry<unknown>, replaced: boolean): void {
    this.cache.added(entry, replaced);
  }

  dirtied(entry: CachedEntry<unknown>): void {
    this.cache.dirtied(entry);
  }

  /** Writes every dirty cache entry to RocksDB in one batch (queued); returns the batch's number. */
  flush(): number | undefined {
    const batch: WriteOps = { keys: [], values: [] };
    const start = this.keyGroupRange.startKeyGroup;
    const written: CachedEntry<unknown>[] = [];
    for (const entry of this.cache.takeDirty()) {
      const table = entry.table;
      const dbKey = (entry.dbKey ??= stateKeyOf(
        start + entry.offset,
        table.stateId,
        entry.keyId,
        entry.namespace,
      ));
      if (entry.value === ABSENT) {
        // A value that lived and died in the cache (a window that fired) never reached RocksDB.
        if (!this.written.mightContain(dbKey)) continue;
        batch.keys.push(dbKey);
        batch.values.push(null);
      } else {
        this.written.add(dbKey);
        batch.keys.push(dbKey);
        batch.values.push(encodeStoredValue(table, entry.key, entry.value));
      }
      written.push(entry);
    }
    if (batch.keys.length === 0) return undefined;
    const id = this.lease.instance.write(batch, true);
    for (const entry of written) entry.writtenIn = id;
    return id;
  }

  /**
   * Between batches, past the cache size: writes the dirty entries in one batch (unless the last
   * one is still being applied) and drops the oldest entries whose writes are applied, down to 3/4
   * of the size.
   */
  private maintainCache(): void {
    if (!this.cache.overCapacity) return;
    const instance = this.lease.instance;
    if (instance.appliedBatch >= this.lastFlush) this.lastFlush = this.flush() ?? this.lastFlush;
    this.cache.evictTo(Math.floor((this.cache.capacity * 3) / 4), instance.appliedBatch);
  }

  snapshotAsync(): AsyncKeyedStateSnapshot {
    this.flush();
    const tables = [...this.tables.values()];
    return {
      maxParallelism: this.maxParallelism,
      states: tables.map((t) => ({ name: t.name, kind: t.kind })),
      keyGroups: readKeyGroups(this.lease.instance, this.keyGroupRange, tables, this.ttlCleanup(tables)),
    };
  }

  /** StateTtlConfig.cleanupFullSnapshot: per state, the TTL whose expired values a snapshot leaves out. */
  private ttlCleanup(tables: readonly RocksDBStateTable<unknown>[]): TtlCleanup {
    const ttls = new Map<number, number>();
    for (const table of tables) {
      const config = this.descriptors.get(table.name)?.ttlConfig;
      if (config?.isEnabled() === true && config.cleanupStrategies.fullSnapshot)
        ttls.set(table.stateId, config.ttl);
    }
    return { ttls, now: ttls.size === 0 ? 0 : Date.now() };
  }

  /** The same as `snapshotAsync`, read at once (blocking): for test aids and the interface. */
  snapshot(): KeyedStateSnapshot {
    this.flush();
    const tables = [...this.tables.values()];
    return {
      maxParallelism: this.maxParallelism,
      states: tables.map((t) => ({ name: t.name, kind: t.kind })),
      keyGroups: readKeyGroupsSync(this.lease.instance, this.keyGroupRange, tables, this.ttlCleanup(tables)),
    };
  }

  /** Writes the owned key groups of `snapshot` into RocksDB (queued before any later read). */
  restore(snapshot: KeyedStateSnapshot): void {
    for (const [keyGroup, table, entries] of this.ownedSnapshotEntries(snapshot)) {
      for (const batch of restoreOps(table, keyGroup, entries)) {
        for (const key of batch.keys) this.written.add(key);
        this.lease.instance.write(batch);
      }
    }
  }

  applyToAllKeys(stateName: string, fn: (key: unknown, namespace: string) => void): void {
    const table = this.tables.get(stateName);
    if (table === undefined) return;
    this.flush();
    // Read first: fn may set the current key and change this very state.
    const groups = readKeyGroupsSync(this.lease.instance, this.keyGroupRange, [table]);
    for (const states of groups.values())
      for (const [key, namespace] of states.get(stateName) ?? []) fn(key, namespace);
  }

  numKeyValueStateEntries(): number {
    this.flush();
    let n = 0;
    for (const states of readKeyGroupsSync(this.lease.instance, this.keyGroupRange, [
      ...this.tables.values(),
    ]).values())
      for (const entries of states.values()) n += entries.length;
    return n;
  }

  /** Deletes this backend's keys (queued) and lets go of the slot's instance. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const ids = [...this.tables.values()].map((t) => t.stateId);
    for (const table of this.tables.values()) {
      for (const keyGroup of this.keyGroupRange) {
        const [gte, lt] = stateRange(keyGroup, table.stateId);
        void this.lease.instance.clear(gte, lt).catch(() => undefined);
      }
    }
    this.lease.freeStateIds(ids);
    this.tables.clear();
    this.states.clear();
    this.cache.clear();
    this.lease.release();
  }

  protected createTable(name: string, kind: StateKind): RocksDBStateTable<unknown> {
    return new RocksDBStateTable<unknown>(
      name,
      kind,
      this.keyGroupRange.numberOfKeyGroups,
      this.lease.allocateStateId(),
      this,
    );
  }
}
