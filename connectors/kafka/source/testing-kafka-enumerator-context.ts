/**
 * A SplitEnumeratorContext for unit tests of the KafkaSourceEnumerator: readers are registered by
 * hand, assignments and no-more-splits signals are recorded, and `callAsync` work runs only when
 * the test calls `runCallables()` (periodic ones stay scheduled), so nothing depends on time.
 */
import type { SplitEnumeratorContext } from '../../../api/connector/source.js';

interface ScheduledCall {
  readonly callable: () => unknown;
  readonly handler: (result: unknown, error: unknown) => void;
  readonly periodMs: number | undefined;
}

export class TestingKafkaEnumeratorContext<SplitT> implements SplitEnumeratorContext<SplitT> {
  parallelism: number;
  readonly readers = new Map<number, { subtaskId: number; location?: string }>();
  /** Every assignment, in order, per subtask. */
  readonly assignments: { subtaskId: number; splits: SplitT[] }[] = [];
  readonly noMoreSplitsSignalled = new Set<number>();
  readonly events: { subtaskId: number; event: unknown }[] = [];
  readonly configuration: Readonly<Record<string, string>> = {};
  private scheduled: ScheduledCall[] = [];
  /** Errors the handlers threw (the runtime would fail the job with them). */
  readonly handlerErrors: unknown[] = [];

  constructor(parallelism: number) {
    this.parallelism = parallelism;
  }

  currentParallelism(): number {
    return this.parallelism;
  }

  registeredReaders(): ReadonlyMap<number, { subtaskId: number; location?: string }> {
    return this.readers;
  }

  registerReader(subtaskId: number): void {
    this.readers.set(subtaskId, { subtaskId });
  }

  assignSplits(assignment: ReadonlyMap<number, readonly SplitT[]>): void {
    for (const [subtaskId, splits] of assignment) {
      if (!this.readers.has(subtaskId)) throw new Error(`assigned to unregistered reader ${subtaskId}`);
      this.assignments.push({ subtaskId, splits: [...splits] });
    }
  }

  assignSplit(split: SplitT, subtaskId: number): void {
    this.assignSplits(new Map([[subtaskId, [split]]]));
  }

  signalNoMoreSplits(subtaskId: number): void {
    this.noMoreSplitsSignalled.add(subtaskId);
  }

  sendEventToSourceReader(subtaskId: number, event: unknown): void {
    this.events.push({ subtaskId, event });
  }

  callAsync<T>(
    callable: () => T | Promise<T>,
    handler: (result: T | undefined, error: unknown) => void,
    _initialDelayMs?: number,
    periodMs?: number,
  ): void {
    this.scheduled.push({
      callable,
      handler: handler as (result: unknown, error: unknown) => void,
      periodMs,
    });
  }

  /** How many calls are scheduled (periodic ones count once). */
  get scheduledCount(): number {
    return this.scheduled.length;
  }

  /** The period of each scheduled call (undefined: once). */
  get scheduledPeriods(): (number | undefined)[] {
    return this.scheduled.map((call) => call.periodMs);
  }

  /** Runs every scheduled call once, then its handler; one-off calls are dropped afterwards. */
  async runCallables(): Promise<void> {
    const calls = this.scheduled;
    this.scheduled = calls.filter((call) => call.periodMs !== undefined && call.periodMs > 0);
    for (const call of calls) {
      let result: unknown;
      let error: unknown;
      try {
        result = await call.callable();
      } catch (thrown) {
        error = thrown;
      }
      try {
        call.handler(result, error);
      } catch (thrown) {
        this.handlerErrors.push(thrown);
      }
    }
  }

  /** Splits assigned to a subtask so far, flattened. */
  assignedTo(subtaskId: number): SplitT[] {
    return this.assignments.filter((entry) => entry.subtaskId === subtaskId).flatMap((entry) => entry.splits);
  }
}
