/**
 * The checkpoint side of one task (Flink's SubtaskCheckpointCoordinator): takes the synchronous
 * snapshot of the chain between records and forwards the barrier, writes the state asynchronously
 * and acknowledges (or declines), passes completion and abortion to the operators, and tracks the
 * final checkpoint a task waits for once its input ended (Flink's checkpoints after tasks finish):
 * a checkpoint taken after the input of every task of the job ended. Until then the task stays,
 * so each checkpoint covers every task and a restore never replays what a finished task did.
 * The savepoint of stop-with-savepoint is final too; a stopping source also learns whether it
 * completed (stop) or was aborted (resume).
 */
import { bufferBytes, type NetworkBuffer } from '../../common/protocol/record-batch-codec.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import type { CheckpointBarrier } from '../../common/protocol/checkpoint-barrier.js';
import type { OperatorListStates, OperatorSnapshot } from '../checkpoint/operator-snapshot.js';
import { writeTaskState } from '../checkpoint/task-state-writer.js';
import type { InFlightData } from '../checkpoint/in-flight-data.js';
import type { RecordWriter } from '../network/partition/record-writer.js';
import type { OperatorChain } from './operator-chain.js';
import type { CheckpointResponder } from './task-environment.js';

export interface TaskCheckpointingOptions {
  readonly chain: OperatorChain;
  readonly recordWriters: readonly RecordWriter[];
  readonly storage: () => CheckpointStorage;
  readonly responder: CheckpointResponder;
  readonly subtaskIndex: number;
  /** List states of the head that live outside the chain (a source reader's splits). */
  readonly headLists?: (checkpointId: number) => OperatorListStates;
  /** Whether the task reads network inputs (unaligned checkpoints capture their in-flight data). */
  readonly hasInputs: boolean;
  /** The barrier alignment the checkpoint took, once its barriers were aligned (tasks with inputs). */
  readonly alignmentDurationMs?: (checkpointId: number) => number | undefined;
  /** A failure outside the task loop (a commit that failed): the task must fail. */
  readonly onAsyncError: (error: unknown) => void;
}

/** How the synchronous savepoint of a stop-with-savepoint ended, as far as this task knows. */
export type SynchronousSavepointOutcome = 'completed' | 'aborted';

export class TaskCheckpointing {
  private readonly inFlight = new Set<Promise<void>>();
  private endOfData = false;
  /** Unaligned: the input buffers captured for the pending checkpoint, until every barrier came. */
  private channelState:
    | {
        readonly checkpointId: number;
        readonly buffers: Map<number, Uint8Array[]>;
        readonly settle: (error?: Error) => void;
      }
    | undefined;
  private readonly channelStateCompletedEarly = new Set<number>();
  /** Input buffers of a checkpoint captured before the task took it (overtaken by its first barrier). */
  private readonly earlyInput = new Map<number, Map<number, Uint8Array[]>>();
  private resolveFinal: (() => void) | undefined;
  private readonly finalCheckpoint = new Promise<void>((resolve) => (this.resolveFinal = resolve));
  /** The synchronous savepoint (stop-with-savepoint) a source task waits on. */
  private synchronousSavepoint:
    | { readonly checkpointId: number; readonly settle: (outcome: SynchronousSavepointOutcome) => void }
    | undefined;

  constructor(private readonly options: TaskCheckpointingOptions) {}

  /** Snapshot now (between records), forward the barrier, then write and acknowledge asynchronously. */
  performCheckpoint(barrier: CheckpointBarrier): void {
    const { chain, recordWriters, subtaskIndex } = this.options;
    const { checkpointId } = barrier;
    let snapshots: OperatorSnapshot[];
    try {
      snapshots = chain.snapshotState(checkpointId);
      const headLists = this.options.headLists?.(checkpointId);
      if (headLists !== undefined && snapshots.length > 0) {
        const head = snapshots[0]!;
        snapshots[0] = { ...head, lists: { ...head.lists, ...headLists } };
      }
    } catch (error) {
      this.decline(checkpointId, 'CHECKPOINT_DECLINED', error);
      return;
    }
    let inFlight: Promise<InFlightData> | undefined;
    if (barrier.options.alignment === 'unaligned') {
      const resultSubpartitions = recordWriters.map((writer) => writer.broadcastPriorityEvent(barrier));
      inFlight = this.inputChannelState(checkpointId).then((inputChannels) => ({
        inputChannels,
        resultSubpartitions,
      }));
    } else {
      for (const writer of recordWriters) writer.broadcastEvent(barrier);
    }
    const endOfData = this.endOfData;
    const alignmentDurationMs = this.options.alignmentDurationMs?.(checkpointId);
    const write = writeTaskState(
      { storage: this.options.storage(), targetLocation: barrier.options.targetLocation, subtaskIndex },
      snapshots,
      inFlight,
    ).then(
      (state) =>
        this.options.responder.acknowledgeCheckpoint(
          checkpointId,
          endOfData || alignmentDurationMs !== undefined
            ? {
                subtaskStateByOperatorId: state?.subtaskStateByOperatorId ?? {},
                ...(endOfData ? { endOfData } : {}),
                ...(alignmentDurationMs === undefined ? {} : { alignmentDurationMs }),
              }
            : state,
        ),
      (error: unknown) =>
        this.options.responder.declineCheckpoint(checkpointId, 'CHECKPOINT_ASYNC_EXCEPTION', error),
    );
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
  }

