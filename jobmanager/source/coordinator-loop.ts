/**
 * The serial loop of one source coordinator (Flink's coordinator thread): the enumerator's methods
 * and the handlers of its `callAsync` calls run one after another, each to its end (an action
 * that returns a promise holds the loop until it settles), in the order they were queued. The
 * callables of `callAsync` run outside the loop (they may wait on I/O); their timers come from an
 * injected SchedulerTimer, so tests move time by hand.
 */
import { toError } from '../../common/errors/freshet-error.js';
import type { CancelScheduled, SchedulerTimer } from '../scheduler/scheduler-timer.js';

export class CoordinatorLoop {
  private tail: Promise<void> = Promise.resolve();
  private readonly scheduled = new Set<CancelScheduled>();
  private closed = false;

  /** @param onError an action threw (the coordinator fails the job); the loop goes on. */
  constructor(
    private readonly timer: SchedulerTimer,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues `action`; its failure goes to `onError`. Resolves once it ran (or was skipped: closed). */
  execute(action: () => void | Promise<void>): Promise<void> {
    return this.call(action).catch((error: unknown) => {
      if (!this.closed) this.onError(toError(error));
    });
  }

  /** Queues `action` and resolves to its result; rejects with its failure (not passed to `onError`). */
  call<T>(action: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw new Error('the coordinator loop is closed');
      return action();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Flink's SplitEnumeratorContext.callAsync: see there. */
  callAsync<T>(
    callable: () => T | Promise<T>,
    handler: (result: T | undefined, error: unknown) => void,
    initialDelayMs = 0,
    periodMs = 0,
  ): void {
    const runOnce = (): void => {
      if (this.closed) return;
      let outcome: Promise<T>;
      try {
        outcome = Promise.resolve(callable());
      } catch (error) {
        outcome = Promise.reject(toError(error));
      }
      void outcome
        .then(
          (result) => this.execute(() => handler(result, undefined)),
          (error: unknown) => this.execute(() => handler(undefined, error)),
        )
        .then(() => {
          if (periodMs > 0) this.schedule(periodMs, runOnce);
        });
    };
    this.schedule(Math.max(0, initialDelayMs), runOnce);
  }

  /** Stops the timers and refuses further actions; resolves once the running action settled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.scheduled) cancel();
    this.scheduled.clear();
    await this.tail;
  }

  private schedule(delayMs: number, action: () => void): void {
    if (this.closed) return;
    const cancel = this.timer.schedule(delayMs, () => {
      this.scheduled.delete(cancel);
      action();
    });
    this.scheduled.add(cancel);
  }
}
