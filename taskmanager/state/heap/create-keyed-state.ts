/**
 * Builds the state object for a descriptor over a state table. Both backends use the heap state
 * classes: the heap backend over plain StateTables, the RocksDB backend over its write-back cache
 * (a StateTable that loads misses from RocksDB), so the two share every state's semantics.
 *
 * A descriptor with time-to-live (`descriptor.ttlConfig.isEnabled()`) gets the Ttl* variant, which
 * stores TtlValue wrappers in the same table (per value, list element or map entry).
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
import { TtlAggregatingState } from './ttl-aggregating-state.js';
import { TtlListState } from './ttl-list-state.js';
import { TtlMapState } from './ttl-map-state.js';
import { TtlReducingState } from './ttl-reducing-state.js';
import { TtlStateContext } from './ttl-state-context.js';
import type { TtlTimeProvider } from './ttl-state-context.js';
import { TtlValueState } from './ttl-value-state.js';
import type { TtlValue } from './ttl-value.js';

export interface CreateKeyedStateOptions {
  /** The processing-time clock of state TTL (epoch ms); Date.now when not given. */
  readonly ttlTimeProvider?: TtlTimeProvider;
}

type HeapState = KeyedStateHandle & AbstractHeapState<unknown>;

export function createKeyedState(
  descriptor: AnyStateDescriptor,
  keyContext: InternalKeyContext,
  table: StateTable<unknown>,
  options: CreateKeyedStateOptions = {},
): HeapState {
  if (descriptor.ttlConfig.isEnabled()) {
    const ttl = new TtlStateContext(descriptor.ttlConfig, options.ttlTimeProvider ?? Date.now);
    return createTtlState(descriptor, keyContext, table, ttl);
  }
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

function createTtlState(
  descriptor: AnyStateDescriptor,
  keyContext: InternalKeyContext,
  table: StateTable<unknown>,
  ttl: TtlStateContext,
): HeapState {
  switch (descriptor.kind) {
    case StateKind.value:
      return new TtlValueState<unknown>(
        keyContext,
        table as StateTable<TtlValue<unknown>>,
        ttl,
        descriptor.defaultValue,
      );
    case StateKind.list:
      return new TtlListState<unknown>(keyContext, table as StateTable<Array<TtlValue<unknown>>>, ttl);
    case StateKind.map:
      return new TtlMapState<unknown, unknown>(
        keyContext,
        table as StateTable<Map<unknown, MapStateEntry>>,
        ttl,
      );
    case StateKind.reducing:
      return new TtlReducingState<unknown>(
        keyContext,
        table as StateTable<TtlValue<unknown>>,
        ttl,
        descriptor.reduceFunction,
      );
    case StateKind.aggregating:
      return new TtlAggregatingState<unknown, unknown, unknown>(
        keyContext,
        table as StateTable<TtlValue<unknown>>,
        ttl,
        descriptor.aggregateFunction,
      );
    default:
      return assertNever(descriptor, 'state descriptor kind');
  }
}
