/**
 * The base of the states with time-to-live that hold one TtlValue per key and namespace (value,
 * reducing and aggregating state; Flink's AbstractTtlState). Like the other heap states they read
 * and write the table entry of the current key in place, so a table that writes back (the RocksDB
 * cache) must treat every entry it hands out as possibly changed.
 */
import { AbstractHeapState } from './abstract-heap-state.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateTable } from './state-table.js';
import type { TtlStateContext } from './ttl-state-context.js';
import type { TtlValue } from './ttl-value.js';

export abstract class AbstractTtlState<T> extends AbstractHeapState<TtlValue<T>> {
  constructor(
    keyContext: InternalKeyContext,
    table: StateTable<TtlValue<T>>,
    protected readonly ttl: TtlStateContext,
  ) {
    super(keyContext, table);
  }

  /**
   * Flink's getWrappedWithTtlCheckAndUpdate: the stored value of the current key, or undefined. An
   * expired value is removed, and returned only with ReturnExpiredIfNotCleanedUp; an unexpired one
   * is refreshed when reads update the TTL.
   */
  protected getWrappedWithTtlCheckAndUpdate(): TtlValue<T> | undefined {
    const entry = this.getEntry();
    if (entry === undefined) return undefined;
    const stored = entry.value;
    const now = this.ttl.now();
    if (this.ttl.expired(stored, now)) {
      this.clear();
      return this.ttl.returnExpired ? stored : undefined;
    }
    if (this.ttl.updateOnRead) stored.lastAccessTimestamp = now;
    return stored;
  }

  /**
   * The user value of the current key if it is stored and unexpired (expired ones are dropped
   * whatever the visibility, as Flink's TtlReduceFunction and TtlAggregateFunction do on write).
   */
  protected getUnexpired(now: number): T | undefined {
    const entry = this.getEntry();
    if (entry === undefined || this.ttl.expired(entry.value, now)) return undefined;
    return entry.value.userValue;
  }

  /** Stores `userValue` for the current key with a fresh timestamp. */
  protected putWrapped(userValue: T, now: number): void {
    const entry = this.getEntry();
    const wrapped = this.ttl.wrap(userValue, now);
    if (entry !== undefined) entry.value = wrapped;
    else this.putNewEntry(wrapped);
  }

  /**
   * Merges two stored values with `combine` (Flink's TtlReduceFunction.reduce): expired sides are
   * dropped and the result gets a fresh timestamp; when both have expired the more recent one is
   * kept, still expired, for the next read to remove.
   */
  protected mergeWrapped(a: TtlValue<T>, b: TtlValue<T>, combine: (a: T, b: T) => T): TtlValue<T> {
    const now = this.ttl.now();
    const aLive = !this.ttl.expired(a, now);
    const bLive = !this.ttl.expired(b, now);
    if (aLive && bLive) return this.ttl.wrap(combine(a.userValue, b.userValue), now);
    if (aLive) return this.ttl.wrap(a.userValue, now);
    if (bLive) return this.ttl.wrap(b.userValue, now);
    return a.lastAccessTimestamp > b.lastAccessTimestamp ? a : b;
  }
}
