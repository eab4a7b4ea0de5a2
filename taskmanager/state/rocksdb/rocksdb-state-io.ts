/**
 * Converting between the RocksDB backend's cache, its stored bytes and the canonical snapshot form.
 * RocksDB holds each value in the canonical form (map state as [key, value] pairs, list state as
 * an array), so a snapshot copies values without rebuilding them and a restore writes them as
 * they come.
 */
import type { KeyGroupRange } from '../../../common/key-groups.js';
import { heapKeyId } from '../heap/heap-key-id.js';
import { fromSnapshotValue, toSnapshotValue, withoutExpiredTtlValues } from '../heap/snapshot-values.js';
import type { KeyGroupStates } from '../keyed-state-backend.js';
import type { WriteOps } from './rocksdb-io-protocol.js';
import type { RocksDBInstance } from './rocksdb-instance.js';
import type { IteratorChunk } from './rocksdb-io-protocol.js';
import {
  decodeStateKey,
  decodeStateValue,
  encodeStateValue,
  keyGroupsRange,
  keyIdBytes,
  stateKey,
} from './rocksdb-key-codec.js';
import { ABSENT, type RocksDBStateTable } from './rocksdb-state-table.js';

type Entry = readonly [key: unknown, namespace: string, value: unknown];

/** Entries per write batch when restoring. */
const RESTORE_BATCH = 10_000;

export function encodeStoredValue(
  table: RocksDBStateTable<unknown>,
  key: unknown,
  value: unknown,
): Uint8Array {
  return encodeStateValue(key, toSnapshotValue(table.kind, value));
}

/** [the key as stored, the value as the heap state classes hold it (ABSENT for an empty list or map)]. */
export function decodeStoredEntry(table: RocksDBStateTable<unknown>, bytes: Uint8Array): [unknown, unknown] {
  const [key, canonical] = decodeStateValue(bytes);
  const value = fromSnapshotValue(table.kind, canonical, table.name);
  return [key, value === undefined ? ABSENT : value];
}

/** Write batches holding `entries` (canonical form) of one state in one key group. */
export function* restoreOps(
  table: RocksDBStateTable<unknown>,
  keyGroup: number,
  entries: readonly Entry[],
): Generator<WriteOps> {
  let batch: WriteOps = { keys: [], values: [] };
  for (const [key, namespace, value] of entries) {
    // Validates the value's shape; an empty list or map is no entry.
    if (fromSnapshotValue(table.kind, value, table.name) === undefined) continue;
    batch.keys.push(stateKey(keyGroup, table.stateId, keyIdBytes(heapKeyId(key)), namespace));
    batch.values.push(encodeStateValue(key, value));
    if (batch.keys.length >= RESTORE_BATCH) {
      yield batch;
      batch = { keys: [], values: [] };
    }
  }
  if (batch.keys.length > 0) yield batch;
}

/**
 * Opens an iterator over `range` NOW (its RocksDB snapshot is the checkpoint) and gives the entries
 * of `tables` key group by key group, reading chunk by chunk.
 */
/** States (by state ID) whose expired TTL values a snapshot leaves out, and the time to judge by. */
export interface TtlCleanup {
  readonly ttls: ReadonlyMap<number, number>;
  readonly now: number;
}

export function readKeyGroups(
  instance: RocksDBInstance,
  range: KeyGroupRange,
  tables: readonly RocksDBStateTable<unknown>[],
  ttlCleanup: TtlCleanup = NO_TTL_CLEANUP,
): AsyncIterable<readonly [number, KeyGroupStates]> {
  const [gte, lt] = keyGroupsRange(range.startKeyGroup, range.endKeyGroup);
  const chunks = range.numberOfKeyGroups === 0 || tables.length === 0 ? undefined : instance.iterate(gte, lt);
  return {
    async *[Symbol.asyncIterator]() {
      if (chunks === undefined) return;
      const groups = new KeyGroupGrouping(tables, ttlCleanup);
      for await (const chunk of chunks) yield* groups.accept(chunk);
      yield* groups.finish();
    },
  };
}

/** The same as `readKeyGroups`, blocking: for test aids only. */
export function readKeyGroupsSync(
  instance: RocksDBInstance,
  range: KeyGroupRange,
  tables: readonly RocksDBStateTable<unknown>[],
  ttlCleanup: TtlCleanup = NO_TTL_CLEANUP,
): Map<number, KeyGroupStates> {
  const out = new Map<number, KeyGroupStates>();
  if (range.numberOfKeyGroups === 0 || tables.length === 0) return out;
  const groups = new KeyGroupGrouping(tables, ttlCleanup);
  for (const [keyGroup, states] of groups.accept(
    instance.iterateSync(...keyGroupsRange(range.startKeyGroup, range.endKeyGroup)),
  ))
    out.set(keyGroup, states);
  for (const [keyGroup, states] of groups.finish()) out.set(keyGroup, states);
  return out;
}

const NO_TTL_CLEANUP: TtlCleanup = { ttls: new Map(), now: 0 };

/**
 * Groups iterated entries (in key order, so key group by key group) of `tables` into each key
 * group's states, canonical form, leaving out other operators' states and expired TTL values.
 */
class KeyGroupGrouping {
  private readonly byId: Map<number, RocksDBStateTable<unknown>>;
  private current = -1;
  private perState = new Map<string, Entry[]>();

  constructor(
    tables: readonly RocksDBStateTable<unknown>[],
    private readonly ttlCleanup: TtlCleanup,
  ) {
    this.byId = new Map(tables.map((t) => [t.stateId, t]));
  }

  /** Yields the key groups the chunk completes. */
  *accept(chunk: IteratorChunk): Generator<readonly [number, KeyGroupStates]> {
    for (let i = 0; i < chunk.keys.length; i++) {
      const { keyGroup, stateId, namespace } = decodeStateKey(chunk.keys[i]!);
      const table = this.byId.get(stateId);
      if (table === undefined) continue; // another operator's state in the same slot
      if (keyGroup !== this.current) {
        yield* this.finish();
        this.current = keyGroup;
      }
      const [key, stored] = decodeStateValue(chunk.values[i]!);
      const ttl = this.ttlCleanup.ttls.get(stateId);
      const value =
        ttl === undefined ? stored : withoutExpiredTtlValues(table.kind, stored, ttl, this.ttlCleanup.now);
      if (value === undefined) continue;
      let entries = this.perState.get(table.name);
      if (entries === undefined) this.perState.set(table.name, (entries = []));
      entries.push([key, namespace, value]);
    }
  }

  /** Yields the key group in progress, if it has entries. */
  *finish(): Generator<readonly [number, KeyGroupStates]> {
    if (this.perState.size > 0) yield [this.current, this.perState] as const;
    this.perState = new Map();
  }
}
