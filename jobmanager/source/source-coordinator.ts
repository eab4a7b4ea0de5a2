/**
 * The coordinator of one source operator (Flink's SourceCoordinator): owns the operator's split
 * enumerator and runs everything that touches it on one serial CoordinatorLoop — reader
 * registrations, split requests and source events from the readers, the checkpoint snapshot,
 * completion notices and subtask resets. It tracks which splits went to which subtask since the
 * last completed checkpoint, so that a subtask restarting from checkpoint c gets the splits
 * assigned to it after c back into the enumerator (`addSplitsBack`).
 *
 * What it sends (reader events, checkpoint states, failures) goes to its outputs synchronously, in
 * the order it happened: a checkpoint's state comes out after every event sent before the snapshot
 * and before every event sent after it, which is what lets the JobManager hold later events back
 * until the checkpoint's barriers left the sources.
 */
import type { ReaderInfo, Source, SplitEnumerator } from '../../api/connector/source.js';
import { ErrorDomain, FreshetError, UserError, toError } from '../../common/errors/freshet-error.js';
import type { SourceCoordinatorEvent, SourceReaderEvent } from '../../common/protocol/operator-events.js';
import type { SchedulerTimer } from '../scheduler/scheduler-timer.js';
import { CoordinatorLoop } from './coordinator-loop.js';
import { decodeEnumeratorCheckpoint, encodeEnumeratorCheckpoint } from './enumerator-checkpoint-codec.js';
import { SourceCoordinatorContext } from './source-coordinator-context.js';
import { SplitAssignmentTracker } from './split-assignment-tracker.js';

/** Where a coordinator's results go, in the order they happen. */
export interface SourceCoordinatorOutputs {
  /** An event for the reader of `subtask`. */
  sendEvent(subtask: number, event: SourceCoordinatorEvent): void;
  /** The coordinator's state for checkpoint `checkpointId` (Flink's checkpointCoordinator result). */
  checkpointTaken(checkpointId: number, state: Uint8Array): void;
  checkpointFailed(checkpointId: number, error: Error): void;
  /** The enumerator failed: the job must fail over, and this coordinator be recreated. Once. */
  failJob(error: FreshetError): void;
}

export interface SourceCoordinatorOptions {
  readonly operatorName: string;
  readonly source: Source<unknown, unknown, unknown>;
  readonly parallelism: number;
  /** The job's effective configuration, as the enumerator's context shows it. */
  readonly configuration: Readonly<Record<string, string>>;
  readonly timer: SchedulerTimer;
  readonly outputs: SourceCoordinatorOutputs;
}

export class SourceCoordinator {
  private readonly loop: CoordinatorLoop;
  private readonly tracker = new SplitAssignmentTracker<unknown>();
  private readonly readers = new Map<number, ReaderInfo>();
  private readonly context: SourceCoordinatorContext;
  private enumerator: SplitEnumerator<unknown, unknown> | undefined;
  private failed = false;

  constructor(private readonly options: SourceCoordinatorOptions) {
    this.loop = new CoordinatorLoop(options.timer, (error) => this.fail(error));
    this.context = new SourceCoordinatorContext({
      operatorName: options.operatorName,
      parallelism: options.parallelism,
      configuration: options.configuration,
      loop: this.loop,
      tracker: this.tracker,
      readers: this.readers,
      sendEvent: (subtask, event) => options.outputs.sendEvent(subtask, event),
    });
  }

  /** Creates the enumerator, from `checkpoint` (its stored state) when given, and starts it. */
  start(checkpoint: Uint8Array | undefined): void {
    void this.loop.execute(async () => {
      const { source, operatorName } = this.options;
      if (checkpoint === undefined) {
        if (source.createEnumerator === undefined) {
          throw new FreshetError('NO_SPLIT_ENUMERATOR', `source '${operatorName}' has no createEnumerator`);
        }
        this.enumerator = source.createEnumerator(this.context);
      } else {
        if (source.restoreEnumerator === undefined) {
          throw new UserError(
            'NO_RESTORE_ENUMERATOR',
            `the checkpoint holds split enumerator state of '${operatorName}', but its source has no ` +
              'restoreEnumerator(context, checkpoint) to restore it with',
          );
        }
        this.enumerator = source.restoreEnumerator(this.context, decodeEnumeratorCheckpoint(checkpoint));
      }
      await this.enumerator.start();
    });
  }

