/**
 * Shared lifecycle of operators that wrap a user function: hand it the runtime context, call its
 * open/close, and set the key context before each record on keyed streams.
 */
import type { RichFunction } from '../../api/functions/rich-function.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { OperatorContext } from './stream-operator.js';

export abstract class AbstractUdfOperator extends AbstractStreamOperator {
  constructor(
    ctx: OperatorContext,
    protected readonly userFunction: unknown,
  ) {
    super(ctx);
  }

  override async open(): Promise<void> {
    const fn = this.userFunction as RichFunction | null;
    if (fn !== null && typeof fn === 'object') {
      fn.setRuntimeContext?.(this.ctx.runtimeContext);
      await fn.open?.({ attemptNumber: this.ctx.runtimeContext.getAttemptNumber() });
    }
  }

  override async close(): Promise<void> {
    const fn = this.userFunction as RichFunction | null;
    if (fn !== null && typeof fn === 'object') await fn.close?.();
  }

  /** On keyed streams: scope state to the record's key. */
  protected setKeyContext(value: unknown): void {
    const backend = this.ctx.keyedStateBackend;
    if (backend !== undefined) backend.setCurrentKey(this.ctx.stateKeySelector!(value));
  }
}

/**
 * A per-subtask copy of a function object, as Flink gives every parallel instance its own
 * deserialized copy: own fields (runtime context, counters), shared prototype. Plain functions
 * are used as they are.
 */
export function copyUserFunction<F>(fn: F): F {
  if (fn === null || typeof fn !== 'object') return fn;
  return Object.create(Object.getPrototypeOf(fn) as object | null, Object.getOwnPropertyDescriptors(fn)) as F;
}
