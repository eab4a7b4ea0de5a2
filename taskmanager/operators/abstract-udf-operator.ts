/**
 * Shared lifecycle of operators that wrap a user function: hand it the runtime context, call its
 * open/close, and set the key context before each record on keyed streams.
 */
import type { RichFunction } from '../../api/functions/rich-function.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { OperatorContext } from './stream-operator.js';
import { VOID_NAMESPACE, type StateAccess } from '../state/keyed-state-backend.js';

export abstract class AbstractUdfOperator extends AbstractStreamOperator {
  /** Set only on keyed streams whose backend prefetches (see StreamOperator.prefetchState). */
  prefetchState?: (values: readonly unknown[], timestamps: readonly (number | undefined)[] | null) => void;

  constructor(
    ctx: OperatorContext,
    protected readonly userFunction: unknown,
  ) {
    super(ctx);
    const backend = ctx.keyedStateBackend;
    if (backend?.prefetch !== undefined && ctx.stateKeySelector !== undefined) {
      this.prefetchState = (values, timestamps) => {
        const accesses: StateAccess[] = [];
        for (let i = 0; i < values.length; i++) this.stateAccesses(values[i], timestamps?.[i], accesses);
        backend.prefetch!(accesses);
      };
    }
  }

  /**
   * The state accesses one record will make: its key in the void namespace; operators with
   * namespaced state (windows) add theirs. A key selector that throws is left for processElement
   * to report.
   */
  protected stateAccesses(value: unknown, _timestamp: number | undefined, out: StateAccess[]): void {
    try {
      out.push({ key: this.ctx.stateKeySelector!(value), namespace: VOID_NAMESPACE });
    } catch {
      // processElement fails with the user's error
    }
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
