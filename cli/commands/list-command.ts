/**
 * `freshet list [-m host:port] [-r] [-s] [-a]`: the jobs of a JobManager, as `flink list` prints
 * them (running and scheduled jobs by default, `-a` adds terminated ones). The listing goes to
 * stdout, the "Waiting for response..." status line to stderr.
 */
import { formatJobList, jobListSelection } from '../remote/job-list-output.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { resolveProgramOptions } from './common-options.js';

export interface ListOptions {
  readonly jobmanager?: string;
  readonly define?: string[];
  readonly running?: boolean;
  readonly scheduled?: boolean;
  readonly all?: boolean;
}

export async function listCommand(options: ListOptions): Promise<void> {
  const { configuration } = resolveProgramOptions(options);
  const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
  const selection = jobListSelection(options);
  process.stderr.write('Waiting for response...\n');
  const jobs = await client.listJobsOverview();
  const lines = formatJobList(jobs, selection);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}
