/**
 * Delayed actions of the scheduler (restart backoff, slot request timeout) behind an interface, so
 * tests drive them with a manual timer instead of waiting (Flink's ScheduledExecutor).
 */

/** Cancels a scheduled action; a no-op once it ran. */
export type CancelScheduled = () => void;

export interface SchedulerTimer {
  schedule(delayMs: number, action: () => void): CancelScheduled;
}

/** setTimeout/clearTimeout. */
export const systemSchedulerTimer: SchedulerTimer = {
  schedule(delayMs, action) {
    const handle = setTimeout(action, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};
