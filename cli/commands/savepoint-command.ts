/**
 * `freshet savepoint [-m host:port] <jobId> [targetDirectory]` (Flink's `flink savepoint`):
 * triggers a savepoint over REST (`POST /jobs/:jobid/savepoints`), polls its status, and prints
 * `Savepoint completed. Path: <path>` on stdout (the status lines go to stderr, as the other
 * commands'). A malformed job ID is a usage error (exit 2); a savepoint that cannot start (unknown
 * job, job not running or not checkpointing) or that fails exits 1 with the reason.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { RestClientException } from '../remote/rest-client-exception.js';
import { RestClusterClient, type AwaitSavepointOptions } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';

export interface SavepointOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
}

export interface SavepointOutput {
  readonly stdout: Pick<NodeJS.WritableStream, 'write'>;
  readonly stderr: Pick<NodeJS.WritableStream, 'write'>;
}

/** Statuses that say "this job cannot take a savepoint" rather than "the request is wrong". */
const JOB_REFUSALS: ReadonlySet<number> = new Set([400, 404, 409]);

/** Shows a progress line after this many polls still in progress (about every 5 s at 500 ms). */
const PROGRESS_EVERY_POLLS = 10;

export async function savepointCommand(
  jobIdText: string,
  targetDirectory: string | undefined,
  options: SavepointOptions,
): Promise<void> {
  const jobId = JobId.parse(jobIdText.trim());
  const { configuration } = resolveProgramOptions(options);
  const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
  await takeSavepoint(client, jobId, targetDirectory, { stdout: process.stdout, stderr: process.stderr });
}

/** Triggers the savepoint and waits for it; resolves to its path. */
export async function takeSavepoint(
  client: Pick<RestClusterClient, 'triggerSavepoint' | 'awaitSavepoint'>,
  jobId: JobId,
  targetDirectory: string | undefined,
  output: SavepointOutput,
  poll: Omit<AwaitSavepointOptions, 'onInProgress'> = {},
): Promise<string> {
  output.stderr.write(`Triggering savepoint for job ${jobId}.\n`);
  let triggerId: string;
  try {
    triggerId = await client.triggerSavepoint(jobId, {
      ...(targetDirectory === undefined ? {} : { targetDirectory }),
    });
  } catch (error) {
    if (error instanceof RestClientException && JOB_REFUSALS.has(error.httpStatus)) {
      throw new FreshetError('SAVEPOINT_FAILED', `Triggering a savepoint for the job ${jobId} failed.`, {
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
        output.stderr.write(`Savepoint ${triggerId} still in progress...\n`);
    },
  });
  output.stdout.write(`Savepoint completed. Path: ${path}\n`);
  output.stderr.write('You can resume your program from this savepoint with the run command.\n');
  return path;
}
