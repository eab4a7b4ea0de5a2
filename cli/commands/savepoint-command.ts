/**
 * `freshet savepoint [-m host:port] <jobId> [targetDirectory]` (Flink's `flink savepoint`):
 * triggers a savepoint over REST (`POST /jobs/:jobid/savepoints`), polls its status, and prints
 * `Savepoint completed. Path: <path>` on stdout (the status lines go to stderr, as the other
 * commands'). A malformed job ID is a usage error (exit 2); a savepoint that cannot start (unknown
 * job, job not running or not checkpointing) or that fails exits 1 with the reason.
 *
 * `freshet savepoint --dispose <path> [-m host:port]` (Flink's `flink savepoint -d`) deletes a
 * savepoint through the JobManager (`POST /savepoint-disposal`), waits for it, and prints
 * `Savepoint '<path>' disposed.`; a path that is no savepoint (no `_metadata`) is left alone and
 * exits 1 with the reason.
 */
import { ErrorDomain, FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { RestClientException } from '../remote/rest-client-exception.js';
import { RestClusterClient, type AwaitSavepointOptions } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';

export interface SavepointOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
  /** `-d/--dispose <path>`: dispose this savepoint instead of triggering one. */
  readonly dispose?: string;
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
  jobIdText: string | undefined,
  targetDirectory: string | undefined,
  options: SavepointOptions,
): Promise<void> {
  const output = { stdout: process.stdout, stderr: process.stderr };
  if (options.dispose !== undefined) {
    if (jobIdText !== undefined) {
      throw new UserError(
        'INVALID_ARGUMENTS',
        `--dispose takes the savepoint path only; leave out the job ID '${jobIdText}'`,
      );
    }
    const { configuration } = resolveProgramOptions(options);
    const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
    await disposeSavepoint(client, options.dispose, output);
    return;
  }
  if (jobIdText === undefined) {
    throw new UserError(
      'MISSING_JOB_ID',
      'missing the job ID: freshet savepoint <jobId> [targetDirectory], or --dispose <path>',
    );
  }
  const jobId = JobId.parse(jobIdText.trim());
  const { configuration } = resolveProgramOptions(options);
  const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
  await takeSavepoint(client, jobId, targetDirectory, output);
}

/** Disposes the savepoint at `path` and waits until it is gone (Flink's CliFrontend#disposeSavepoint). */
export async function disposeSavepoint(
  client: Pick<RestClusterClient, 'triggerSavepointDisposal' | 'awaitSavepointDisposal'>,
  path: string,
  output: SavepointOutput,
  poll: Omit<AwaitSavepointOptions, 'onInProgress'> = {},
): Promise<void> {
  output.stderr.write(`Disposing savepoint '${path}'.\n`);
  let triggerId: string;
  try {
    triggerId = await client.triggerSavepointDisposal(path);
  } catch (error) {
    if (error instanceof RestClientException && error.httpStatus >= 400 && error.httpStatus < 500) {
      throw new FreshetError('SAVEPOINT_DISPOSAL_FAILED', `Disposing the savepoint '${path}' failed.`, {
        domain: ErrorDomain.external,
        cause: error,
      });
    }
    throw error;
  }
  output.stderr.write('Waiting for response...\n');
  await client.awaitSavepointDisposal(triggerId, poll);
  output.stdout.write(`Savepoint '${path}' disposed.\n`);
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
  return awaitTriggeredSavepoint(
    client,
    jobId,
    () => client.triggerSavepoint(jobId, targetDirectory === undefined ? {} : { targetDirectory }),
    {
      failure: ['SAVEPOINT_FAILED', `Triggering a savepoint for the job ${jobId} failed.`],
      progress: (triggerId) => `Savepoint ${triggerId} still in progress...`,
    },
    output,
    poll,
  );
}

/**
 * Starts a savepoint (a trigger or a stop) and waits for it, with progress lines; resolves to its
 * path. A refusal of the job (400/404/409) becomes `failure`, with the server's reason as cause.
 */
export async function awaitTriggeredSavepoint(
  client: Pick<RestClusterClient, 'awaitSavepoint'>,
  jobId: JobId,
  trigger: () => Promise<string>,
  messages: {
    readonly failure: readonly [code: string, message: string];
    progress(triggerId: string): string;
  },
  output: SavepointOutput,
  poll: Omit<AwaitSavepointOptions, 'onInProgress'>,
): Promise<string> {
  let triggerId: string;
  try {
    triggerId = await trigger();
  } catch (error) {
    if (error instanceof RestClientException && JOB_REFUSALS.has(error.httpStatus)) {
      throw new FreshetError(messages.failure[0], messages.failure[1], {
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
      if (polls % PROGRESS_EVERY_POLLS === 0) output.stderr.write(`${messages.progress(triggerId)}\n`);
    },
  });
  output.stdout.write(`Savepoint completed. Path: ${path}\n`);
  output.stderr.write('You can resume your program from this savepoint with the run command.\n');
  return path;
}