  /** An event of the reader of `subtask` (the attempt is the subtask's current one). */
  handleEventFromOperator(subtask: number, event: SourceReaderEvent): void {
    void this.loop.execute(() => {
      const enumerator = this.started();
      switch (event.type) {
        case 'reader-registration':
          this.readers.set(subtask, {
            subtaskId: subtask,
            ...(event.location === undefined ? {} : { location: event.location }),
          });
          enumerator.addReader(subtask);
          return;
        case 'request-split':
          enumerator.handleSplitRequest(subtask, event.hostname);
          return;
        case 'source-event':
          enumerator.handleSourceEvent?.(subtask, event.event);
          return;
      }
    });
  }

  /** Snapshots the enumerator for checkpoint `checkpointId`; the result goes to the outputs. */
  checkpoint(checkpointId: number): void {
    void this.loop.execute(async () => {
      let state: Uint8Array;
      try {
        const snapshot = await this.started().snapshotState(checkpointId);
        state = encodeEnumeratorCheckpoint(snapshot, this.options.operatorName);
      } catch (error) {
        this.options.outputs.checkpointFailed(checkpointId, this.attribute(error, 'snapshotState'));
        return;
      }
      this.tracker.onCheckpoint(checkpointId);
      this.options.outputs.checkpointTaken(checkpointId, state);
    });
  }

  notifyCheckpointComplete(checkpointId: number): void {
    void this.loop.execute(async () => {
      this.tracker.onCheckpointComplete(checkpointId);
      await this.enumerator?.notifyCheckpointComplete?.(checkpointId);
    });
  }

  /**
   * The subtasks restart from checkpoint `restoredCheckpointId` (none: from the beginning): their
   * readers are unregistered until the new attempts register, and the splits assigned to each after
   * that checkpoint go back to the enumerator.
   */
  subtaskReset(restoredCheckpointId: number | undefined): void {
    void this.loop.execute(() => {
      for (let subtask = 0; subtask < this.options.parallelism; subtask++) {
        this.readers.delete(subtask);
        const splits = this.tracker.getAndRemoveUncheckpointedAssignment(subtask, restoredCheckpointId);
        if (splits.length > 0) this.started().addSplitsBack(splits, subtask);
      }
    });
  }

  /** Closes the enumerator and stops the loop (a failing close is ignored: the job moves on). */
  async close(): Promise<void> {
    await this.loop.execute(async () => {
      const enumerator = this.enumerator;
      this.enumerator = undefined;
      try {
        await enumerator?.close();
      } catch {
        // The enumerator is dropped either way; its failure cannot change what happens next.
      }
    });
    await this.loop.close();
  }

  private started(): SplitEnumerator<unknown, unknown> {
    if (this.enumerator === undefined) {
      throw new FreshetError(
        'SPLIT_ENUMERATOR_NOT_STARTED',
        `the split enumerator of '${this.options.operatorName}' did not start`,
      );
    }
    return this.enumerator;
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.options.outputs.failJob(this.attribute(error));
  }

  private attribute(thrown: unknown, method?: string): FreshetError {
    const error = toError(thrown);
    const where = method === undefined ? '' : ` in ${method}`;
    return new FreshetError(
      'SPLIT_ENUMERATOR_FAILED',
      `the split enumerator of '${this.options.operatorName}' failed${where}: ${error.message}`,
      {
        domain: error instanceof FreshetError ? error.domain : ErrorDomain.user,
        retryable: true,
        cause: error,
      },
    );
  }
}
