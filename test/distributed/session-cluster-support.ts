/**
 * Session clusters of real processes for the distributed tests: a JobManager and TaskManagers on
 * loopback with free ports and short heartbeats, and a small REST client for what tests check.
 */
import { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { makeTempDir } from '../support/cli.js';

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

/** The job ID out of the CLI's `Job has been submitted with JobID <id>` line. */
export function submittedJobId(output: string): string {
  const match = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(output);
  if (match === null) throw new Error(`no JobID in the CLI output: ${output}`);
  return match[1]!;
}
