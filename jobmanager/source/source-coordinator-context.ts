/**
 * The SplitEnumeratorContext a coordinator hands its enumerator (Flink's SourceCoordinatorContext):
 * knows the registered readers, records every assignment in the SplitAssignmentTracker and turns
 * assignments, end-of-splits signals and source events into events for the readers, in the
 * order they are made. Assigning to (or signalling) a subtask without a registered reader is the
 * enumerator's bug: it throws, as in Flink.
 */
import type { ReaderInfo, SplitEnumeratorContext } from '../../api/connector/source.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';
import type { CoordinatorLoop } from './coordinator-loop.js';
import type { SplitAssignmentTracker } from './split-assignment-tracker.js';

export interface SourceCoordinatorContextOptions {
  readonly operatorName: string;
  readonly parallelism: number;
  readonly configuration: Readonly<Record<string, string>>;
  readonly loop: CoordinatorLoop;
  readonly tracker: SplitAssignmentTracker<unknown>;
  readonly readers: ReadonlyMap<number, ReaderInfo>;
  /** Sends an event to the reader of `subtask` (in call order). */
  readonly sendEvent: (subtask: number, event: SourceCoordinatorEvent) => void;
}

export class SourceCoordinatorContext implements SplitEnumeratorContext<unknown> {
  readonly configuration: Readonly<Record<string, string>>;

  constructor(private readonly options: SourceCoordinatorContextOptions) {
    this.configuration = options.configuration;
  }

  currentParallelism(): number {
    return this.options.parallelism;
  }

  registeredReaders(): ReadonlyMap<number, ReaderInfo> {
    return new Map(this.options.readers);
  }

  assignSplits(assignment: ReadonlyMap<number, readonly unknown[]>): void {
    for (const subtask of assignment.keys()) this.checkRegistered(subtask, 'assign splits to');
    this.options.tracker.recordSplitAssignment(assignment);
    for (const [subtask, splits] of assignment) {
      if (splits.length > 0) this.options.sendEvent(subtask, { type: 'add-splits', splits: [...splits] });
    }
  }

  assignSplit(split: unknown, subtaskId: number): void {
    this.assignSplits(new Map([[subtaskId, [split]]]));
  }

  signalNoMoreSplits(subtaskId: number): void {
    this.checkRegistered(subtaskId, 'signal no more splits to');
    this.options.sendEvent(subtaskId, { type: 'no-more-splits' });
  }

  sendEventToSourceReader(subtaskId: number, event: unknown): void {
    this.checkRegistered(subtaskId, 'send an event to');
    this.options.sendEvent(subtaskId, { type: 'source-event', event });
  }

  callAsync<T>(
    callable: () => T | Promise<T>,
    handler: (result: T | undefined, error: unknown) => void,
    initialDelayMs?: number,
    periodMs?: number,
  ): void {
    this.options.loop.callAsync(callable, handler, initialDelayMs, periodMs);
  }

  private checkRegistered(subtask: number, what: string): void {
    const { parallelism, readers, operatorName } = this.options;
    if (!Number.isSafeInteger(subtask) || subtask < 0 || subtask >= parallelism) {
      throw new UserError(
        'INVALID_SUBTASK',
        `the split enumerator of '${operatorName}' tried to ${what} subtask ${subtask}, but the source runs ${parallelism} subtask(s) (0 to ${parallelism - 1})`,
      );
    }
    if (!readers.has(subtask)) {
      throw new UserError(
        'READER_NOT_REGISTERED',
        `the split enumerator of '${operatorName}' tried to ${what} subtask ${subtask}, whose reader is not registered; ` +
          'assign only to the subtasks in registeredReaders()',
      );
    }
  }
}
