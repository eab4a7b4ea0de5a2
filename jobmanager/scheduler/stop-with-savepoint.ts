/**
 * Stop-with-savepoint of one job (Flink's `stop` and StopWithSavepointTerminationHandler): the
 * periodic checkpoints stop, a synchronous savepoint is triggered (SAVEPOINT_SUSPEND, or with
 * `drain` SAVEPOINT_TERMINATE: the sources emit MAX_WATERMARK and end their input first), the
 * sources stop emitting after its barrier, and once it completed every task commits and finishes:
 * the job ends FINISHED and the stop resolves to the savepoint's path.
 *
 * A savepoint that fails before any source ended its input leaves the job running (periodic
 * checkpoints resume). One that fails after the sources of a `drain` ended their input cannot leave
 * it so — the input is gone — and the job fails over (restarting from its latest checkpoint when its
 * restart strategy allows), as Flink does when the tasks did not all finish.
 */
import { ErrorDomain, FreshetError, UserError, toError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import { CheckpointProperties, CheckpointType } from '../checkpoint/checkpoint-properties.js';
import type { JobCheckpointing } from './job-checkpointing.js';

/** What stopping needs of the JobMaster. */
export interface StoppableJob {
  readonly jobId: JobId;
  readonly status: JobStatus;
  /** Resolves once the job reached a globally terminal status. */
  readonly result: Promise<{ readonly status: JobStatus; readonly failure?: Error }>;
}

export class StopWithSavepointHandler {
  private inProgress = false;

  /** @param failOver fails the job over (restarting it when its restart strategy allows). */
  constructor(
    private readonly checkpointing: JobCheckpointing,
    private readonly job: StoppableJob,
    private readonly failOver: (error: Error) => void,
  ) {}

  /**
   * Stops the job with a savepoint into `targetDirectory` (else `state.savepoints.dir`); resolves to
   * its path once the job is FINISHED. Rejects with JOB_NOT_RUNNING or STOP_IN_PROGRESS when it
   * cannot start, with the savepoint's CheckpointException when that failed, and with
   * STOP_WITH_SAVEPOINT_FAILED when the savepoint completed but the job did not finish.
   */
  async stop(targetDirectory: string | undefined, drain: boolean): Promise<string> {
    const { jobId } = this.job;
    const status = this.job.status;
    if (status !== 'RUNNING') {
      throw new UserError(
        'JOB_NOT_RUNNING',
        `job ${jobId} is ${status}: only a running job can be stopped with a savepoint`,
      );
    }
    if (this.inProgress) {
      throw new UserError(
        'STOP_IN_PROGRESS',
        `job ${jobId} is already being stopped with a savepoint; wait for that one to end`,
      );
    }
    this.inProgress = true;
    try {
      return await this.stopWithSavepoint(targetDirectory, drain);
    } finally {
      this.inProgress = false;
    }
  }

  private async stopWithSavepoint(targetDirectory: string | undefined, drain: boolean): Promise<string> {
    const { checkpointing, job } = this;
    // No checkpoint may commit output after the savepoint, nor compete with it.
    checkpointing.stopForFailover();
    const drainedBefore = checkpointing.lastDrainingSavepoint;
    const type = drain ? CheckpointType.SAVEPOINT_TERMINATE : CheckpointType.SAVEPOINT_SUSPEND;
    let path: string;
    try {
      const completed = await checkpointing.coordinator.triggerCheckpoint(
        CheckpointProperties.savepoint(targetDirectory, type),
      );
      path = completed.externalPointer;
    } catch (thrown) {
      const error = toError(thrown);
      if (job.status === 'RUNNING') {
        if (checkpointing.lastDrainingSavepoint !== drainedBefore)
          this.failOver(drainFailed(job.jobId, error));
        else checkpointing.start();
      }
      throw error;
    }
    const result = await job.result;
    if (result.status === 'FINISHED') return path;
    throw new FreshetError(
      'STOP_WITH_SAVEPOINT_FAILED',
      `the savepoint ${path} of job ${job.jobId} completed, but the job ended ${result.status} instead of ` +
        'FINISHED; the savepoint can still be restored with run -s',
      { domain: ErrorDomain.external, ...(result.failure === undefined ? {} : { cause: result.failure }) },
    );
  }
}

function drainFailed(jobId: JobId, cause: Error): FreshetError {
  return new FreshetError(
    'STOP_WITH_SAVEPOINT_FAILED',
    `the savepoint of stop --drain of job ${jobId} failed after its sources had ended their input ` +
      `(${cause.message}); the job fails over to recover`,
    { domain: ErrorDomain.external, cause },
  );
}
