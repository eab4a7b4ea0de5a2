import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

/**
 * `restart-strategy.type: failure-rate` (Flink's FailureRateRestartBackoffTimeStrategy): restarts
 * while at most `max-failures-per-interval` failures fall within the sliding
 * `failure-rate-interval` ending now; one more within the interval fails the job. Keeps only the
 * last max+1 failure timestamps.
 */
export class FailureRateRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private readonly failureTimestamps: number[] = [];

  constructor(
    readonly maxFailuresPerInterval: number,
    readonly failuresIntervalMs: number,
    readonly backoffTimeMs: number,
    private readonly clock: () => number,
  ) {}

  notifyFailure(_cause: Error, timestamp: number): boolean {
    if (this.isQueueFull()) this.failureTimestamps.shift();
    this.failureTimestamps.push(timestamp);
    return true;
  }

  canRestart(): boolean {
    if (!this.isQueueFull()) return true;
    const earliest = this.failureTimestamps[0]!;
    return this.clock() - earliest > this.failuresIntervalMs;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  toString(): string {
    return (
      `FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=${this.failuresIntervalMs}, ` +
      `backoffTimeMS=${this.backoffTimeMs}, maxFailuresPerInterval=${this.maxFailuresPerInterval})`
    );
  }

  private isQueueFull(): boolean {
    return this.failureTimestamps.length > this.maxFailuresPerInterval;
  }
}
