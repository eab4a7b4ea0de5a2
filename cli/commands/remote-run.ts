/**
 * `freshet run -m host:port job.ts -- args`: bundles the job, uploads the bundle to the JobManager
 * (`POST /jars/upload`), runs it (`POST /jars/:jarid/run`, from the savepoint of `-s`, skipping its
 * unmatched state with `-n`) and, unless detached (`-d`), waits for the job to end as `flink run`
 * does: FINISHED exits 0, FAILED exits 1 with the root cause, and a job cancelled by someone else
 * exits 1. Ctrl-C while waiting cancels the job (as the local run
 * does) and exits 0 once it is CANCELED; a second Ctrl-C exits at once. The uploaded bundle stays
 * on the cluster, as Flink keeps uploaded jars.
 */
import { parseDynamicProperty } from '../../common/config/config-loader.js';
import { CoreOptions } from '../../common/config/config-options.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import { bundleJobToTempFile } from '../bundle/job-bundler.js';
import { awaitRemoteJobResult, jobCancelled } from '../remote/remote-job-result.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { parseParallelism, resolveProgramOptions, type ProgramOptions } from './common-options.js';

export interface RemoteRunOptions extends ProgramOptions {
  /** `-m`: `host:port` or `http://host:port`. */
  readonly jobmanager: string;
  readonly detached?: boolean;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

export async function runOnCluster(
  jobFile: string,
  programArgs: readonly string[],
  options: RemoteRunOptions,
): Promise<void> {
  if (options.allowNonRestoredState === true && options.fromSavepoint === undefined) {
    throw new UserError(
      'ALLOW_NON_RESTORED_STATE_WITHOUT_SAVEPOINT',
      '-n/--allowNonRestoredState needs -s <savepoint>',
    );
  }
  const { configuration } = resolveProgramOptions(options);
  // -p, else a parallelism.default set for this client (-D, config); else the cluster's default.
  const parallelism =
    parseParallelism(options.parallelism) ?? configuration.getOptional(CoreOptions.DEFAULT_PARALLELISM);
  const client = RestClusterClient.fromConfiguration(configuration, options.jobmanager);
  const bundlePath = await bundleJobToTempFile(jobFile);
  const jarId = await client.uploadJar(bundlePath);
  const jobId = await client.runJar(jarId, {
    programArgsList: programArgs,
    ...(parallelism === undefined ? {} : { parallelism }),
    ...(options.fromSavepoint === undefined ? {} : { savepointPath: options.fromSavepoint }),
    ...(options.allowNonRestoredState === true ? { allowNonRestoredState: true } : {}),
    // As `flink run -D`: the keys given on the command line become the job's configuration.
    ...((options.define ?? []).length === 0 ? {} : { flinkConfiguration: definedKeys(options.define ?? []) }),
  });
  process.stderr.write(`Job has been submitted with JobID ${jobId}\n`);
  if (options.detached === true) return;
  await attach(client, jobId);
}

async function attach(client: RestClusterClient, jobId: JobId): Promise<void> {
  let cancelRequested = false;
  const onSignal = (): void => {
    if (cancelRequested) process.exit(130);
    cancelRequested = true;
    process.stderr.write('Cancelling the job (press Ctrl-C again to exit at once)...\n');
    client.cancelJob(jobId).catch((error: unknown) => {
      process.stderr.write(
        `Could not cancel job ${jobId}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await awaitRemoteJobResult(client, jobId);
    if (result.status === 'CANCELED') {
      if (!cancelRequested) throw jobCancelled(result.details);
      process.stderr.write('Job has been cancelled.\n');
      return;
    }
    process.stderr.write(
      `Job with JobID ${jobId} has finished.\nJob Runtime: ${result.details.duration} ms\n`,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function definedKeys(define: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const text of define) {
    const { key, value } = parseDynamicProperty(text);
    keys[key] = String(value);
  }
  return keys;
}
