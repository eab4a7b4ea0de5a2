/**
 * Defaults every operator shares (Flink's AbstractStreamOperator): forward watermarks and
 * watermark status, remember the current watermark, and name the operator in errors.
 */
import type { WatermarkStatus } from '../../api/watermark/watermark-status.js';
import { attributeToOperator } from '../task/user-code-error.js';
import type { Output } from './output.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';

export const NO_WATERMARK = Number.MIN_SAFE_INTEGER;

export abstract class AbstractStreamOperator implements StreamOperator {
  protected readonly out: Output;
  protected inputWatermark = NO_WATERMARK;

  constructor(protected readonly ctx: OperatorContext) {
    this.out = ctx.output;
  }

  async open(): Promise<void> {}

  abstract processElement(value: unknown, timestamp: number | undefined): void;

  processWatermark(timestamp: number): void {
    this.inputWatermark = timestamp;
    this.onWatermark(timestamp);
    this.out.emitWatermark(timestamp);
  }

  processWatermarkStatus(status: WatermarkStatus): void {
    this.out.emitWatermarkStatus(status);
  }

  async endInput(): Promise<void> {}

  async close(): Promise<void> {}

  /** Hook for operators with event-time timers: fire what the watermark passed. */
  protected onWatermark(_timestamp: number): void {}

  /** An error from user code (or a connector) carrying this operator's name. */
  protected fail(error: unknown): Error {
    return attributeToOperator(error, this.ctx.operatorName);
  }
}
