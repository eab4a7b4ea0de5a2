/**
 * `freshet stop [-m host:port] [-p|--savepointPath dir] [-d|--drain] <jobId>` (Flink's `flink stop`):
 * stops a job with a savepoint over REST (`POST /jobs/:jobid/stop`), polls the savepoint's status,
 * and prints `Savepoint completed. Path: <path>` on stdout once the job stopped (status lines go to
 * stderr, as the other commands'). With `--drain` the sources first emit MAX_WATERMARK and end
 * their input, so every window fires. A malformed job ID is a usage error (exit 2); a stop that
 * cannot start (unknown job, job not running, no savepoint directory) or that fails exits 1 with
 * the reason.
 */
import { JobId } from '../../common/ids.js';
import type { AwaitSavepointOptions } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';
import { awaitTriggeredSavepoint, type SavepointOutput } from './savepoint-command.js';
import { restStopClientFor, type StopClient } from './stop-command-client.js';

export interface StopOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
  /** `-p/--savepointPath <dir>`: where the savepoint goes (default: state.savepoints.dir). */
  readonly savepointPath?: string;
  /** `-d/--drain`: emit MAX_WATERMARK and end the input before the savepoint. */
  readonly drain?: boolean;
}

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
  return awaitTriggeredSavepoint(
    client,
    jobId,
    () => client.triggerStop(jobId, stop),
    {
      failure: ['STOP_FAILED', `Could not stop job ${jobId} with a savepoint.`],
      progress: (triggerId) => `Stopping job ${jobId}: savepoint ${triggerId} still in progress...`,
    },
    output,
    poll,
  );
}
