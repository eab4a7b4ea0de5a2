/**
 * Flink's state backend objects for `env.setStateBackend(...)`: they only name the backend; the
 * choice travels as the job's `state.backend.type` key, which wins over the cluster's.
 */
export interface StateBackend {
  /** The `state.backend.type` value. */
  readonly type: 'hashmap' | 'rocksdb';
}

/** Keyed state as objects on the heap of the task's thread. */
export class HashMapStateBackend implements StateBackend {
  readonly type = 'hashmap' as const;
}

/**
 * Keyed state in the slot's RocksDB instance under `taskmanager.state.local.root-dirs`, behind a
 * write-back cache of `state.backend.rocksdb.cache-size` entries per keyed operator.
 */
export class EmbeddedRocksDBStateBackend implements StateBackend {
  readonly type = 'rocksdb' as const;
}
