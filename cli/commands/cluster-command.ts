/**
 * `freshet cluster`: a local session cluster (one JobManager and N TaskManager child processes,
 * like Flink's `start-cluster.sh`) that runs until Ctrl-C. Logs go to files in `--log-dir`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDynamicProperty } from '../../common/config/config-loader.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { LocalSessionCluster } from '../cluster/local-session-cluster.js';
import { untilShutdownSignal } from './process-lifecycle.js';

export interface ClusterCommandOptions {
  readonly taskmanagers: string;
  readonly define?: string[];
  readonly logDir?: string;
}

export async function clusterCommand(options: ClusterCommandOptions): Promise<void> {
  const taskManagers = Number(options.taskmanagers);
  if (!/^\d+$/.test(options.taskmanagers) || taskManagers < 1) {
    throw new UserError(
      'INVALID_ARGUMENT',
      `--taskmanagers must be a positive integer, got '${options.taskmanagers}'`,
    );
  }
  const configuration: Record<string, string> = {};
  for (const text of options.define ?? []) {
    const { key, value } = parseDynamicProperty(text);
    configuration[key] = value;
  }
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'freshet-cluster-'));
  process.stdout.write(`Starting a session cluster: 1 JobManager, ${taskManagers} TaskManager(s)...\n`);
  const cluster = await LocalSessionCluster.start({ taskManagers, configuration, logDir });
  const address = new URL(cluster.restUrl).host;
  process.stdout.write(
    `Session cluster running. REST endpoint: ${cluster.restUrl}\n` +
      `Logs: ${logDir}\n` +
      `Submit a job with: freshet run -m ${address} examples/word-count.ts\n` +
      `Press Ctrl-C to stop the cluster.\n`,
  );
  const stopped = await Promise.race([
    untilShutdownSignal().then(() => 'signal' as const),
    cluster.jobManager.exited.then(() => 'jobmanager-exited' as const),
  ]);
  process.stdout.write('Stopping the session cluster...\n');
  await cluster.stop();
  if (stopped === 'jobmanager-exited') {
    throw new UserError('JOBMANAGER_EXITED', `the JobManager exited unexpectedly; see ${logDir}`);
  }
  process.stdout.write('Session cluster stopped.\n');
}
