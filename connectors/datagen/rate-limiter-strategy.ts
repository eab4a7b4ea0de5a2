import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/** Limits how many records one source reader emits over time; the clock is passed in. */
export interface RateLimiter {
  /** Takes up to `wanted` permits that are available at `nowMillis`; returns how many it took. */
  acquire(wanted: number, nowMillis: number): number;
  /** Milliseconds from `nowMillis` until `acquire` grants permits again (0 = now). */
  delayMillis(nowMillis: number): number;
}

/** Creates the rate limiter of one reader, given the source's parallelism (Flink's RateLimiterStrategy). */
export interface RateLimiterStrategy {
  createRateLimiter(parallelism: number): RateLimiter;
}

const NO_OP_RATE_LIMITER: RateLimiter = {
  acquire: (wanted) => wanted,
  delayMillis: () => 0,
};

export const RateLimiterStrategy = {
  /** `recordsPerSecond` for the whole source: each of `p` readers emits `recordsPerSecond / p`. */
  perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) {
      throw new IllegalConfigurationError(
        `RateLimiterStrategy.perSecond needs a positive, finite rate, got ${recordsPerSecond}`,
      );
    }
    return { createRateLimiter: (parallelism) => new TokenBucketRateLimiter(recordsPerSecond / parallelism) };
  },
  /** No limit. */
  noOp(): RateLimiterStrategy {
    return { createRateLimiter: () => NO_OP_RATE_LIMITER };
  },
} as const;

/** The longest a reader saves up unused permits (a burst after a stall is at most this long). */
const MAX_BURST_MILLIS = 1000;
/** A reader waits until about this many milliseconds' worth of permits piled up (fewer timer wakeups). */
const MIN_WAIT_MILLIS = 10;
/** Nor does it wait for more permits than one poll can use. */
const MAX_WAIT_PERMITS = 1024;

/**
 * A token bucket: permits accrue at `permitsPerSecond` up to one second's worth; the first permit
 * is granted at once and the clock starts with the first `acquire`.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly permitsPerMilli: number;
  private readonly capacity: number;
  private readonly wakeupPermits: number;
  private tokens = 1;
  private lastRefillMillis: number | undefined;

  constructor(permitsPerSecond: number) {
    this.permitsPerMilli = permitsPerSecond / 1000;
    this.capacity = Math.max(1, this.permitsPerMilli * MAX_BURST_MILLIS);
    this.wakeupPermits = Math.min(
      this.capacity,
      Math.max(1, Math.min(MAX_WAIT_PERMITS, this.permitsPerMilli * MIN_WAIT_MILLIS)),
    );
  }

  acquire(wanted: number, nowMillis: number): number {
    this.refill(nowMillis);
    const granted = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }

  delayMillis(nowMillis: number): number {
    this.refill(nowMillis);
    if (this.tokens >= 1) return 0;
    return Math.ceil((this.wakeupPermits - this.tokens) / this.permitsPerMilli);
  }

  private refill(nowMillis: number): void {
    const last = this.lastRefillMillis ?? nowMillis;
    if (nowMillis > last) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMillis - last) * this.permitsPerMilli);
    }
    if (this.lastRefillMillis === undefined || nowMillis > this.lastRefillMillis)
      this.lastRefillMillis = nowMillis;
  }
}
