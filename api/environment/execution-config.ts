import { UserError } from '../../common/errors/freshet-error.js';

/** Per-job execution settings the program may change (Flink's ExecutionConfig). */
export class ExecutionConfig {
  private autoWatermarkInterval = 200;

  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new UserError(
        'INVALID_WATERMARK_INTERVAL',
        `auto-watermark interval must be >= 0 ms, got ${intervalMs}`,
      );
    }
    this.autoWatermarkInterval = intervalMs;
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }
}

export function checkParallelism(parallelism: number, what = 'parallelism'): number {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new UserError('INVALID_PARALLELISM', `${what} must be a positive integer, got ${parallelism}`);
  }
  return parallelism;
}

export function checkUid(uid: string): string {
  if (typeof uid !== 'string' || uid.length === 0) {
    throw new UserError('INVALID_UID', 'uid must be a non-empty string');
  }
  return uid;
}
