/**
 * Flink's HeapKeyedStateBackend (`state.backend.type: hashmap`): keyed state in JavaScript maps.
 *
 * Layout: one StateTable per state name; a table holds, per key group of this backend's range, a
 * Map from (key, namespace) identity to an entry {key, namespace, value}. The per-record hot path
 * is `setCurrentKey` (one hash, one key identity, no allocation for string keys) followed by state
 * accesses that each cost one array index (the current key group) and one Map lookup.
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import type { AnyStateDescriptor } from '../../../api/state/state-descriptor.js';
import { FreshetError, UserError } from '../../../common/errors/freshet-error.js';
import { assignToKeyGroup } from '../../../common/key-groups.js';
import type { KeyGroupRange } from '../../../common/key-groups.js';
import type { KeyedStateBackend, KeyedStateHandle, KeyedStateSnapshot } from '../keyed-state-backend.js';
import {
  checkKeyGroupRange,
  keyInWrongKeyGroup,
  maxParallelismMismatch,
  updateKeyContext,
} from '../key-context-update.js';
import { createKeyedState } from './create-keyed-state.js';
import { heapKeyId } from './heap-key-id.js';
import { InternalKeyContext } from './internal-key-context.js';
import { fromSnapshotValue, toSnapshotValue, withoutExpiredTtlValues } from './snapshot-values.js';
import { checkSameTtlSetting, checkStateTtlCompatibility } from './state-ttl-compatibility.js';
import { StateTable } from './state-table.js';
import type { TtlTimeProvider } from './ttl-state-context.js';

export interface HeapKeyedStateBackendOptions {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  /** The processing-time clock of state TTL (epoch ms); Date.now when not given. */
  readonly ttlTimeProvider?: TtlTimeProvider;
}

type SnapshotEntry = [unknown, string, unknown];

export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;

  private readonly keyContext = new InternalKeyContext();
  private readonly startKeyGroup: number;
  private readonly tables = new Map<string, StateTable<unknown>>();
  private readonly states = new Map<string, KeyedStateHandle>();
  /** The descriptor each state was created for (its TTL config drives snapshot cleanup). */
  private readonly descriptors = new Map<string, AnyStateDescriptor>();
  private readonly ttlTimeProvider: TtlTimeProvider;

  constructor({ keyGroupRange, maxParallelism, ttlTimeProvider }: HeapKeyedStateBackendOptions) {
    checkKeyGroupRange(keyGroupRange, maxParallelism);
    this.keyGroupRange = keyGroupRange;
    this.maxParallelism = maxParallelism;
    this.startKeyGroup = keyGroupRange.startKeyGroup;
    this.ttlTimeProvider = ttlTimeProvider ?? Date.now;
  }

  setCurrentKey(key: unknown, keyGroup?: number): void {
    updateKeyContext(this.keyContext, key, keyGroup, this.keyGroupRange, this.maxParallelism);
  }

  getCurrentKey(): unknown {
    return this.keyContext.key;
  }

  getCurrentKeyGroupIndex(): number {
    return this.keyContext.keyGroup;
  }

  getPartitionedState<S extends KeyedStateHandle>(descriptor: AnyStateDescriptor): S {
    const existing = this.states.get(descriptor.name);
    if (existing !== undefined) {
      this.tableFor(descriptor.name, descriptor.kind); // checks the kind
      checkSameTtlSetting(this.descriptors.get(descriptor.name)!, descriptor);
      return existing as S;
    }
    const restored = this.tables.has(descriptor.name);
    const table = this.tableFor(descriptor.name, descriptor.kind);
    if (restored) checkStateTtlCompatibility(descriptor, table);
    const state = createKeyedState(descriptor, this.keyContext, table, {
      ttlTimeProvider: this.ttlTimeProvider,
    });
    this.states.set(descriptor.name, state);
    this.descriptors.set(descriptor.name, descriptor);
    return state as unknown as S;
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
    if (snapshot.maxParallelism !== this.maxParallelism) {
      throw maxParallelismMismatch(snapshot.maxParallelism, this.maxParallelism);
    }
    for (const { name, kind } of snapshot.states) this.tableFor(name, kind);
    for (const [keyGroup, perState] of snapshot.keyGroups) {
      if (!this.keyGroupRange.contains(keyGroup)) continue;
      const offset = keyGroup - this.startKeyGroup;
      for (const [name, entries] of deepCopy(perState)) {
        const table = this.tables.get(name);
        if (table === undefined) {
          throw new FreshetError(
            'CORRUPT_STATE_SNAPSHOT',
            `key group ${keyGroup} has entries of unlisted state '${name}'`,
          );
        }
        for (const [key, namespace, value] of entries) {
          const stored = fromSnapshotValue(table.kind, value, name);
          if (stored === undefined) continue;
          const actual = assignToKeyGroup(key, this.maxParallelism);
          if (actual !== keyGroup) {
            throw keyInWrongKeyGroup(name, key, keyGroup, actual);
          }
          table.put(offset, heapKeyId(key), key, namespace, stored);
        }
      }
    }
  }

  dispose(): void {
    for (const table of this.tables.values()) table.clearAll();
    this.tables.clear();
    this.states.clear();
    this.descriptors.clear();
  }

  private tableFor(name: string, kind: StateKind): StateTable<unknown> {
    const table = this.tables.get(name);
    if (table === undefined) {
      const created = new StateTable<unknown>(name, kind, this.keyGroupRange.numberOfKeyGroups);
      this.tables.set(name, created);
      return created;
    }
    if (table.kind !== kind) {
      throw new UserError(
        'STATE_KIND_MISMATCH',
        `state '${name}' is ${table.kind} state and cannot also be used as ${kind} state; give each state its own name`,
      );
    }
    return table;
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
