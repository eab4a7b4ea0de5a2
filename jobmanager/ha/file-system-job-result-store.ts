/**
 * Flink's JobResultStore on the HA file system: one small JSON file per job that reached a
 * globally terminal state (FINISHED, CANCELED, FAILED), written before the job's graph is removed
 * from the HA directory. A restarted JobManager reads it to know that a job is done for good: it
 * neither recovers nor (in application mode) submits that job again.
 *
 *   <dir>/job-results/<jobId>.json   {"jobId","status","timestamp"}
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import { isGloballyTerminal, JobStatus } from '../../common/job-status.js';
import { writeAtomically } from './write-atomically.js';

/** The end of a job as recorded. */
export interface JobResultEntry {
  readonly jobId: JobId;
  /** FINISHED, CANCELED or FAILED. */
  readonly status: JobStatus;
  /** Epoch millis of the recording. */
  readonly timestamp: number;
}

export class FileSystemJobResultStore {
  /** `directory` is created with the first entry. */
  constructor(readonly directory: string) {}

  /** Records (durably) that the job ended; throws for a status that is not globally terminal. */
  put(entry: JobResultEntry): void {
    if (!isGloballyTerminal(entry.status)) {
      throw new FreshetError(
        'JOB_NOT_TERMINATED',
        `cannot record a result for job ${entry.jobId} in status ${entry.status}: only FINISHED, CANCELED and FAILED are final`,
      );
    }
    mkdirSync(this.directory, { recursive: true });
    writeAtomically(this.path(entry.jobId), Buffer.from(JSON.stringify(entry), 'utf8'));
  }

  /** The recorded result of the job, if it ended; a file that cannot be read is an error naming it. */
  get(jobId: JobId): JobResultEntry | undefined {
    const path = this.path(jobId);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const entry = JSON.parse(text) as Partial<JobResultEntry>;
      const statuses: readonly unknown[] = Object.values(JobStatus);
      if (
        entry.jobId !== jobId ||
        !statuses.includes(entry.status) ||
        !isGloballyTerminal(entry.status as JobStatus) ||
        typeof entry.timestamp !== 'number'
      ) {
        throw new Error('not a job result of this job');
      }
      return { jobId, status: entry.status as JobStatus, timestamp: entry.timestamp };
    } catch (error) {
      throw new FreshetError(
        'CORRUPT_JOB_RESULT',
        `the job result ${path} cannot be read: ${String(error)}; delete it to let the job run again`,
        { cause: error },
      );
    }
  }

  has(jobId: JobId): boolean {
    return this.get(jobId) !== undefined;
  }

  private path(jobId: JobId): string {
    return join(this.directory, `${jobId}.json`);
  }
}
