/**
 * The stop-with-savepoint of one source task (Flink's SourceOperatorStreamTask
 * #triggerStopWithSavepointAsync): the request arrives between records (an RPC), the source loop
 * takes it at its next turn and carries it out. With drain the source emits MAX_WATERMARK, ends its
 * input (end-of-data downstream, so every window and timer fires and is flushed) and then emits the
 * savepoint's barrier; it finishes once the savepoint completed, like a bounded source. Without
 * drain it emits the barrier and then neither records nor watermarks: once the savepoint completed
 * (its commits done) it finishes without ending its input; when it was aborted it goes on.
 */
import type { CheckpointBarrier, CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import { checkpointBarrier } from '../checkpoint/checkpoint-barrier.js';
import type { SourceOperator } from '../operators/source-operator.js';
import type { TaskCheckpointing } from './task-checkpointing.js';

/**
 * How a task's loop ended: its input ended (end-of-data), a stop-with-savepoint stopped it without
 * drain (for a task downstream: its input ended without end-of-data), a drained stop ended its
 * input, or it was cancelled.
 */
export type LoopEnd = 'end-of-input' | 'stopped' | 'drained' | 'cancelled';

/** The barrier a trigger asks for: its options without the trigger's stop mode. */
export function barrierOf(
  checkpointId: number,
  timestamp: number,
  options: CheckpointOptions,
): CheckpointBarrier {
  const { checkpointType, alignment, targetLocation } = options;
  return checkpointBarrier(checkpointId, timestamp, { checkpointType, alignment, targetLocation });
}

export interface StopRequest {
  readonly barrier: CheckpointBarrier;
  readonly drain: boolean;
}

/** What carrying out a stop needs of the task. */
export interface SourceStopContext {
  readonly sourceOperator: SourceOperator;
  readonly checkpointing: TaskCheckpointing;
  /** Flushes the chain and sends end-of-data downstream. */
  readonly endOfData: () => Promise<void>;
  /** Resolves when the task is cancelled. */
  readonly cancelled: Promise<void>;
}

export class SourceStop {
  private pending: StopRequest | undefined;
  private inProgress = false;
  private resolveSignal!: () => void;
  /** Resolves when a stop is requested: the waits of the source loop race it. */
  signal = this.newSignal();

  /** Why a second stop is declined while one is carried out. */
  static alreadyStopping(): Error {
    return new Error('the source is already being stopped with a savepoint');
  }

  /** Whether a requested stop waits for the loop to take it. */
  get isPending(): boolean {
    return this.pending !== undefined;
  }

  /** Asks the loop to stop; false when a stop is already being carried out. */
  request(request: StopRequest): boolean {
    if (this.inProgress) return false;
    this.inProgress = true;
    this.pending = request;
    this.resolveSignal();
    return true;
  }

  /** The requested stop, taken by the loop (once). */
  take(): StopRequest | undefined {
    const request = this.pending;
    this.pending = undefined;
    return request;
  }

  /**
   * Carries out a stop between records; resolves to how the loop ends, or undefined when the
   * savepoint was aborted and the source goes on.
   */
  async carryOut(request: StopRequest, context: SourceStopContext): Promise<LoopEnd | undefined> {
    const { sourceOperator, checkpointing } = context;
    if (request.drain) {
      sourceOperator.endOfSourceInput();
      await context.endOfData();
      checkpointing.performCheckpoint(request.barrier);
      return 'drained';
    }
    const outcome = checkpointing.awaitSynchronousSavepoint(request.barrier.checkpointId);
    sourceOperator.pauseWatermarks();
    checkpointing.performCheckpoint(request.barrier);
    const ended = await Promise.race([outcome, context.cancelled.then(() => 'cancelled' as const)]);
    if (ended === 'completed') return 'stopped';
    if (ended === 'cancelled') return 'cancelled';
    sourceOperator.resumeWatermarks();
    this.signal = this.newSignal();
    this.inProgress = false;
    return undefined;
  }

  private newSignal(): Promise<void> {
    return new Promise<void>((resolve) => (this.resolveSignal = resolve));
  }
}
