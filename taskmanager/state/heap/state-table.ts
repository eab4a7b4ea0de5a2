/**
 * The storage of one named state in the heap backend: per key group (indexed by its offset in the
 * backend's KeyGroupRange) a map from (key, namespace) identity to an entry holding the original
 * key, the namespace and the value. A (key, namespace) without a value has no entry.
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { VOID_NAMESPACE } from '../keyed-state-backend.js';

export class StateEntry<V> {
  constructor(
    readonly key: unknown,
    readonly namespace: string,
    public value: V,
  ) {}
}

/** One key of a MapState: the user's key and its value. */
export class MapStateEntry {
  constructor(
    readonly key: unknown,
    public value: unknown,
  ) {}
}

/** One key's entries outside the VOID namespace: the entry itself, a few in order, or a map. */
type KeyEntries<V> = StateEntry<V> | StateEntry<V>[] | Map<string, StateEntry<V>>;
const MAX_LINEAR_NAMESPACES = 8;

export class StateTable<V> {
  /** VOID namespace, per key-group offset: key identity → entry; a group's map is created on its first write. */
  readonly groups: Array<Map<unknown, StateEntry<V>> | undefined>;
  /**
   * Other namespaces (windows), per key-group offset: key identity → the key's entries. Maps keyed
   * by values built once (the key identity per key, the namespace per window) avoid building a
   * composite string per access; grouping by key first keeps the windows of one key, which a
   * record touches together, in one place. A key with one namespace holds its entry directly (one
   * memory access fewer per lookup), a few namespaces sit in a small array searched in order, more
   * in a namespace → entry map; windows come and go per key, so the small forms also keep the
   * garbage they leave small.
   */
  readonly namespacedGroups: Array<Map<unknown, KeyEntries<V>> | undefined>;
  /**
   * The entries of the key looked up last (offset -1: none). A record usually reads several
   * windows of one key in a row (a sliding window's every pane); writes drop it.
   */
  private lastOffset = -1;
  private lastKeyId: unknown = undefined;
  private lastEntries: KeyEntries<V> | undefined;

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    numberOfKeyGroups: number,
  ) {
    this.groups = new Array<Map<unknown, StateEntry<V>> | undefined>(numberOfKeyGroups).fill(undefined);
    this.namespacedGroups = new Array<Map<unknown, KeyEntries<V>> | undefined>(numberOfKeyGroups).fill(
      undefined,
    );
  }

  get(offset: number, keyId: unknown, namespace: string): StateEntry<V> | undefined {
    if (offset < 0) throw noCurrentKey(this.name);
    if (namespace === VOID_NAMESPACE) return this.groups[offset]?.get(keyId);
    let entries: KeyEntries<V> | undefined;
    if (offset === this.lastOffset && keyId === this.lastKeyId) entries = this.lastEntries;
    else {
      entries = this.namespacedGroups[offset]?.get(keyId);
      this.lastOffset = offset;
      this.lastKeyId = keyId;
      this.lastEntries = entries;
    }
    if (entries instanceof StateEntry) return entries.namespace === namespace ? entries : undefined;
    if (Array.isArray(entries)) {
      for (let i = 0; i < entries.length; i++) if (entries[i]!.namespace === namespace) return entries[i];
      return undefined;
    }
    return entries?.get(namespace);
  }

  put(offset: number, keyId: unknown, key: unknown, namespace: string, value: V): void {
    if (offset < 0) throw noCurrentKey(this.name);
    this.insert(offset, keyId, this.newEntry(offset, keyId, key, namespace, value));
  }

  /** The entry `put` stores; the RocksDB backend's cache makes entries that know their place. */
  protected newEntry(
    _offset: number,
    _keyId: unknown,
    key: unknown,
    namespace: string,
    value: V,
  ): StateEntry<V> {
    return new StateEntry(key, namespace, value);
  }

  /** Stores `entry` under (offset, keyId, entry.namespace); true when it took no other's place. */
  protected insert(offset: number, keyId: unknown, entry: StateEntry<V>): boolean {
    const namespace = entry.namespace;
    if (namespace === VOID_NAMESPACE) {
      let map = this.groups[offset];
      if (map === undefined) this.groups[offset] = map = new Map<unknown, StateEntry<V>>();
      const size = map.size;
      map.set(keyId, entry);
      return map.size > size;
    }
    this.lastOffset = -1;
    let byKey = this.namespacedGroups[offset];
    if (byKey === undefined) this.namespacedGroups[offset] = byKey = new Map<unknown, KeyEntries<V>>();
    const entries = byKey.get(keyId);
    if (entries === undefined) {
      byKey.set(keyId, entry);
      return true;
    }
    if (entries instanceof StateEntry) {
      const replaces = entries.namespace === namespace;
      byKey.set(keyId, replaces ? entry : [entries, entry]);
      return !replaces;
    }
    if (Array.isArray(entries)) {
      for (let i = 0; i < entries.length; i++) {
        if (entries[i]!.namespace === namespace) {
          entries[i] = entry;
          return false;
        }
      }
      if (entries.length < MAX_LINEAR_NAMESPACES) entries.push(entry);
      else byKey.set(keyId, new Map([...entries, entry].map((e) => [e.namespace, e])));
      return true;
    }
    const size = entries.size;
    entries.set(namespace, entry);
    return entries.size > size;
  }

  remove(offset: number, keyId: unknown, namespace: string): void {
    if (offset < 0) throw noCurrentKey(this.name);
    if (namespace === VOID_NAMESPACE) {
      this.groups[offset]?.delete(keyId);
      return;
    }
    this.lastOffset = -1;
    const byKey = this.namespacedGroups[offset];
    const entries = byKey?.get(keyId);
    if (entries === undefined) return;
    if (entries instanceof StateEntry) {
      if (entries.namespace === namespace) byKey!.delete(keyId);
      return;
    }
    if (Array.isArray(entries)) {
      const at = entries.findIndex((e) => e.namespace === namespace);
      if (at < 0) return;
      entries.splice(at, 1);
      if (entries.length === 1) byKey!.set(keyId, entries[0]!);
      return;
    }
    entries.delete(namespace);
    if (entries.size === 0) byKey!.delete(keyId);
  }

  /** Every entry of one key group (all namespaces). */
  *entriesOf(offset: number): IterableIterator<StateEntry<V>> {
    const group = this.groups[offset];
    if (group !== undefined) yield* group.values();
    const byKey = this.namespacedGroups[offset];
    if (byKey === undefined) return;
    for (const entries of byKey.values()) {
      if (entries instanceof StateEntry) yield entries;
      else if (Array.isArray(entries)) yield* entries;
      else yield* entries.values();
    }
  }

  size(): number {
    let n = 0;
    for (const group of this.groups) if (group !== undefined) n += group.size;
    for (const byKey of this.namespacedGroups) {
      if (byKey === undefined) continue;
      for (const entries of byKey.values()) {
        n += entries instanceof StateEntry ? 1 : Array.isArray(entries) ? entries.length : entries.size;
      }
    }
    return n;
  }

  clearAll(): void {
    this.lastOffset = -1;
    this.groups.fill(undefined);
    this.namespacedGroups.fill(undefined);
  }
}

function noCurrentKey(stateName: string): FreshetError {
  return new FreshetError(
    'NO_CURRENT_KEY',
    `keyed state '${stateName}' was accessed before a current key was set; keyed state can only be used ` +
      'in functions on a KeyedStream (after keyBy), while they process a record or a timer',
  );
}
