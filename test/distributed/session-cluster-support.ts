/**
 * Session clusters of real processes for the distributed tests: a JobManager and TaskManagers on
 * loopback with free ports and short heartbeats, and a small REST client for what tests check.
 */
import { join } from 'node:path';
import { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';

export const HEARTBEAT_INTERVAL_MS = 300;
export const HEARTBEAT_TIMEOUT_MS = 3000;

const clusters: LocalSessionCluster[] = [];
const dirs: { remove(): void }[] = [];

export async function startCluster(
  taskManagers: number,
  slotsPerTaskManager: number,
  extra: Readonly<Record<string, string | number>> = {},
): Promise<LocalSessionCluster> {
  const logs = makeTempDir('freshet-session-cluster-');
  dirs.push(logs);
  const cluster = await LocalSessionCluster.start({
    taskManagers,
    logDir: logs.path,
    configuration: {
      'rest.address': '127.0.0.1',
      'rest.port': 0,
      'jobmanager.rpc.address': '127.0.0.1',
      'jobmanager.rpc.port': 0,
      'taskmanager.host': '127.0.0.1',
      'taskmanager.numberOfTaskSlots': slotsPerTaskManager,
      'heartbeat.interval': HEARTBEAT_INTERVAL_MS,
      'heartbeat.timeout': HEARTBEAT_TIMEOUT_MS,
      ...extra,
    },
    env: { FRESHET_CONF_DIR: logs.path },
  });
  clusters.push(cluster);
  return cluster;
}

export async function stopClusters(): Promise<void> {
  await Promise.all(clusters.splice(0).map((c) => c.stop(5000)));
  for (const dir of dirs.splice(0)) dir.remove();
}

/** `host:port` of the cluster's REST endpoint, for `-m`. */
export function restAddress(cluster: LocalSessionCluster): string {
  return new URL(cluster.restUrl).host;
}

export async function getJson<T = Record<string, unknown>>(
  cluster: LocalSessionCluster,
  path: string,
): Promise<T> {
  const response = await fetch(`${cluster.restUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface VertexJson {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly status: string;
  readonly tasks: Record<string, number>;
  readonly metrics: Record<string, number | boolean>;
}

export interface JobJson {
  readonly jid: string;
  readonly state: string;
  readonly vertices: readonly VertexJson[];
}

export function jobDetails(cluster: LocalSessionCluster, jobId: string): Promise<JobJson> {
  return getJson<JobJson>(cluster, `/jobs/${jobId}`);
}

/**
 * Waits until the job is FINISHED; throws with its exception history as soon as it is FAILED. A
 * JobManager that does not answer (being restarted) counts as not finished yet. The timeout error
 * shows the last state seen and the JobManager's newest log lines.
 */
export async function waitForJobFinished(
  cluster: LocalSessionCluster,
  jobId: string,
  timeoutMs: number,
): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      let job: JobJson;
      try {
        job = await jobDetails(cluster, jobId);
      } catch (error) {
        last = `no answer (${String(error)})`;
        return false;
      }
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))}`;
      if (job.state === 'FAILED') {
        const exceptions = await getJson(cluster, `/jobs/${jobId}/exceptions`);
        throw new Error(`the job failed: ${JSON.stringify(exceptions).slice(0, 3000)}`);
      }
      return job.state === 'FINISHED';
    },
    timeoutMs,
    () =>
      `job ${jobId} to finish (last: ${last}); JobManager log: ${cluster.jobManager.lines
        .slice(-12)
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    200,
  );
}

/**
 * Submits fixtures/jobs/`jobFile` to the cluster detached (`freshet run -d -m <rest> -p <parallelism>
 * <job> -- <programArgs>`) and returns its job ID; throws with the CLI's output if it fails.
 */
export async function submitDetached(
  cluster: LocalSessionCluster,
  jobFile: string,
  parallelism: number,
  programArgs: readonly string[] = [],
): Promise<string> {
  const args = ['run', '-d', '-m', restAddress(cluster), '-p', String(parallelism), join(JOBS_DIR, jobFile)];
  const result = await runCli(programArgs.length === 0 ? args : [...args, '--', ...programArgs], {
    timeoutMs: 60_000,
  });
  if (result.code !== 0)
    throw new Error(`freshet run exited with ${result.code}: ${result.stdout}${result.stderr}`);
  return submittedJobId(result.stdout + result.stderr);
}

/** The job ID out of the CLI's `Job has been submitted with JobID <id>` line. */
export function submittedJobId(output: string): string {
  const match = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(output);
  if (match === null) throw new Error(`no JobID in the CLI output: ${output}`);
  return match[1]!;
}
