import type { SourceReaderContext } from '../../api/connector/source.js';

/** A SourceReaderContext with a manual clock. */
export class TestingSourceReaderContext implements SourceReaderContext {
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** The clock `currentTimeMillis()` reports; tests move it. */
  nowMillis: number;

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

  advance(millis: number): void {
    this.nowMillis += millis;
  }
}
