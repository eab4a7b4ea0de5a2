import type { RuntimeContext } from '../../api/functions/runtime-context.js';
import type { WatermarkStatus } from '../../api/watermark/watermark-status.js';
import type { OperatorListStates } from '../checkpoint/operator-snapshot.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyedTimerService } from './keyed-timer-service.js';
import type { Output } from './output.js';
import type { ProcessingTimeService } from './processing-time-service.js';

/** What every operator gets when its task builds the chain. */
export interface OperatorContext {
  readonly operatorName: string;
  readonly output: Output;
  readonly runtimeContext: RuntimeContext;
  /** Present for operators on a keyed stream. */
  readonly keyedStateBackend: KeyedStateBackend | undefined;
  readonly stateKeySelector: ((value: unknown) => unknown) | undefined;
  /** The second input's key selector of a keyed two-input operator. */
  readonly stateKeySelector2?: ((value: unknown) => unknown) | undefined;
  readonly processingTimeService: ProcessingTimeService;
  /** The job's `pipeline.auto-watermark-interval` in ms. */
  readonly autoWatermarkInterval: number;
  /** Where the operator's keyed timer services register, so checkpoints include their timers. */
  readonly timerServices?: KeyedTimerService[];
}

/** One operator of a chain (Flink's OneInputStreamOperator). */
export interface StreamOperator {
  open(): Promise<void>;
  processElement(value: unknown, timestamp: number | undefined): void;
  /**
   * Keyed operators on a backend that reads state asynchronously (RocksDB): loads the state the
   * records of one input buffer will touch, in one batch, before they are processed.
   */
  prefetchState?(values: readonly unknown[], timestamps: readonly (number | undefined)[] | null): void;
  /** Fires the timers the watermark passed, then forwards it. */
  processWatermark(timestamp: number): void;
  processWatermarkStatus(status: WatermarkStatus): void;
  /** The input ended (bounded job): flush what is buffered. */
  endInput(): Promise<void>;
  close(): Promise<void>;
  /**
   * Checkpoint hooks (Flink's CheckpointedFunction and CheckpointListener), all optional. Keyed
   * state and timers are snapshotted by the chain; operators add their list states here.
   */
  snapshotState?(checkpointId: number): OperatorListStates;
  /** Before `open`, on restore: this subtask's share of the operator's list states. */
  initializeState?(lists: Readonly<Record<string, readonly unknown[]>>): void;
  notifyCheckpointComplete?(checkpointId: number): Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void;
}
