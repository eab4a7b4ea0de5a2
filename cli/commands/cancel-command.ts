/**
 * `freshet cancel [-m host:port] <jobId>`: asks the JobManager to cancel a job
 * (`PATCH /jobs/:jobid?mode=cancel`) and prints Flink's two status lines (to stderr, like the other
 * status lines of the CLI). A malformed ID is a usage error (exit 2); a job the cluster does not
 * know, or one that already ended, exits 1 with the server's message, as `flink cancel` does.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { RestClientException } from '../remote/rest-client-exception.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';

export interface CancelOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
}

/** Statuses that say "this job cannot be cancelled" rather than "your request is malformed". */
const JOB_REFUSALS: ReadonlySet<number> = new Set([404, 409]);

export async function cancelCommand(jobIdText: string, options: CancelOptions): Promise<void> {
  const jobId = JobId.parse(jobIdText.trim());
  const { configuration } = resolveProgramOptions(options);
  const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
  process.stderr.write(`Cancelling job ${jobId}.\n`);
  try {
    await client.cancelJob(jobId);
  } catch (error) {
    if (error instanceof RestClientException && JOB_REFUSALS.has(error.httpStatus)) {
      throw new FreshetError('CANCEL_FAILED', `Could not cancel job ${jobId}.`, {
        domain: ErrorDomain.external,
        cause: error,
      });
    }
    throw error;
  }
  process.stderr.write(`Cancelled job ${jobId}.\n`);
}
