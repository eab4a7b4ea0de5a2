/**
 * Two-input operators (Flink's TwoInputStreamOperator): records arrive on input 1 or 2; the
 * operator's watermark is the minimum of the two inputs' watermarks and advances (firing timers,
 * then forwarding) only when that minimum does.
 */
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { NO_WATERMARK } from '../abstract-stream-operator.js';
import { AbstractUdfOperator } from '../abstract-udf-operator.js';
import type { StreamOperator } from '../stream-operator.js';

export interface TwoInputStreamOperator extends StreamOperator {
  processElement1(value: unknown, timestamp: number | undefined): void;
  processElement2(value: unknown, timestamp: number | undefined): void;
  processWatermark1(timestamp: number): void;
  processWatermark2(timestamp: number): void;
}

export function isTwoInputOperator(operator: StreamOperator): operator is TwoInputStreamOperator {
  return typeof (operator as Partial<TwoInputStreamOperator>).processElement1 === 'function';
}

export abstract class AbstractTwoInputOperator extends AbstractUdfOperator implements TwoInputStreamOperator {
  private input1Watermark = NO_WATERMARK;
  private input2Watermark = NO_WATERMARK;

  abstract processElement1(value: unknown, timestamp: number | undefined): void;
  abstract processElement2(value: unknown, timestamp: number | undefined): void;

  processElement(): void {
    throw new FreshetError('TWO_INPUT_OPERATOR', `operator '${this.ctx.operatorName}' has two inputs`);
  }

  processWatermark1(timestamp: number): void {
    this.input1Watermark = timestamp;
    this.advanceCombined();
  }

  processWatermark2(timestamp: number): void {
    this.input2Watermark = timestamp;
    this.advanceCombined();
  }

  /** On keyed two-input operators: scope state to the key of a record from input 1 or 2. */
  protected setKeyContext2(value: unknown): void {
    const backend = this.ctx.keyedStateBackend;
    if (backend !== undefined) backend.setCurrentKey(this.ctx.stateKeySelector2!(value));
  }

  private advanceCombined(): void {
    const combined = Math.min(this.input1Watermark, this.input2Watermark);
    if (combined > this.inputWatermark) this.processWatermark(combined);
  }
}
