/**
 * The failures a job went through, for REST `/jobs/:id/exceptions` (Flink's exception history):
 * one entry per failover, oldest first, with the failures that came in while it was under way
 * folded in as its concurrent exceptions. Bounded: the oldest entries are dropped past
 * `maxEntries` (Flink's `web.exception-history-size`, 16 by default).
 */

export interface JobFailure {
  readonly timestamp: number;
  readonly error: Error;
  /** "Map (1/2)" for a task failure; absent for a failure of the whole job. */
  readonly taskName?: string;
  readonly taskManagerId?: string;
  /** host:port of the TaskManager, if known. */
  readonly location?: string;
  readonly concurrent: readonly JobFailure[];
}

/** A failure as reported, before it is filed as a root or concurrent entry. */
export type FailureReport = Omit<JobFailure, 'concurrent'>;

interface Entry extends FailureReport {
  readonly concurrent: JobFailure[];
}

export const DEFAULT_EXCEPTION_HISTORY_SIZE = 16;

export class FailureHistory {
  private readonly list: Entry[] = [];

  constructor(private readonly maxEntries: number = DEFAULT_EXCEPTION_HISTORY_SIZE) {}

  get entries(): readonly JobFailure[] {
    return this.list;
  }

  /** The failure that starts a failover. */
  addRoot(report: FailureReport): void {
    this.list.push({ ...report, concurrent: [] });
    if (this.list.length > this.maxEntries) this.list.shift();
  }

  /** A failure during the failover of the latest root (a root is made if there is none). */
  addConcurrent(report: FailureReport): void {
    const root = this.list.at(-1);
    if (root === undefined) this.addRoot(report);
    else root.concurrent.push({ ...report, concurrent: [] });
  }
}
