import type { RuntimeContext } from './runtime-context.js';

/** Passed to `open()`; reserved for Flink's OpenContext fields. */
export interface OpenContext {
  readonly attemptNumber: number;
}

/** Lifecycle hooks any user function object may have (duck-typed, as in Flink's RichFunction). */
export interface RichFunction {
  open?(openContext: OpenContext): void | Promise<void>;
  close?(): void | Promise<void>;
  setRuntimeContext?(context: RuntimeContext): void;
}

export abstract class AbstractRichFunction implements RichFunction {
  /** A plain field (not #private) so the runtime can give each parallel subtask its own copy. */
  private runtimeContext: RuntimeContext | undefined;

  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }

  getRuntimeContext(): RuntimeContext {
    if (this.runtimeContext === undefined) {
      throw new Error('The runtime context has not been initialized: it is available from open() on');
    }
    return this.runtimeContext;
  }

  open(_openContext: OpenContext): void | Promise<void> {}
  close(): void | Promise<void> {}
}
