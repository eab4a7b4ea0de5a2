import type { SourceReaderContext } from '../../api/connector/source.js';

/** A SourceReaderContext with a manual clock. */
export class TestingSourceReaderContext implements SourceReaderContext {
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** The clock `currentTimeMillis()` reports; tests move it. */
  nowMillis: number;
  /** How often the reader called `sendSplitRequest()`. */
  splitRequests = 0;
  /** What the reader sent with `sendSourceEventToCoordinator`, in order. */
  readonly sourceEvents: unknown[] = [];

  constructor(
    indexOfSubtask = 0,
    parallelism = 1,
    options: { attemptNumber?: number; nowMillis?: number } = {},
  ) {
    this.indexOfSubtask = indexOfSubtask;
    this.parallelism = parallelism;
    this.attemptNumber = options.attemptNumber ?? 0;
    this.nowMillis = options.nowMillis ?? 0;
  }

  currentTimeMillis(): number {
    return this.nowMillis;
  }

  sendSplitRequest(): void {
    this.splitRequests++;
  }

  sendSourceEventToCoordinator(event: unknown): void {
    this.sourceEvents.push(event);
  }

  advance(millis: number): void {
    this.nowMillis += millis;
  }
}
