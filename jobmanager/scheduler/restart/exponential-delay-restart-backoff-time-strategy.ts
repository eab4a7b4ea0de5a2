import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

export interface ExponentialDelaySettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  /** Running this long after a restart without failure resets the backoff to the initial one. */
  readonly resetBackoffThresholdMs: number;
  /** Each backoff moves by up to ± this share of itself, at random. */
  readonly jitterFactor: number;
  /** Restarts allowed before the job fails, counted since the last reset. */
  readonly attemptsBeforeResetBackoff: number;
}

/**
 * `restart-strategy.type: exponential-delay` (Flink's ExponentialDelayRestartBackoffTimeStrategy):
 * the n-th restart since the last reset waits initial × multiplier^(n-1) (± jitter), capped at
 * max-backoff. Failures before the pending restart happens are merged into it. A failure that
 * comes `reset-backoff-threshold` or later after the last restart starts over at the initial
 * backoff. More than `attempts-before-reset-backoff` restarts without a reset fail the job.
 */
export class ExponentialDelayRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  private currentRestartAttempt = 0;
  /** When the pending (or last) restart happens; -Infinity before the first failure. */
  private nextRestartTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    readonly settings: ExponentialDelaySettings,
    private readonly clock: () => number,
    /** Uniform in [0, 1), as Math.random. */
    private readonly random: () => number = Math.random,
  ) {}

  notifyFailure(_cause: Error, timestamp: number): boolean {
    if (timestamp <= this.nextRestartTimestamp) return false;
    if (timestamp - this.nextRestartTimestamp >= this.settings.resetBackoffThresholdMs) {
      this.currentRestartAttempt = 0;
    }
    this.nextRestartTimestamp = timestamp + this.actualBackoffTime();
    this.currentRestartAttempt++;
    return true;
  }

  canRestart(): boolean {
    return this.currentRestartAttempt <= this.settings.attemptsBeforeResetBackoff;
  }

  getBackoffTime(): number {
    return Math.max(0, this.nextRestartTimestamp - this.clock());
  }

  toString(): string {
    const s = this.settings;
    return (
      `ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=${s.initialBackoffMs}, ` +
      `maxBackoffMS=${s.maxBackoffMs}, backoffMultiplier=${s.backoffMultiplier}, ` +
      `resetBackoffThresholdMS=${s.resetBackoffThresholdMs}, jitterFactor=${s.jitterFactor}, ` +
      `attemptsBeforeResetBackoff=${s.attemptsBeforeResetBackoff}, ` +
      `currentRestartAttempt=${this.currentRestartAttempt})`
    );
  }

  private actualBackoffTime(): number {
    const { initialBackoffMs, maxBackoffMs, backoffMultiplier } = this.settings;
    const current = Math.trunc(
      Math.min(initialBackoffMs * backoffMultiplier ** this.currentRestartAttempt, Number.MAX_SAFE_INTEGER),
    );
    return Math.max(initialBackoffMs, Math.min(current + this.jitter(current), maxBackoffMs));
  }

  /** A whole number in [-offset, offset] with offset = backoff × jitter factor. */
  private jitter(backoff: number): number {
    if (this.settings.jitterFactor === 0) return 0;
    const offset = Math.trunc(backoff * this.settings.jitterFactor);
    return Math.min(offset, Math.floor(this.random() * (2 * offset + 1)) - offset);
  }
}
