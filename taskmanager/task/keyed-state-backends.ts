/**
 * Chooses and builds the keyed state backends of a task's keyed operators from the job's
 * effective configuration (`state.backend.type`: the cluster's value, overridden by the job's
 * `-D` keys and then by `env.setStateBackend`). RocksDB leases on the slot's instance are taken
 * before the chain is built, since opening an instance is asynchronous.
 */
import type { JobVertex } from '../../api/graph/job-graph.js';
import { StateBackendOptions, TaskManagerOptions } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import type { KeyGroupRange } from '../../common/key-groups.js';
import { HeapKeyedStateBackend } from '../state/heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { RocksDBKeyedStateBackend } from '../state/rocksdb/rocksdb-keyed-state-backend.js';
import { SlotRocksDB, type RocksDBLease } from '../state/rocksdb/slot-rocksdb.js';

export type KeyedStateBackendFactory = (
  keyGroupRange: KeyGroupRange,
  maxParallelism: number,
) => KeyedStateBackend;

export async function createKeyedStateBackendFactory(
  configuration: Configuration,
  vertex: JobVertex,
  slotRocksDB: SlotRocksDB | undefined,
  taskName: string,
): Promise<KeyedStateBackendFactory> {
  const keyedOperators = vertex.operators.filter((op) => op.keyed).length;
  if (configuration.get(StateBackendOptions.STATE_BACKEND) !== 'rocksdb' || keyedOperators === 0) {
    return (keyGroupRange, maxParallelism) => new HeapKeyedStateBackend({ keyGroupRange, maxParallelism });
  }
  const cacheSize = configuration.get(StateBackendOptions.ROCKSDB_CACHE_SIZE);
  const slot =
    slotRocksDB ??
    new SlotRocksDB(configuration.get(TaskManagerOptions.LOCAL_STATE_ROOT_DIRS) ?? [], taskName);
  const leases: RocksDBLease[] = [];
  for (let i = 0; i < keyedOperators; i++) leases.push(await slot.acquire());
  return (keyGroupRange, maxParallelism) =>
    new RocksDBKeyedStateBackend({ keyGroupRange, maxParallelism, lease: leases.shift()!, cacheSize });
}
