import { toError } from '../../common/errors/freshet-error.js';

/**
 * Runs asynchronous operations strictly one after another, as a writer's single database session
 * needs. The first failure is kept: later operations do not run and fail with it, and
 * `throwIfFailed` reports it to synchronous callers (`write`). The internal chain never rejects,
 * so operations nobody awaits (`submit`) leave no unhandled rejection.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private queued = 0;

  /** The first failure of an operation, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Operations queued or running (an operation no longer counts once its caller hears back). */
  get size(): number {
    return this.queued;
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Runs `operation` after the queued ones; rejects with its error or an earlier failure. */
  run<R>(operation: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.enqueue(async () => {
        if (this.failure !== undefined) {
          const failure = this.failure;
          return () => reject(failure);
        }
        try {
          const value = await operation();
          return () => resolve(value);
        } catch (error) {
          this.failure ??= toError(error);
          return () => reject(toError(error));
        }
      });
    });
  }

  /** Queues an operation nobody awaits; its failure surfaces through the next `run` or `throwIfFailed`. */
  submit(operation: () => Promise<void>): void {
    this.enqueue(async () => {
      if (this.failure === undefined) {
        try {
          await operation();
        } catch (error) {
          this.failure ??= toError(error);
        }
      }
      return () => undefined;
    });
  }

  /** Resolves once every operation queued so far has ended; never rejects. */
  drained(): Promise<void> {
    return this.tail;
  }

  /** `step` never rejects; it returns how to tell its caller, which happens after it left the queue. */
  private enqueue(step: () => Promise<() => void>): void {
    this.queued++;
    this.tail = this.tail.then(async () => {
      const settle = await step();
      this.queued--;
      settle();
    });
  }
}
