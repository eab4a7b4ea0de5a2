/**
 * The clock of periodic checkpoints: once started, `onTick` runs every interval, the first one
 * interval after `start` (Flink picks a random first delay between min-pause and interval to spread
 * jobs; a fixed one keeps runs reproducible). `rescheduleAfter` moves the next tick, e.g. to the
 * end of the min pause; ticks continue every interval from there.
 */
import type { CancelScheduled, SchedulerTimer } from '../scheduler/scheduler-timer.js';

export class PeriodicCheckpointScheduler {
  private cancelNext: CancelScheduled | undefined;
  private running = false;

  constructor(
    private readonly timer: SchedulerTimer,
    private readonly intervalMs: number,
    private readonly onTick: () => void,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
    this.scheduleNext(this.intervalMs);
  }

  /** No-op when stopped. */
  rescheduleAfter(delayMs: number): void {
    if (this.running) this.scheduleNext(delayMs);
  }

  stop(): void {
    this.running = false;
    this.cancelNext?.();
    this.cancelNext = undefined;
  }

  private scheduleNext(delayMs: number): void {
    this.cancelNext?.();
    this.cancelNext = this.timer.schedule(delayMs, () => {
      this.cancelNext = undefined;
      if (!this.running) return;
      this.scheduleNext(this.intervalMs);
      this.onTick();
    });
  }
}
