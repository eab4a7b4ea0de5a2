/**
 * The storage of one named state in the heap backend: per key group (indexed by its offset in the
 * backend's KeyGroupRange) a map from (key, namespace) identity to an entry holding the original
 * key, the namespace and the value. A (key, namespace) without a value has no entry.
 */
import type { StateKind } from '../../../api/state/state-descriptor.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';

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

export class StateTable<V> {
  /** Per key-group offset; a group's map is created on its first write. */
  readonly groups: Array<Map<string, StateEntry<V>> | undefined>;

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    numberOfKeyGroups: number,
  ) {
    this.groups = new Array<Map<string, StateEntry<V>> | undefined>(numberOfKeyGroups).fill(undefined);
  }

  get(offset: number, id: string): StateEntry<V> | undefined {
    const group = this.groups[offset];
    if (group === undefined) {
      if (offset < 0) throw noCurrentKey(this.name);
      return undefined;
    }
    return group.get(id);
  }

  put(offset: number, id: string, key: unknown, namespace: string, value: V): void {
    let group = this.groups[offset];
    if (group === undefined) {
      if (offset < 0) throw noCurrentKey(this.name);
      group = new Map();
      this.groups[offset] = group;
    }
    group.set(id, new StateEntry(key, namespace, value));
  }

  remove(offset: number, id: string): void {
    const group = this.groups[offset];
    if (group === undefined) {
      if (offset < 0) throw noCurrentKey(this.name);
      return;
    }
    group.delete(id);
  }

  size(): number {
    let n = 0;
    for (const group of this.groups) if (group !== undefined) n += group.size;
    return n;
  }

  clearAll(): void {
    this.groups.fill(undefined);
  }
}

function noCurrentKey(stateName: string): FreshetError {
  return new FreshetError(
    'NO_CURRENT_KEY',
    `keyed state '${stateName}' was accessed before a current key was set; keyed state can only be used ` +
      'in functions on a KeyedStream (after keyBy), while they process a record or a timer',
  );
}
