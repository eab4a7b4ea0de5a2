/**
 * Shared lifecycle of operators that wrap a user function: hand it the runtime context, call its
 * open/close, and set the key context before each record on keyed streams.
 */
import type { RichFunction } from '../../api/functions/rich-function.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';

export abstract class AbstractUdfOperator implements StreamOperator {
  protected readonly out;

  constructor(
    protected readonly ctx: OperatorContext,
    protected readonly userFunction: unknown,
  ) {
    this.out = ctx.output;
  }

  async open(): Promise<void> {
    const fn = this.userFunction as RichFunction | null;
    if (fn !== null && typeof fn === 'object') {
      fn.setRuntimeContext?.(this.ctx.runtimeContext);
      await fn.open?.({ attemptNumber: this.ctx.runtimeContext.getAttemptNumber() });
    }
  }

  abstract processElement(value: unknown, timestamp: number | undefined): void;

  async endInput(): Promise<void> {}

  async close(): Promise<void> {
    const fn = this.userFunction as RichFunction | null;
    if (fn !== null && typeof fn === 'object') await fn.close?.();
  }

  /** On keyed streams: scope state to the record's key. */
  protected setKeyContext(value: unknown): void {
    const backend = this.ctx.keyedStateBackend;
    if (backend !== undefined) backend.setCurrentKey(this.ctx.stateKeySelector!(value));
  }
}
