/**
 * The future behind a reader's `isAvailable()` (Flink's AvailabilityHelper): `getAvailableFuture()`
 * hands out one shared promise that `notifyAvailable()` resolves; the next wait gets a fresh one.
 */
export class AvailabilityHelper {
  private pending: Promise<void> | undefined;
  private resolvePending: (() => void) | undefined;

  /** A promise resolved by the next `notifyAvailable()`. */
  getAvailableFuture(): Promise<void> {
    if (this.pending === undefined) {
      this.pending = new Promise<void>((resolve) => {
        this.resolvePending = resolve;
      });
    }
    return this.pending;
  }

  /** Wakes everyone waiting on the current future. */
  notifyAvailable(): void {
    const resolve = this.resolvePending;
    this.pending = undefined;
    this.resolvePending = undefined;
    resolve?.();
  }
}

/** An already resolved promise, shared (returning it allocates nothing). */
export const AVAILABLE: Promise<void> = Promise.resolve();

/** A promise that resolves after `delayMillis` of real time (production waits, e.g. rate limits). */
export function delay(delayMillis: number): Promise<void> {
  return new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, delayMillis));
  });
}
