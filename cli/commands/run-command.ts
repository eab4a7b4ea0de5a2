/**
 * `freshet run job.ts -- args`: without a JobManager address, runs the job on a local
 * mini-cluster whose slots are worker threads rebuilding the job from its bundle. Ctrl-C cancels
 * the job and exits 0; a job failure exits 1 with its cause. With `-m host:port` the job is
 * submitted to that JobManager instead (see remote-run.ts), from a savepoint with `-s` (which needs
 * `-m`).
 */
import { setExecutionContext } from '../../api/environment/execution-context.js';
import type { JobClient } from '../../api/environment/job-client.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { LocalExecutor } from '../local/local-executor.js';
import { loadJobProgram, providedModuleUrls } from '../program/job-program.js';
import { resolveProgramOptions, type ProgramOptions } from './common-options.js';
import { runOnCluster } from './remote-run.js';

export interface RunOptions extends ProgramOptions {
  readonly jobmanager?: string;
  readonly detached?: boolean;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

export async function runCommand(jobFile: string, programArgs: string[], options: RunOptions): Promise<void> {
  if (options.jobmanager !== undefined) {
    await runOnCluster(jobFile, programArgs, { ...options, jobmanager: options.jobmanager });
    return;
  }
  if (options.fromSavepoint !== undefined) {
    throw new UserError(
      'SAVEPOINT_NEEDS_CLUSTER',
      '-s/--fromSavepoint restores a job on a JobManager: add -m host:port (the local mini-cluster ' +
        'cannot restore from a savepoint)',
    );
  }
  if (options.allowNonRestoredState === true) {
    throw new UserError('SAVEPOINT_NEEDS_CLUSTER', '-n/--allowNonRestoredState only goes with -s and -m');
  }
  const { configuration, defaultParallelism } = resolveProgramOptions(options);
  const program = await loadJobProgram(jobFile);
  const clients: JobClient[] = [];
  let cancelRequested = false;
  const configMap = configuration.toMap({ includeSensitive: true });
  const executor = new LocalExecutor({
    code: { kind: 'bundle', path: program.bundlePath, programArgs },
    defaultParallelism,
    configuration: configMap,
    providedModules: providedModuleUrls(),
    onSubmitted: (client) => {
      clients.push(client);
      process.stderr.write(`Job has been submitted with JobID ${client.jobId}\n`);
    },
  });
  setExecutionContext({ mode: 'execute', executor, defaultParallelism, configuration: configMap });
  const onSignal = (): void => {
    if (cancelRequested) process.exit(130);
    cancelRequested = true;
    process.stderr.write('Cancelling the job (press Ctrl-C again to exit at once)...\n');
    for (const client of clients) void client.cancel().catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await program.main(programArgs);
    for (const client of clients) {
      const result = await client.getJobExecutionResult();
      process.stderr.write(
        `Job with JobID ${client.jobId} has finished.\nJob Runtime: ${result.netRuntime} ms\n`,
      );
    }
  } catch (error) {
    if (cancelRequested && error instanceof FreshetError && error.code === 'JOB_CANCELED') {
      process.stderr.write(`Job has been cancelled.\n`);
      return;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    setExecutionContext(undefined);
  }
}