  /** Gives up on a checkpoint this task cannot take; downstream tasks stop aligning it. */
  abortCheckpoint(checkpointId: number, reason: string, error?: unknown): void {
    if (this.channelState?.checkpointId === checkpointId) {
      this.channelState.settle(new Error(`checkpoint ${checkpointId} was aborted: ${reason}`));
      this.channelState = undefined;
    }
    this.decline(checkpointId, reason, error);
  }

  /** Unaligned: a buffer a channel delivered before its barrier of the pending checkpoint. */
  captureInputBuffer(checkpointId: number, channelIndex: number, buffer: NetworkBuffer): void {
    const state = this.channelState;
    const perChannel =
      state?.checkpointId === checkpointId
        ? state.buffers
        : this.earlyInputOf(checkpointId, state?.checkpointId);
    if (perChannel === undefined) return;
    // Encoded now: records passed within the thread may change once the operator has them.
    const data = bufferBytes(buffer);
    const buffers = perChannel.get(channelIndex);
    if (buffers === undefined) perChannel.set(channelIndex, [data]);
    else buffers.push(data);
  }

  /** The stash for a checkpoint not taken yet (only newer than the one in progress). */
  private earlyInputOf(
    checkpointId: number,
    current: number | undefined,
  ): Map<number, Uint8Array[]> | undefined {
    if (current !== undefined && checkpointId < current) return undefined;
    let stash = this.earlyInput.get(checkpointId);
    if (stash === undefined) this.earlyInput.set(checkpointId, (stash = new Map<number, Uint8Array[]>()));
    return stash;
  }

  /** Unaligned: every channel delivered its barrier; the checkpoint's input data is complete. */
  channelStateComplete(checkpointId: number): void {
    const state = this.channelState;
    if (state?.checkpointId === checkpointId) {
      this.channelState = undefined;
      state.settle();
    } else {
      this.channelStateCompletedEarly.add(checkpointId);
    }
  }

  private inputChannelState(checkpointId: number): Promise<Map<number, Uint8Array[]>> {
    const buffers = this.earlyInput.get(checkpointId) ?? new Map<number, Uint8Array[]>();
    for (const id of this.earlyInput.keys()) if (id <= checkpointId) this.earlyInput.delete(id);
    if (!this.options.hasInputs || this.channelStateCompletedEarly.delete(checkpointId)) {
      return Promise.resolve(buffers);
    }
    this.channelState?.settle(new Error('a newer checkpoint started'));
    return new Promise((resolve, reject) => {
      this.channelState = {
        checkpointId,
        buffers,
        settle: (error) => (error === undefined ? resolve(buffers) : reject(error)),
      };
    });
  }

  /**
   * `final`: every task's input had ended when the checkpoint was taken, or it was the savepoint of
   * a stop-with-savepoint; the task may finish (once its operators committed).
   */
  notifyCheckpointComplete(checkpointId: number, final: boolean): void {
    this.options.chain.notifyCheckpointComplete(checkpointId).then(() => {
      if (final) this.resolveFinal?.();
      const waiting = this.synchronousSavepoint;
      if (waiting !== undefined && checkpointId >= waiting.checkpointId) {
        this.synchronousSavepoint = undefined;
        waiting.settle('completed');
      }
    }, this.options.onAsyncError);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.options.chain.notifyCheckpointAborted(checkpointId);
    this.settleAborted(checkpointId);
  }

  /**
   * Resolves once the synchronous savepoint `checkpointId` completed and this task's operators
   * committed it ('completed'), or once it was aborted. Call before taking it.
   */
  awaitSynchronousSavepoint(checkpointId: number): Promise<SynchronousSavepointOutcome> {
    this.synchronousSavepoint?.settle('aborted');
    return new Promise((settle) => (this.synchronousSavepoint = { checkpointId, settle }));
  }

  /** The task's input ended and its chain flushed: from now on it waits for a final checkpoint. */
  markEndOfData(): void {
    this.endOfData = true;
  }

  /** Resolves once the job's final checkpoint (taken after every task's input ended) completed. */
  waitForFinalCheckpoint(): Promise<void> {
    return this.finalCheckpoint;
  }

  /** Waits for the state writes still running (before the task releases its storage). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private decline(checkpointId: number, reason: string, error?: unknown): void {
    for (const writer of this.options.recordWriters)
      writer.broadcastEvent({ type: 'cancel-barrier', checkpointId });
    this.options.responder.declineCheckpoint(checkpointId, reason, error);
    this.settleAborted(checkpointId);
  }

  private settleAborted(checkpointId: number): void {
    const waiting = this.synchronousSavepoint;
    if (waiting?.checkpointId !== checkpointId) return;
    this.synchronousSavepoint = undefined;
    waiting.settle('aborted');
  }
}
