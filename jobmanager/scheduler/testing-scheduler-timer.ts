/**
 * A manual clock and timer for scheduler tests: time moves only when the test calls `advance`,
 * which runs every action that fell due, in due order.
 */
import type { CancelScheduled, SchedulerTimer } from './scheduler-timer.js';

interface Scheduled {
  readonly due: number;
  readonly seq: number;
  readonly action: () => void;
}

export class TestingSchedulerTimer implements SchedulerTimer {
  private current: number;
  private seq = 0;
  private readonly queue: Scheduled[] = [];

  constructor(start = 1_000_000) {
    this.current = start;
  }

  readonly clock = (): number => this.current;

  get now(): number {
    return this.current;
  }

  /** Delays of the actions still waiting, soonest first. */
  get pendingDelays(): number[] {
    return this.queue.map((s) => s.due - this.current);
  }

  schedule(delayMs: number, action: () => void): CancelScheduled {
    const entry: Scheduled = { due: this.current + Math.max(0, delayMs), seq: this.seq++, action };
    this.queue.push(entry);
    this.queue.sort((a, b) => a.due - b.due || a.seq - b.seq);
    return () => {
      const index = this.queue.indexOf(entry);
      if (index >= 0) this.queue.splice(index, 1);
    };
  }

  /** Moves time forward, running each action when its due time is reached. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.queue[0]; next !== undefined && next.due <= target; next = this.queue[0]) {
      this.queue.shift();
      this.current = next.due;
      next.action();
    }
    this.current = target;
  }
}
