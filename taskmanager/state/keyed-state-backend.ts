import type { AnyStateDescriptor } from '../../api/state/state-descriptor.js';
import type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from '../../api/state/state.js';
import type { KeyGroupRange } from '../../common/key-groups.js';

/** The namespace of state that is not scoped to a window. */
export const VOID_NAMESPACE = '';

/**
 * Keyed state of one operator in one subtask. The operator sets the current key (and namespace)
 * before it runs user code; state objects read and write under that key. State is stored per key
 * group, so a snapshot can be cut along key-group lines and restored at another parallelism.
 */
export interface KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;

  /** Sets the key the next state accesses are scoped to; computes (or takes) its key group. */
  setCurrentKey(key: unknown, keyGroup?: number): void;
  getCurrentKey(): unknown;
  /** The current key's identity in hash maps (heapKeyId of the current key, computed once). */
  getCurrentKeyId(): unknown;
  getCurrentKeyGroupIndex(): number;

  /**
   * The state object for a descriptor, created on first use. One object per (descriptor name);
   * its namespace is VOID_NAMESPACE unless set with `setCurrentNamespace` on the returned handle.
   */
  getPartitionedState<S extends KeyedStateHandle>(descriptor: AnyStateDescriptor): S;

  /**
   * Backends that read state asynchronously (RocksDB) load the state these accesses will touch, in
   * one batch, before user code runs; a state access that was not prefetched still works (it
   * reads synchronously, one at a time). Absent on the heap backend.
   */
  prefetch?(accesses: readonly StateAccess[]): void;

  /**
   * Backends whose snapshot is read asynchronously: cuts the snapshot now (between records) and
   * gives each key group's entries in key-group order while records keep flowing.
   */
  snapshotAsync?(): AsyncKeyedStateSnapshot;

  /** Applies `fn` to every key that has a value in the named state (for all namespaces). */
  applyToAllKeys(stateName: string, fn: (key: unknown, namespace: string) => void): void;

  /** Number of (key, namespace) entries across all states; a gauge and a test aid. */
  numKeyValueStateEntries(): number;

  /** A per-key-group copy of all state, in the canonical snapshot form. */
  snapshot(): KeyedStateSnapshot;
  /** Loads the key groups of `snapshot` that this backend owns; others are ignored. */
  restore(snapshot: KeyedStateSnapshot): void;

  dispose(): void;
}

/** A state object plus the namespace switch the window operator needs. */
export type KeyedStateHandle = (
  | ValueState<unknown>
  | ListState<unknown>
  | MapState<unknown, unknown>
  | ReducingState<unknown>
  | AggregatingState<unknown, unknown>
) & {
  setCurrentNamespace(namespace: string): void;
  /** Merges the current key's values in `sources` into `target` (list, reducing, aggregating state). */
  mergeNamespaces(target: string, sources: readonly string[]): void;
};

/**
 * Canonical keyed-state snapshot: for each key group, for each state name, the entries
 * [key, namespace, value]. List state values are arrays; map state values are arrays of [k, v].
 * The same form serves both backends, so a savepoint restores into either.
 */
export interface KeyedStateSnapshot {
  readonly maxParallelism: number;
  readonly states: ReadonlyArray<{ readonly name: string; readonly kind: AnyStateDescriptor['kind'] }>;
  readonly keyGroups: ReadonlyMap<
    number,
    ReadonlyMap<string, ReadonlyArray<readonly [unknown, string, unknown]>>
  >;
}

/** A state access to prefetch: the key (and its key group when known) and the namespace. */
export interface StateAccess {
  readonly key: unknown;
  readonly keyGroup?: number;
  readonly namespace: string;
}

/** The entries of every state of one key group: state name → [key, namespace, value][]. */
export type KeyGroupStates = ReadonlyMap<string, ReadonlyArray<readonly [unknown, string, unknown]>>;

export interface AsyncKeyedStateSnapshot {
  readonly maxParallelism: number;
  readonly states: KeyedStateSnapshot['states'];
  /** Key groups with entries, ascending. */
  readonly keyGroups: AsyncIterable<readonly [keyGroup: number, states: KeyGroupStates]>;
}
