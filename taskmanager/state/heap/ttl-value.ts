/**
 * Flink's TtlValue: how a state with time-to-live stores each user value (per value for value,
 * reducing and aggregating state, per element for list state, per entry value for map state). It
 * is plain data, so it is snapshotted, copied and written to RocksDB like any other value; the
 * canonical snapshot form of a TTL state holds these wrappers (see snapshot-values.ts).
 */
export interface TtlValue<T> {
  userValue: T;
  /** Processing time (ms) of the last write, or of the last read with UpdateType.OnReadAndWrite. */
  lastAccessTimestamp: number;
}

/** Whether a stored (or restored) value is a TTL wrapper: exactly the two fields of TtlValue. */
export function isTtlValue(value: unknown): value is TtlValue<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.lastAccessTimestamp === 'number' &&
    Object.hasOwn(record, 'userValue') &&
    Object.keys(record).length === 2
  );
}
