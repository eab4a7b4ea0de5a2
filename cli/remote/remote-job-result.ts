/**
 * Waits for a job on a JobManager to end, by polling `GET /jobs/:jobid` until its status is
 * globally terminal. FINISHED and CANCELED come back as values (whether a cancellation is a failure
 * depends on who asked for it); FAILED throws JOB_FAILED with the root cause from
 * `GET /jobs/:jobid/exceptions`.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import { isGloballyTerminal } from '../../common/job-status.js';
import type { JobDetailsInfo, JobExceptionsInfo } from './rest-responses.js';

/** The part of RestClusterClient the wait needs. */
export interface JobStatusSource {
  jobDetails(jobId: JobId): Promise<JobDetailsInfo>;
  jobExceptions(jobId: JobId): Promise<JobExceptionsInfo>;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;

export interface AwaitRemoteJobOptions {
  readonly intervalMs?: number;
  /** Injected for tests; default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RemoteJobResult {
  readonly status: 'FINISHED' | 'CANCELED';
  readonly details: JobDetailsInfo;
}

const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function awaitRemoteJobResult(
  source: JobStatusSource,
  jobId: JobId,
  options: AwaitRemoteJobOptions = {},
): Promise<RemoteJobResult> {
  const sleep = options.sleep ?? timerSleep;
  const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (;;) {
    const details = await source.jobDetails(jobId);
    if (isGloballyTerminal(details.status)) {
      if (details.status === 'FAILED') throw jobFailed(details, await source.jobExceptions(jobId));
      return { status: details.status === 'FINISHED' ? 'FINISHED' : 'CANCELED', details };
    }
    await sleep(intervalMs);
  }
}

/** The first line of the newest root exception (`root-exception`, else the history's first entry). */
export function rootCauseOf(exceptions: JobExceptionsInfo): string | undefined {
  const text = exceptions.rootException ?? exceptions.entries[0]?.stacktrace;
  const firstLine = text
    ?.split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
  return firstLine ?? exceptions.entries[0]?.exceptionName;
}

function jobFailed(details: JobDetailsInfo, exceptions: JobExceptionsInfo): FreshetError {
  const cause = rootCauseOf(exceptions) ?? 'unknown cause (the JobManager reported no exception)';
  return new FreshetError('JOB_FAILED', `Job '${details.name}' (${details.jobId}) failed: ${cause}`, {
    domain: 'user',
  });
}

/** A job that ended CANCELED although this client did not ask for it (Flink reports it as an error). */
export function jobCancelled(details: JobDetailsInfo): FreshetError {
  return new FreshetError('JOB_CANCELED', `Job '${details.name}' (${details.jobId}) was cancelled`, {
    domain: 'user',
  });
}
