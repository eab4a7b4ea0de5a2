/**
 * Builds the state object for a descriptor over a state table. Both backends use the heap state
 * classes: the heap backend over plain StateTables, the RocksDB backend over its write-back cache
 * (a StateTable that loads misses from RocksDB), so the two share every state's semantics.
 */
import { StateKind } from '../../../api/state/state-descriptor.js';
import type { AnyStateDescriptor } from '../../../api/state/state-descriptor.js';
import { assertNever } from '../../../common/errors/freshet-error.js';
import type { KeyedStateHandle } from '../keyed-state-backend.js';
import type { AbstractHeapState } from './abstract-heap-state.js';
import { HeapAggregatingState } from './heap-aggregating-state.js';
import { HeapListState } from './heap-list-state.js';
import { HeapMapState } from './heap-map-state.js';
import { HeapReducingState } from './heap-reducing-state.js';
import { HeapValueState } from './heap-value-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { MapStateEntry, StateTable } from './state-table.js';

export function createKeyedState(
  descriptor: AnyStateDescriptor,
  keyContext: InternalKeyContext,
  table: StateTable<unknown>,
): KeyedStateHandle & AbstractHeapState<unknown> {
  switch (descriptor.kind) {
    case StateKind.value:
      return new HeapValueState<unknown>(keyContext, table, descriptor.defaultValue);
    case StateKind.list:
      return new HeapListState<unknown>(keyContext, table as StateTable<unknown[]>);
    case StateKind.map:
      return new HeapMapState<unknown, unknown>(keyContext, table as StateTable<Map<string, MapStateEntry>>);
    case StateKind.reducing:
      return new HeapReducingState<unknown>(keyContext, table, descriptor.reduceFunction);
    case StateKind.aggregating:
      return new HeapAggregatingState<unknown, unknown, unknown>(
        keyContext,
        table,
        descriptor.aggregateFunction,
      );
    default:
      return assertNever(descriptor, 'state descriptor kind');
  }
}
