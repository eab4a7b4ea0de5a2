/**
 * The cluster side of the network benchmark: a local session cluster (one JobManager, two
 * TaskManager processes with one slot each, everything on loopback and free ports), jobs bundled
 * and submitted over REST like `freshet run -m`, and small waits with deadlines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { bundleJobToTempFile } from '../../cli/bundle/job-bundler.js';
import { RestClusterClient } from '../../cli/remote/rest-cluster-client.js';
import type { JobDetailsInfo } from '../../cli/remote/rest-responses.js';
import type { JobId } from '../../common/ids.js';
import { isGloballyTerminal } from '../../common/job-status.js';
import { benchJobPath } from './bench-runner.js';

const POLL_MS = 50;

export class NetworkBenchCluster {
  private readonly jarIds = new Map<string, string>();

  private constructor(
    private readonly cluster: LocalSessionCluster,
    readonly client: RestClusterClient,
  ) {}

  static async start(logDir: string): Promise<NetworkBenchCluster> {
    const cluster = await LocalSessionCluster.start({
      taskManagers: 2,
      configuration: {
        'rest.port': 0,
        'rest.address': '127.0.0.1',
        'jobmanager.rpc.port': 0,
        'jobmanager.rpc.address': '127.0.0.1',
        'taskmanager.host': '127.0.0.1',
        'taskmanager.numberOfTaskSlots': 1,
        'restart-strategy.type': 'none',
      },
      logDir,
    });
    return new NetworkBenchCluster(cluster, new RestClusterClient({ address: cluster.restUrl }));
  }

  taskManagerPids(): number[] {
    return this.cluster.taskManagers.map((tm) => tm.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Bundles the bench job (once), uploads it (once) and runs it at parallelism 1. */
  async submit(jobName: string, args: readonly string[]): Promise<JobId> {
    let jarId = this.jarIds.get(jobName);
    if (jarId === undefined) {
      const bundle = await bundleJobToTempFile(benchJobPath(jobName));
      jarId = await this.client.uploadJar(bundle);
      this.jarIds.set(jobName, jarId);
    }
    return this.client.runJar(jarId, { programArgsList: args, parallelism: 1 });
  }

  /** Waits until the job is FINISHED; fails with the job's root exception if it ends otherwise. */
  async waitForFinished(jobId: JobId, timeoutMs: number): Promise<JobDetailsInfo> {
    const details = await this.waitForTerminal(jobId, timeoutMs);
    if (details.status !== 'FINISHED') {
      const exceptions = await this.client.jobExceptions(jobId);
      throw new Error(`job ${jobId} ended ${details.status}: ${exceptions.rootException ?? 'no exception'}`);
    }
    return details;
  }

  /** Cancels the job and waits until it is CANCELED (or FINISHED, if it was just ending anyway). */
  async cancel(jobId: JobId, timeoutMs: number): Promise<void> {
    try {
      await this.client.cancelJob(jobId);
    } catch (error) {
      // Refused because the job has just ended by itself: fine; anything else is an error.
      if (!isGloballyTerminal((await this.client.jobDetails(jobId)).status)) throw error;
    }
    const details = await this.waitForTerminal(jobId, timeoutMs);
    if (details.status === 'FAILED') {
      const exceptions = await this.client.jobExceptions(jobId);
      throw new Error(`job ${jobId} failed while cancelled: ${exceptions.rootException ?? 'no exception'}`);
    }
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }

  private async waitForTerminal(jobId: JobId, timeoutMs: number): Promise<JobDetailsInfo> {
    let details: JobDetailsInfo | undefined;
    await waitUntil(
      async () => {
        details = await this.client.jobDetails(jobId);
        return isGloballyTerminal(details.status);
      },
      timeoutMs,
      `job ${jobId} to end`,
    );
    return details!;
  }
}

/** Polls `condition` every POLL_MS until it holds; throws naming `what` at the deadline. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for a JSON result file a job writes, and parses it. */
export async function readResultFile<T>(file: string, timeoutMs: number): Promise<T> {
  await waitUntil(() => existsSync(file), timeoutMs, `result file ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc/<pid>/status. */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match === null) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]);
  };
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
