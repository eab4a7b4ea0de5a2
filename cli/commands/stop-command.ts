/**
 * `freshet stop [-m host:port] [-p|--savepointPath dir] [-d|--drain] <jobId>` (Flink's `flink stop`):
 * stops a job with a savepoint over REST (`POST /jobs/:jobid/stop`), polls the savepoint's status,
 * and prints `Savepoint completed. Path: <path>` on stdout once the job stopped (status lines go to
 * stderr, as the other commands'). With `--drain` the sources first emit MAX_WATERMARK and end
 * their input, so every window fires. A malformed job ID is a usage error (exit 2); a stop that
 * cannot start (unknown job, job not running, no savepoint directory) or that fails exits 1 with
 * the reason.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { RestClientException } from '../remote/rest-client-exception.js';
import type { AwaitSavepointOptions } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';
import type { SavepointOutput } from './savepoint-command.js';
import { restStopClientFor, type StopClient } from './stop-command-client.js';

export interface StopOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
  /** `-p/--savepointPath <dir>`: where the savepoint goes (default: state.savepoints.dir). */
  readonly savepointPath?: string;
  /** `-d/--drain`: emit MAX_WATERMARK and end the input before the savepoint. */
  readonly drain?: boolean;
}

/** Statuses that say "this job cannot be stopped so" rather than "the request is wrong". */
const JOB_REFUSALS: ReadonlySet<number> = new Set([400, 404, 409]);

/** Shows a progress line after this many polls still in progress (about every 5 s at 500 ms). */
const PROGRESS_EVERY_POLLS = 10;

export async function stopCommand(jobIdText: string, options: StopOptions): Promise<void> {
  const jobId = JobId.parse(jobIdText.trim());
  const { configuration } = resolveProgramOptions(options);
  const client = restStopClientFor(configuration, options.jobmanager);
  await stopWithSavepoint(
    client,
    jobId,
    {
      drain: options.drain === true,
      ...(options.savepointPath === undefined ? {} : { targetDirectory: options.savepointPath }),
    },
    { stdout: process.stdout, stderr: process.stderr },
  );
}

/** Stops the job with a savepoint and waits until it stopped; resolves to the savepoint's path. */
export async function stopWithSavepoint(
  client: StopClient,
  jobId: JobId,
  stop: { readonly targetDirectory?: string; readonly drain: boolean },
  output: SavepointOutput,
  poll: Omit<AwaitSavepointOptions, 'onInProgress'> = {},
): Promise<string> {
  output.stderr.write(`${stop.drain ? 'Draining' : 'Suspending'} job "${jobId}" with a savepoint.\n`);
  let triggerId: string;
  try {
    triggerId = await client.triggerStop(jobId, stop);
  } catch (error) {
    if (error instanceof RestClientException && JOB_REFUSALS.has(error.httpStatus)) {
      throw new FreshetError('STOP_FAILED', `Could not stop job ${jobId} with a savepoint.`, {
        domain: ErrorDomain.external,
        cause: error,
      });
    }
    throw error;
  }
  output.stderr.write('Waiting for response...\n');
  const path = await client.awaitSavepoint(jobId, triggerId, {
    ...poll,
    onInProgress: (polls) => {
      if (polls % PROGRESS_EVERY_POLLS === 0)
        output.stderr.write(`Stopping job ${jobId}: savepoint ${triggerId} still in progress...\n`);
    },
  });
  output.stdout.write(`Savepoint completed. Path: ${path}\n`);
  output.stderr.write('You can resume your program from this savepoint with the run command.\n');
  return path;
}
