/**
 * The current key of a heap keyed-state backend, shared (by reference) with its state objects so
 * a state access reads plain fields instead of calling back into the backend.
 */
export class InternalKeyContext {
  /** The key as the user gave it (stored with new entries, for snapshots and applyToAllKeys). */
  key: unknown = undefined;
  /** The key's identity in hash maps (see heapKeyId). */
  keyId: unknown = undefined;
  /** The key group of the current key, -1 before the first setCurrentKey. */
  keyGroup = -1;
  /** keyGroup minus the backend's first key group: the index into each state table. */
  offset = -1;
  /** Bumped whenever the current key changes, so state objects can cache derived identities. */
  version = 0;
}
