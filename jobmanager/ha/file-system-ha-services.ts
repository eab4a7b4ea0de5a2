/**
 * High availability on a shared file system (the role of Flink's HA services with
 * `high-availability.storageDir`): the JobManager keeps each running job's JobGraph and
 * JobInformation, its bundle, and the pointer to its latest completed checkpoint under the
 * directory, so a restarted JobManager finds its jobs and resumes them from their checkpoints.
 * Every write is atomic (a temporary file, then a rename) and synchronous: a checkpoint counts as
 * completed only once its pointer is durable.
 *
 *   <dir>/jobgraphs/<jobId>        JobInformation and JobGraph (msgpack)
 *   <dir>/checkpoints/<jobId>      the external pointer of the latest completed checkpoint
 *   <dir>/bundles/                 the jobs' bundles (the JobBundleStore's directory)
 *   <dir>/job-results/<jobId>.json jobs that ended for good (with `jobStatus`; see FileSystemJobResultStore)
 *
 * With a `jobStatus` lookup (application mode), a job that reaches a globally terminal state is
 * first recorded in the job result store and only then removed, so a JobManager killed in between
 * still knows the job is done. `suspend()` at shutdown keeps the jobs for the next JobManager.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { FreshetError, IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import { isGloballyTerminal, type JobStatus } from '../../common/job-status.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import { FileSystemJobResultStore } from './file-system-job-result-store.js';
import { writeAtomically } from './write-atomically.js';

const packr = new Packr({ useRecords: false, moreTypes: true });
const JOB_ID = /^[0-9a-f]{32}$/;

export interface RecoveredJob {
  readonly job: JobInformation;
  readonly jobGraph: JobGraph;
  /** The latest completed checkpoint's pointer, if the job completed one. */
  readonly latestCheckpoint: string | undefined;
}

export interface FileSystemHaServicesOptions {
  /**
   * The status of a job (its JobMaster's), read when the job is removed: with it, every job that
   * ended for good is recorded in `jobResults` (Flink's JobResultStore); without it, nothing is.
   */
  readonly jobStatus?: (jobId: JobId) => JobStatus | undefined;
  readonly clock?: () => number;
}

export class FileSystemHaServices {
  readonly directory: string;
  readonly jobResults: FileSystemJobResultStore;
  private suspended = false;

  /** `storageDir`: a local path or `file://` URI (every JobManager that may take over must see it). */
  constructor(
    storageDir: string,
    private readonly options: FileSystemHaServicesOptions = {},
  ) {
    if (storageDir.startsWith('file://')) this.directory = fileURLToPath(storageDir);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(storageDir)) {
      throw new IllegalConfigurationError(
        `high-availability.storageDir '${storageDir}' must be a local path or a file:// URI (a shared file system); other schemes are not supported yet`,
      );
    } else this.directory = storageDir;
    for (const sub of ['jobgraphs', 'checkpoints', 'bundles'])
      mkdirSync(join(this.directory, sub), { recursive: true });
    this.jobResults = new FileSystemJobResultStore(join(this.directory, 'job-results'));
  }

  get bundlesDirectory(): string {
    return join(this.directory, 'bundles');
  }

  putJob(job: JobInformation, jobGraph: JobGraph): void {
    writeAtomically(join(this.directory, 'jobgraphs', job.jobId), packr.pack({ job, jobGraph }));
  }

  /**
   * Forgets a job that reached a globally terminal state, recording its result first (with a
   * `jobStatus` lookup). Does nothing once suspended: the JobManager is shutting down, and its jobs
   * end only as far as this process is concerned (Flink's SUSPENDED).
   */
  removeJob(jobId: JobId): void {
    if (this.suspended) return;
    const status = this.options.jobStatus?.(jobId);
    if (status !== undefined && isGloballyTerminal(status)) {
      this.jobResults.put({ jobId, status, timestamp: (this.options.clock ?? Date.now)() });
    }
    this.discardJob(jobId);
  }

  /**
   * From now on jobs are no longer removed (nor their results recorded): called when the JobManager
   * shuts down without cancelling its jobs, so the next JobManager recovers them. Checkpoint pointers
   * are still written: a checkpoint that completes meanwhile is one the next JobManager may resume from.
   */
  suspend(): void {
    this.suspended = true;
  }

  /** Whether the job's graph is stored (it is running, or was left running by a previous JobManager). */
  hasJob(jobId: JobId): boolean {
    return existsSync(join(this.directory, 'jobgraphs', jobId));
  }

  private discardJob(jobId: JobId): void {
    rmSync(join(this.directory, 'jobgraphs', jobId), { force: true });
    rmSync(join(this.directory, 'checkpoints', jobId), { force: true });
  }

  writeLatestCheckpoint(jobId: JobId, pointer: string): void {
    writeAtomically(join(this.directory, 'checkpoints', jobId), Buffer.from(pointer, 'utf8'));
  }

  /**
   * The jobs a previous JobManager left running; a file that cannot be read is an error naming it.
   * A job with a recorded result ended for good (its JobManager died while removing it): its
   * leftovers are removed instead.
   */
  recoverJobs(): RecoveredJob[] {
    const jobs: RecoveredJob[] = [];
    for (const name of readdirSync(join(this.directory, 'jobgraphs')).sort()) {
      if (!JOB_ID.test(name)) continue;
      if (this.jobResults.has(name as JobId)) {
        this.discardJob(name as JobId);
        continue;
      }
      const path = join(this.directory, 'jobgraphs', name);
      let stored: { job: JobInformation; jobGraph: JobGraph };
      try {
        stored = packr.unpack(readFileSync(path)) as { job: JobInformation; jobGraph: JobGraph };
        if (stored.job.jobId !== name || !Array.isArray(stored.jobGraph.vertices))
          throw new Error('not a job record');
      } catch (error) {
        throw new FreshetError(
          'CORRUPT_HA_JOB_GRAPH',
          `the stored job graph ${path} cannot be read: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      let latestCheckpoint: string | undefined;
      try {
        latestCheckpoint = readFileSync(join(this.directory, 'checkpoints', name), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      jobs.push({ job: stored.job, jobGraph: stored.jobGraph, latestCheckpoint });
    }
    return jobs;
  }
}
