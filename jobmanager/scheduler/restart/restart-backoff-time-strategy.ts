/**
 * Whether a failed job may restart and how long to wait first (Flink's RestartBackoffTimeStrategy).
 * Implementations are pure bookkeeping over failure timestamps and an injected clock: the
 * scheduler reports each failure, then asks `canRestart()` and `getBackoffTime()`.
 */
export interface RestartBackoffTimeStrategy {
  /**
   * Records a failure that happened at `timestamp` (epoch ms). Returns whether it counts as a new
   * restart attempt; false means it was merged into the restart already pending.
   */
  notifyFailure(cause: Error, timestamp: number): boolean;
  /** Whether the job may restart after the failures reported so far. */
  canRestart(): boolean;
  /** Milliseconds to wait before the restart. */
  getBackoffTime(): number;
  /** Names the strategy and its settings, for "recovery is suppressed by ..." messages. */
  toString(): string;
}
