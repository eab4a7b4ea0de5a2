/**
 * Killing TaskManagers of a real-process session cluster mid-job (the chaos step of the Kafka
 * acceptance test and the Kafka and JDBC exactly-once tests): wait until every subtask is RUNNING and a further checkpoint has completed,
 * then SIGKILL one live TaskManager at a random moment and start a replacement.
 */
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { getJson, jobDetails } from './session-cluster-support.js';
import { waitFor } from '../support/cli.js';

export interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number; readonly failed: number };
}

export const checkpointCounts = async (
  cluster: LocalSessionCluster,
  jobId: string,
): Promise<CheckpointCounts['counts']> =>
  (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts;

/** Waits until the job is RUNNING with every subtask RUNNING; throws when it failed or ended. */
export async function waitForAllRunning(
  cluster: LocalSessionCluster,
  jobId: string,
  timeoutMs = 60_000,
): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const job = await jobDetails(cluster, jobId);
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))}`;
      if (job.state === 'FAILED' || job.state === 'FINISHED' || job.state === 'CANCELED') {
        const exceptions = await getJson(cluster, `/jobs/${jobId}/exceptions`);
        throw new Error(`the job ended early (${job.state}): ${JSON.stringify(exceptions).slice(0, 2000)}`);
      }
      return job.state === 'RUNNING' && job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism);
    },
    timeoutMs,
    () => `every subtask RUNNING (last: ${last})`,
    50,
  );
}

/**
 * After the next completed checkpoint and a random pause of up to `maxPauseMs`, SIGKILLs a live
 * TaskManager and starts another one.
 */
export async function killOneTaskManager(
  cluster: LocalSessionCluster,
  jobId: string,
  maxPauseMs = 1000,
): Promise<void> {
  await waitForAllRunning(cluster, jobId);
  const before = (await checkpointCounts(cluster, jobId)).completed;
  await waitFor(
    async () => (await checkpointCounts(cluster, jobId)).completed > before,
    30_000,
    () => `a completed checkpoint after ${before}`,
    50,
  );
  // The random moment of the kill, not a synchronisation.
  await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxPauseMs)));
  const alive = cluster.taskManagers.filter(
    (tm) => tm.child.exitCode === null && tm.child.signalCode === null,
  );
  alive[Math.floor(Math.random() * alive.length)]!.child.kill('SIGKILL');
  await cluster.startTaskManager();
}
