/**
 * Conversion between the heap backend's stored values and the canonical KeyedStateSnapshot form
 * (shared with the RocksDB backend): map state is stored as a Map of MapStateEntry and snapshotted
 * as [key, value] pairs; list state is an array; the other kinds are the value (or accumulator).
 *
 * State with time-to-live keeps the same form with each user value wrapped in a TtlValue
 * `{ userValue, lastAccessTimestamp }` (see ttl-value.ts): list state as an array of TtlValue
 * elements, map state as [key, TtlValue] pairs, the other kinds as one TtlValue. A snapshot does not
 * record whether a state had TTL; the backend tells by the wrappers when the state is registered
 * (see state-ttl-compatibility.ts), and refuses to restore wrapped values into a state without TTL
 * or plain values into one with TTL.
 */
import { StateKind } from '../../../api/state/state-descriptor.js';
import { assertNever, FreshetError } from '../../../common/errors/freshet-error.js';
import { heapKeyId } from './heap-key-id.js';
import { MapStateEntry } from './state-table.js';
import { isExpired } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

/** The canonical snapshot form of a stored value: map state as [key, value] pairs, others as is. */
export function toSnapshotValue(kind: StateKind, value: unknown): unknown {
  if (kind !== StateKind.map) return value;
  const pairs: Array<[unknown, unknown]> = [];
  for (const e of (value as Map<unknown, MapStateEntry>).values()) pairs.push([e.key, e.value]);
  return pairs;
}

/** The stored form of a (copied) snapshot value, or undefined for an empty list or map. */
export function fromSnapshotValue(kind: StateKind, value: unknown, name: string): unknown {
  switch (kind) {
    case StateKind.list:
      if (!Array.isArray(value)) throw notAnArray(name, 'list');
      return value.length === 0 ? undefined : value;
    case StateKind.map: {
      if (!Array.isArray(value)) throw notAnArray(name, 'map');
      if (value.length === 0) return undefined;
      const map = new Map<unknown, MapStateEntry>();
      for (const [k, v] of value as Array<[unknown, unknown]>) map.set(heapKeyId(k), new MapStateEntry(k, v));
      return map;
    }
    case StateKind.value:
    case StateKind.reducing:
    case StateKind.aggregating:
      return value === null ? undefined : value;
    default:
      return assertNever(kind, 'state kind');
  }
}

/**
 * A TTL state's canonical snapshot value without its expired values (StateTtlConfig's
 * cleanupFullSnapshot): elements of a list, entries of a map, or the whole value; undefined when
 * nothing is left, so the entry is left out of the snapshot. Unwrapped values are kept as they are.
 */
export function withoutExpiredTtlValues(kind: StateKind, value: unknown, ttl: number, now: number): unknown {
  const live = (v: unknown): boolean => !isExpired((v as TtlValue<unknown>).lastAccessTimestamp, ttl, now);
  switch (kind) {
    case StateKind.list: {
      const kept = (value as unknown[]).filter(live);
      return kept.length === 0 ? undefined : kept;
    }
    case StateKind.map: {
      const kept = (value as Array<[unknown, unknown]>).filter((pair) => live(pair[1]));
      return kept.length === 0 ? undefined : kept;
    }
    case StateKind.value:
    case StateKind.reducing:
    case StateKind.aggregating:
      return live(value) ? value : undefined;
    default:
      return assertNever(kind, 'state kind');
  }
}

function notAnArray(name: string, kind: string): FreshetError {
  return new FreshetError(
    'CORRUPT_STATE_SNAPSHOT',
    `${kind} state '${name}' has a snapshot value that is not an array`,
  );
}
