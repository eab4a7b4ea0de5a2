import { UserError } from '../../common/errors/freshet-error.js';

/**
 * A watermark: the assertion that no more records with a timestamp `<= timestamp` are expected
 * on this stream (Flink's `Watermark`). Timestamps are milliseconds since the epoch.
 *
 * Freshet's timestamps are JavaScript numbers, so the role Flink gives to `Long.MIN_VALUE` and
 * `Long.MAX_VALUE` is played by `Number.MIN_SAFE_INTEGER` and `Number.MAX_SAFE_INTEGER`: every
 * watermark lies in that range, where integer arithmetic is still exact.
 */
export class Watermark {
  /**
   * The watermark that ends event time: our `Long.MAX_VALUE` (`Number.MAX_SAFE_INTEGER`). A
   * bounded input emits it when it ends, which fires every pending event-time timer and window.
   */
  static readonly MAX_WATERMARK: Watermark = new Watermark(Number.MAX_SAFE_INTEGER);

  /**
   * The lowest watermark (`Number.MIN_SAFE_INTEGER`, our `Long.MIN_VALUE`). It means "no
   * watermark yet": it is where every input channel and generator starts.
   */
  static readonly MIN_WATERMARK: Watermark = new Watermark(Number.MIN_SAFE_INTEGER);

  readonly timestamp: number;

  constructor(timestamp: number) {
    if (
      !Number.isFinite(timestamp) ||
      timestamp > Number.MAX_SAFE_INTEGER ||
      timestamp < Number.MIN_SAFE_INTEGER
    ) {
      throw new UserError(
        'INVALID_WATERMARK',
        `watermark timestamp ${String(timestamp)} is not a number of milliseconds between ` +
          `Number.MIN_SAFE_INTEGER and Number.MAX_SAFE_INTEGER; use Watermark.MAX_WATERMARK to end event time`,
      );
    }
    this.timestamp = timestamp;
  }

  equals(other: Watermark): boolean {
    return this.timestamp === other.timestamp;
  }

  toString(): string {
    return `Watermark @ ${this.timestamp}`;
  }
}
