/**
 * A JobManager in application mode (Flink's StandaloneApplicationClusterEntrypoint, `standalone-job`):
 * the session JobManager of session-cluster-entrypoint.ts that, once started, runs exactly one job
 * from a bundle handed in at start, under the fixed job ID 00000000000000000000000000000000 (as
 * Flink does in application mode with HA) so that a restarted JobManager recognises it.
 *
 * With `high-availability.storageDir` a start decides between three cases, after HA recovery:
 * - the job was recovered (a previous JobManager left it running): it resumes from its latest
 *   completed checkpoint and is not submitted again;
 * - the job result store says it ended for good (FINISHED, CANCELED, FAILED): it is not run again;
 * - otherwise it is submitted (from `savepoint` when given), through the same JarStore and jar-run
 *   path as `POST /jars/upload` and `POST /jars/:jarid/run`.
 * A job still stored in the HA directory that could not be recovered fails the start rather than
 * being started over from scratch.
 *
 * When the job ends, the JobManager keeps running, serving REST with the ended job, until it is
 * stopped (SIGTERM/SIGINT): the orchestrator decides the process's lifetime (a Kubernetes
 * Deployment would restart an exited JobManager, which would then find nothing to do), and the
 * outcome stays inspectable. The outcome is logged. Stopping with HA suspends a running job (it
 * stays in the HA directory for the next JobManager) instead of cancelling it; without HA it is
 * cancelled as in session mode.
 */
import type { Configuration } from '../../common/config/configuration.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import type { Logger } from '../../common/logging/logger.js';
import type { JobResult } from '../scheduler/job-master.js';
import {
  SessionClusterEntrypoint,
  type SessionClusterEntrypointOptions,
  type StartedJobManager,
} from './session-cluster-entrypoint.js';

/** The job ID of the application's job. */
export const APPLICATION_JOB_ID: JobId = JobId.parse('0'.repeat(32));

export interface ApplicationJob {
  /** Where the bundle came from (a path or `s3://` URL), for messages. */
  readonly source: string;
  /** The file name the bundle is stored under (as `GET /jars` shows it). */
  readonly fileName: string;
  /** The bundle's code (what `freshet bundle` writes). */
  readonly bundle: Buffer;
  readonly programArgs: readonly string[];
  /** Default parallelism of the job; the cluster's `parallelism.default` when absent. */
  readonly parallelism?: number;
  /** Restore the first submission from this savepoint (ignored when the job is recovered). */
  readonly savepoint?: { readonly path: string; readonly allowNonRestoredState: boolean };
}

export interface ApplicationClusterEntrypointOptions {
  readonly configuration: Configuration;
  readonly providedModules: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly version: string;
  readonly application: ApplicationJob;
}

/** How the application job came to this JobManager. */
export type ApplicationStart =
  | { readonly kind: 'submitted' }
  | { readonly kind: 'recovered' }
  | { readonly kind: 'already-terminated'; readonly status: JobStatus };

export class ApplicationClusterEntrypoint {
  private constructor(
    readonly cluster: SessionClusterEntrypoint,
    readonly applicationStart: ApplicationStart,
    /** Resolves with the job's result when it ends; undefined when it had ended before this start. */
    readonly result: Promise<JobResult> | undefined,
  ) {}

  static async start(options: ApplicationClusterEntrypointOptions): Promise<ApplicationClusterEntrypoint> {
    const { application, logger } = options;
    let start: ApplicationStart | undefined;
    const sessionOptions: SessionClusterEntrypointOptions = {
      configuration: options.configuration,
      providedModules: options.providedModules,
      logger,
      version: options.version,
      recordJobResults: true,
      beforeReady: async (jobManager) => {
        start = await startApplicationJob(jobManager, application, logger);
      },
    };
    const cluster = await SessionClusterEntrypoint.start(sessionOptions);
    const started = start ?? { kind: 'submitted' };
    const master = cluster.dispatcher.listJobs().find((job) => job.jobId === APPLICATION_JOB_ID);
    const result = master?.result;
    if (result !== undefined) void result.then((outcome) => logOutcome(logger, outcome));
    return new ApplicationClusterEntrypoint(cluster, started, result);
  }

  /** Stops the JobManager; with HA a job still running is suspended (kept for the next JobManager). */
  stop(): Promise<void> {
    return this.cluster.stop({ suspendJobs: true });
  }
}

async function startApplicationJob(
  jobManager: StartedJobManager,
  application: ApplicationJob,
  logger: Logger,
): Promise<ApplicationStart> {
  const { dispatcher, backend, ha } = jobManager;
  const jobId = APPLICATION_JOB_ID;
  if (dispatcher.listJobs().some((master) => master.jobId === jobId)) {
    logger.info(
      { jobId },
      `application job ${jobId} was recovered from the HA directory; not submitting it again`,
    );
    return { kind: 'recovered' };
  }
  const ended = ha?.jobResults.get(jobId);
  if (ended !== undefined) {
    logger.info(
      { jobId, status: ended.status },
      `application job ${jobId} already ended ${ended.status} (job result store); not running it again`,
    );
    return { kind: 'already-terminated', status: ended.status };
  }
  if (ha?.hasJob(jobId) === true) {
    throw new FreshetError(
      'APPLICATION_JOB_NOT_RECOVERED',
      `application job ${jobId} is stored in the HA directory ${ha.directory} but could not be recovered ` +
        `(see the error logged above); it is not started over from scratch`,
    );
  }
  try {
    const jar = backend.uploadJar(application.fileName, application.bundle);
    await backend.runJar(jar.id, {
      programArgsList: application.programArgs,
      jobId,
      allowNonRestoredState: application.savepoint?.allowNonRestoredState ?? false,
      ...(application.parallelism === undefined ? {} : { parallelism: application.parallelism }),
      ...(application.savepoint === undefined ? {} : { savepointPath: application.savepoint.path }),
    });
  } catch (error) {
    throw bundleError(application.source, error);
  }
  logger.info(
    { jobId, bundle: application.source },
    `submitted application job ${jobId} from ${application.source}`,
  );
  return { kind: 'submitted' };
}

/** A user error about the bundle names it (keeping its code, so the CLI maps it to exit code 2). */
function bundleError(source: string, error: unknown): unknown {
  if (!(error instanceof FreshetError) || error.domain !== 'user') return error;
  return new UserError(error.code, `cannot run the job bundle ${source}: ${error.message}`, { cause: error });
}

function logOutcome(logger: Logger, result: JobResult): void {
  const fields = { jobId: result.jobId, status: result.status, netRuntime: result.netRuntime };
  if (result.status === 'FINISHED') {
    logger.info(
      fields,
      `application job ${result.jobId} FINISHED; the JobManager keeps running until stopped`,
    );
  } else {
    logger.error(
      { ...fields, ...(result.failure === undefined ? {} : { err: result.failure }) },
      `application job ${result.jobId} ended ${result.status}${
        result.failure === undefined ? '' : `: ${result.failure.message}`
      }; the JobManager keeps running until stopped`,
    );
  }
}
