import type { RuntimeContext } from '../../api/functions/runtime-context.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { Output } from './output.js';

/** What every operator gets when its task builds the chain. */
export interface OperatorContext {
  readonly operatorName: string;
  readonly output: Output;
  readonly runtimeContext: RuntimeContext;
  /** Present for operators on a keyed stream. */
  readonly keyedStateBackend: KeyedStateBackend | undefined;
  readonly stateKeySelector: ((value: unknown) => unknown) | undefined;
  currentProcessingTime(): number;
}

/** One operator of a chain (Flink's OneInputStreamOperator, minus what later issues add). */
export interface StreamOperator {
  open(): Promise<void>;
  processElement(value: unknown, timestamp: number | undefined): void;
  /** The input ended (bounded job): flush what is buffered. */
  endInput(): Promise<void>;
  close(): Promise<void>;
}
