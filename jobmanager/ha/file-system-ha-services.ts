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
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  fsyncSync,
  openSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { FreshetError, IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';

const packr = new Packr({ useRecords: false, moreTypes: true });
const JOB_ID = /^[0-9a-f]{32}$/;

export interface RecoveredJob {
  readonly job: JobInformation;
  readonly jobGraph: JobGraph;
  /** The latest completed checkpoint's pointer, if the job completed one. */
  readonly latestCheckpoint: string | undefined;
}

export class FileSystemHaServices {
  readonly directory: string;

  /** `storageDir`: a local path or `file://` URI (every JobManager that may take over must see it). */
  constructor(storageDir: string) {
    if (storageDir.startsWith('file://')) this.directory = fileURLToPath(storageDir);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(storageDir)) {
      throw new IllegalConfigurationError(
        `high-availability.storageDir '${storageDir}' must be a local path or a file:// URI (a shared file system); other schemes are not supported yet`,
      );
    } else this.directory = storageDir;
    for (const sub of ['jobgraphs', 'checkpoints', 'bundles'])
      mkdirSync(join(this.directory, sub), { recursive: true });
  }

  get bundlesDirectory(): string {
    return join(this.directory, 'bundles');
  }

  putJob(job: JobInformation, jobGraph: JobGraph): void {
    writeAtomically(join(this.directory, 'jobgraphs', job.jobId), packr.pack({ job, jobGraph }));
  }

  /** Forgets a job that reached a globally terminal state. */
  removeJob(jobId: JobId): void {
    rmSync(join(this.directory, 'jobgraphs', jobId), { force: true });
    rmSync(join(this.directory, 'checkpoints', jobId), { force: true });
  }

  writeLatestCheckpoint(jobId: JobId, pointer: string): void {
    writeAtomically(join(this.directory, 'checkpoints', jobId), Buffer.from(pointer, 'utf8'));
  }

  /** The jobs a previous JobManager left running; a file that cannot be read is an error naming it. */
  recoverJobs(): RecoveredJob[] {
    const jobs: RecoveredJob[] = [];
    for (const name of readdirSync(join(this.directory, 'jobgraphs')).sort()) {
      if (!JOB_ID.test(name)) continue;
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

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
