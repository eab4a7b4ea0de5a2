/**
 * What every state with time-to-live needs besides its table (Flink's TtlStateContext): the TTL,
 * whether reads refresh it, whether expired values may still be returned, and the clock. Expiry
 * follows Flink's TtlUtils.expired: a value has expired once `lastAccessTimestamp + ttl <= now`.
 */
import { TtlStateVisibility, TtlUpdateType } from '../../../api/state/state-ttl-config.js';
import type { StateTtlConfig } from '../../../api/state/state-ttl-config.js';
import type { TtlValue } from './ttl-value.js';

/** The processing-time clock of TTL, in epoch milliseconds (Date.now unless a test injects one). */
export type TtlTimeProvider = () => number;

export class TtlStateContext {
  readonly ttl: number;
  /** UpdateType.OnReadAndWrite: a successful read moves the last access timestamp to now. */
  readonly updateOnRead: boolean;
  /** StateVisibility.ReturnExpiredIfNotCleanedUp: an expired value still stored is returned (and removed). */
  readonly returnExpired: boolean;

  constructor(
    readonly config: StateTtlConfig,
    private readonly timeProvider: TtlTimeProvider,
  ) {
    this.ttl = config.ttl;
    this.updateOnRead = config.updateType === TtlUpdateType.OnReadAndWrite;
    this.returnExpired = config.stateVisibility === TtlStateVisibility.ReturnExpiredIfNotCleanedUp;
  }

  now(): number {
    return this.timeProvider();
  }

  expired(value: TtlValue<unknown>, now: number): boolean {
    return isExpired(value.lastAccessTimestamp, this.ttl, now);
  }

  wrap<T>(userValue: T, now: number): TtlValue<T> {
    return { userValue, lastAccessTimestamp: now };
  }
}

export function isExpired(lastAccessTimestamp: number, ttl: number, now: number): boolean {
  return lastAccessTimestamp + ttl <= now;
}
