import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

/**
 * `restart-strategy.type: fixed-delay` (Flink's FixedDelayRestartBackoffTimeStrategy): restarts
 * up to `attempts` times, waiting `delay` before each; the failure after that fails the job.
 */
export class FixedDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private failures = 0;

  constructor(
    readonly maxNumberRestartAttempts: number,
    readonly backoffTimeMs: number,
  ) {}

  notifyFailure(_cause: Error, _timestamp: number): boolean {
    this.failures++;
    return true;
  }

  canRestart(): boolean {
    return this.failures <= this.maxNumberRestartAttempts;
  }

  getBackoffTime(): number {
    return this.backoffTimeMs;
  }

  toString(): string {
    return (
      `FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=${this.maxNumberRestartAttempts}, ` +
      `backoffTimeMS=${this.backoffTimeMs})`
    );
  }
}
