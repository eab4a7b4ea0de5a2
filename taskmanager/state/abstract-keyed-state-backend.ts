/**
 * What both keyed backends share (Flink's AbstractKeyedStateBackend): the current key, one state
 * table per state name (its kind fixed on first use), one state object per name built by
 * createKeyedState over that table, and the TTL checks when a state is first used.
 */
import type { AnyStateDescriptor, StateKind } from '../../api/state/state-descriptor.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { assignToKeyGroup, type KeyGroupRange } from '../../common/key-groups.js';
import { createKeyedState } from './heap/create-keyed-state.js';
import { InternalKeyContext } from './heap/internal-key-context.js';
import type { StateTable } from './heap/state-table.js';
import { checkSameTtlSetting, checkStateTtlCompatibility } from './heap/state-ttl-compatibility.js';
import type { TtlTimeProvider } from './heap/ttl-state-context.js';
import {
  checkKeyGroupRange,
  keyInWrongKeyGroup,
  maxParallelismMismatch,
  updateKeyContext,
} from './key-context-update.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from './keyed-state-backend.js';

export abstract class AbstractKeyedStateBackend<T extends StateTable<unknown>> {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;

  protected readonly keyContext = new InternalKeyContext();
  protected readonly tables = new Map<string, T>();
  protected readonly states = new Map<string, KeyedStateHandle>();
  /** The descriptor each state was created for (its TTL config drives snapshot cleanup). */
  protected readonly descriptors = new Map<string, AnyStateDescriptor>();

  constructor(
    keyGroupRange: KeyGroupRange,
    maxParallelism: number,
    protected readonly ttlTimeProvider: TtlTimeProvider = Date.now,
  ) {
    checkKeyGroupRange(keyGroupRange, maxParallelism);
    this.keyGroupRange = keyGroupRange;
    this.maxParallelism = maxParallelism;
  }

  /** A new, empty table for a state. */
  protected abstract createTable(name: string, kind: StateKind): T;

  /** Before a restored state is first used: its table must show one stored value for the TTL check. */
  protected beforeRestoredStateUse(_table: T): void {}

  setCurrentKey(key: unknown, keyGroup?: number): void {
    updateKeyContext(this.keyContext, key, keyGroup, this.keyGroupRange, this.maxParallelism);
  }

  getCurrentKey(): unknown {
    return this.keyContext.key;
  }

  getCurrentKeyId(): unknown {
    return this.keyContext.keyId;
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
    if (restored) {
      this.beforeRestoredStateUse(table);
      checkStateTtlCompatibility(descriptor, table);
    }
    const state = createKeyedState(descriptor, this.keyContext, table, {
      ttlTimeProvider: this.ttlTimeProvider,
    });
    this.states.set(descriptor.name, state);
    this.descriptors.set(descriptor.name, descriptor);
    return state as unknown as S;
  }

  /**
   * The owned key groups of a snapshot, state by state, checked: the same maxParallelism, only
   * listed states, every key in the key group it hashes to. Registers the snapshot's states.
   */
  protected *ownedSnapshotEntries(
    snapshot: KeyedStateSnapshot,
  ): Generator<
    readonly [keyGroup: number, table: T, entries: ReadonlyArray<readonly [unknown, string, unknown]>]
  > {
    if (snapshot.maxParallelism !== this.maxParallelism) {
      throw maxParallelismMismatch(snapshot.maxParallelism, this.maxParallelism);
    }
    for (const { name, kind } of snapshot.states) this.tableFor(name, kind);
    for (const [keyGroup, perState] of snapshot.keyGroups) {
      if (!this.keyGroupRange.contains(keyGroup)) continue;
      for (const [name, entries] of perState) {
        const table = this.tables.get(name);
        if (table === undefined) {
          throw new FreshetError(
            'CORRUPT_STATE_SNAPSHOT',
            `key group ${keyGroup} has entries of unlisted state '${name}'`,
          );
        }
        for (const [key] of entries) {
          const actual = assignToKeyGroup(key, this.maxParallelism);
          if (actual !== keyGroup) throw keyInWrongKeyGroup(name, key, keyGroup, actual);
        }
        yield [keyGroup, table, entries];
      }
    }
  }

  protected tableFor(name: string, kind: StateKind): T {
    const table = this.tables.get(name);
    if (table === undefined) {
      const created = this.createTable(name, kind);
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
