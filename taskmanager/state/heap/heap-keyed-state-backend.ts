/**
 * Flink's HeapKeyedStateBackend (`state.backend.type: hashmap`): keyed state in JavaScript maps.
 *
 * Layout: one StateTable per state name; a table holds, per key group of this backend's range, a
 * Map from (key, namespace) identity to an entry {key, namespace, value}. The per-record hot path
 * is `setCurrentKey` (one hash, one key identity, no allocation for string keys) followed by state
 * accesses that each cost one array index (the current key group) and one Map lookup.
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import type { KeyGroupRange } from '../../../common/key-groups.js';
import type { KeyedStateBackend, KeyedStateSnapshot } from '../keyed-state-backend.js';
import { AbstractKeyedStateBackend } from '../abstract-keyed-state-backend.js';
import { heapKeyId } from './heap-key-id.js';
import { fromSnapshotValue, toSnapshotValue, withoutExpiredTtlValues } from './snapshot-values.js';
import { StateTable } from './state-table.js';
import type { TtlTimeProvider } from './ttl-state-context.js';

export interface HeapKeyedStateBackendOptions {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  /** The processing-time clock of state TTL (epoch ms); Date.now when not given. */
  readonly ttlTimeProvider?: TtlTimeProvider;
}

type SnapshotEntry = [unknown, string, unknown];

export class HeapKeyedStateBackend
  extends AbstractKeyedStateBackend<StateTable<unknown>>
  implements KeyedStateBackend
{
  private readonly startKeyGroup: number;

  constructor({ keyGroupRange, maxParallelism, ttlTimeProvider }: HeapKeyedStateBackendOptions) {
    super(keyGroupRange, maxParallelism, ttlTimeProvider);
    this.startKeyGroup = keyGroupRange.startKeyGroup;
  }

  applyToAllKeys(stateName: string, fn: (key: unknown, namespace: string) => void): void {
    const table = this.tables.get(stateName);
    if (table === undefined) return;
    for (let offset = 0; offset < table.groups.length; offset++) {
      // Copied first: fn may set the current key and change this very state.
      for (const entry of Array.from(table.entriesOf(offset))) fn(entry.key, entry.namespace);
    }
  }

  numKeyValueStateEntries(): number {
    let n = 0;
    for (const table of this.tables.values()) n += table.size();
    return n;
  }

  snapshot(): KeyedStateSnapshot {
    const keyGroups = new Map<number, Map<string, SnapshotEntry[]>>();
    const tables = Array.from(this.tables.values());
    const numberOfKeyGroups = this.keyGroupRange.numberOfKeyGroups;
    // StateTtlConfig.cleanupFullSnapshot: the TTL (ms) of each state whose expired values stay out.
    const ttlCleanup = tables.map((t) => {
      const config = this.descriptors.get(t.name)?.ttlConfig;
      return config?.isEnabled() && config.cleanupStrategies.fullSnapshot ? config.ttl : undefined;
    });
    const now = ttlCleanup.some((ttl) => ttl !== undefined) ? this.ttlTimeProvider() : 0;
    for (let offset = 0; offset < numberOfKeyGroups; offset++) {
      let perState: Map<string, SnapshotEntry[]> | undefined;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t]!;
        const ttl = ttlCleanup[t];
        const entries: SnapshotEntry[] = [];
        for (const e of table.entriesOf(offset)) {
          let value = toSnapshotValue(table.kind, e.value);
          if (ttl !== undefined) value = withoutExpiredTtlValues(table.kind, value, ttl, now);
          if (value !== undefined) entries.push([e.key, e.namespace, value]);
        }
        if (entries.length === 0) continue;
        perState ??= new Map();
        perState.set(table.name, entries);
      }
      if (perState !== undefined) keyGroups.set(this.startKeyGroup + offset, perState);
    }
    return {
      maxParallelism: this.maxParallelism,
      states: tables.map((t) => ({ name: t.name, kind: t.kind })),
      keyGroups: deepCopy(keyGroups),
    };
  }

  /**
   * Loads the owned key groups of `snapshot`, on top of what this backend holds (so the snapshots
   * of several old subtasks can be restored one after another when scaling in).
   */
  restore(snapshot: KeyedStateSnapshot): void {
    for (const [keyGroup, table, entries] of this.ownedSnapshotEntries(snapshot)) {
      const offset = keyGroup - this.startKeyGroup;
      for (const [key, namespace, value] of deepCopy(entries)) {
        const stored = fromSnapshotValue(table.kind, value, table.name);
        if (stored !== undefined) table.put(offset, heapKeyId(key), key, namespace, stored);
      }
    }
  }

  dispose(): void {
    for (const table of this.tables.values()) table.clearAll();
    this.tables.clear();
    this.states.clear();
    this.descriptors.clear();
  }

  protected createTable(name: string, kind: StateKind): StateTable<unknown> {
    return new StateTable<unknown>(name, kind, this.keyGroupRange.numberOfKeyGroups);
  }
}

function deepCopy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch (err) {
    throw new UserError(
      'STATE_NOT_COPYABLE',
      'keyed state holds a value that cannot be copied (functions, symbols or class instances with private ' +
        'fields); keep state values to plain data',
      { cause: err },
    );
  }
}
