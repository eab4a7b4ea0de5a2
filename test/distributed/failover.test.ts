/**
 * Losing a TaskManager process mid-job: killed with SIGKILL (its connections drop) or frozen with
 * SIGSTOP (its connections stay open, only heartbeats stop). The JobManager declares it lost —
 * the frozen one after heartbeat.timeout — and the job restarts (fixed-delay) on the remaining
 * slots. Also: backpressure from a slow sink in another process slows the source down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { runCli, waitFor } from '../support/cli.js';
import {
  HEARTBEAT_TIMEOUT_MS,
  getJson,
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submitDetached,
} from './session-cluster-support.js';

afterEach(async () => {
  await stopClusters();
}, 30_000);

const RESTARTS = {
  'restart-strategy.type': 'fixed-delay',
  'restart-strategy.fixed-delay.attempts': 3,
  'restart-strategy.fixed-delay.delay': '200 ms',
};

async function waitForAllRunning(cluster: LocalSessionCluster, jobId: string, what: string): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const job = await jobDetails(cluster, jobId);
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))}`;
      return job.state === 'RUNNING' && job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism);
    },
    30_000,
    () => `${what} (last: ${last})`,
    100,
  );
}

interface ExceptionsJson {
  readonly exceptionHistory: {
    readonly entries: readonly { readonly exceptionName: string; readonly stacktrace: string }[];
  };
}

async function taskManagerOf(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  await waitForAllRunning(cluster, jobId, 'every subtask RUNNING');
}

describe('TaskManager loss', () => {
  it('restarts the job on the remaining TaskManagers after one is killed with SIGKILL', async () => {
    const cluster = await startCluster(3, 2, RESTARTS);
    const jobId = await submitDetached(cluster, 'unbounded-datagen.ts', 4);
    await taskManagerOf(cluster, jobId);

    // The uploaded jar may go away: the job runs from its own copy, which a TaskManager that has
    // not run the job yet (the third one) fetches on the restart.
    const jars = await getJson<{ files: { id: string }[] }>(cluster, '/jars');
    for (const jar of jars.files) {
      expect((await fetch(`${cluster.restUrl}/jars/${jar.id}`, { method: 'DELETE' })).status).toBe(200);
    }

    const victim = cluster.taskManagers[0]!;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const lost = await cluster.jobManager.waitForLine(
      (line) => /TaskManager .* lost/.test(line.msg ?? ''),
      HEARTBEAT_TIMEOUT_MS + 5000,
      'the JobManager noticing the lost TaskManager',
    );
    expect((lost['time'] as number) - killedAt).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT_MS + 1000);

    // The job fails over: restarted subtasks run again on the 4 slots left.
    await waitFor(
      async () => {
        const exceptions = await getJson<ExceptionsJson>(cluster, `/jobs/${jobId}/exceptions`);
        return exceptions.exceptionHistory.entries.length > 0;
      },
      20_000,
      'the failure in the exception history',
      100,
    );
    await waitForAllRunning(cluster, jobId, 'the restarted job RUNNING again');
    const overview = await getJson(cluster, '/overview');
    expect(overview).toMatchObject({ taskmanagers: 2, 'slots-total': 4, 'jobs-running': 1 });

    const cancel = await runCli(['cancel', '-m', restAddress(cluster), jobId], { timeoutMs: 20_000 });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout + cancel.stderr).toContain(`Cancelled job ${jobId}.`);
    await waitFor(async () => (await jobDetails(cluster, jobId)).state === 'CANCELED', 20_000, 'CANCELED');
  }, 120_000);

  it('declares a frozen TaskManager (SIGSTOP) lost after heartbeat.timeout and restarts the job', async () => {
    const cluster = await startCluster(3, 2, RESTARTS);
    const jobId = await submitDetached(cluster, 'unbounded-datagen.ts', 4);
    await taskManagerOf(cluster, jobId);

    const victim = cluster.taskManagers[1]!;
    const frozenAt = Date.now();
    victim.child.kill('SIGSTOP');
    try {
      const lost = await cluster.jobManager.waitForLine(
        (line) => /answered no heartbeat/.test(line.msg ?? ''),
        HEARTBEAT_TIMEOUT_MS * 3,
        'the heartbeat timeout of the frozen TaskManager',
      );
      const noticedAfter = (lost['time'] as number) - frozenAt;
      // Not before the timeout (the connection stayed open), and not much after it.
      expect(noticedAfter).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS - 500);
      expect(noticedAfter).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT_MS + 2000);
      await waitForAllRunning(cluster, jobId, 'the restarted job RUNNING again');
    } finally {
      victim.child.kill('SIGKILL');
      victim.child.kill('SIGCONT');
    }
  }, 120_000);
});

describe('backpressure', () => {
  it('slows a fast source in one TaskManager down to a slow sink in another', async () => {
    const cluster = await startCluster(2, 1);
    const jobId = await submitDetached(cluster, 'slow-sink.ts', 1);
    await waitForAllRunning(cluster, jobId, 'source and sink RUNNING');

    const counts = async (): Promise<{ written: number; read: number }> => {
      const job = await jobDetails(cluster, jobId);
      return {
        written: job.vertices[0]!.metrics['write-records'] as number,
        read: job.vertices[1]!.metrics['read-records'] as number,
      };
    };
    // Let the sink work for a while (its counters arrive with heartbeats).
    await waitFor(async () => (await counts()).read >= 2000, 30_000, 'the sink reading 2000 records', 200);
    const first = await counts();
    await waitFor(
      async () => (await counts()).read >= first.read + 2000,
      30_000,
      '2000 more records read',
      200,
    );
    const second = await counts();

    // A free-running source makes hundreds of thousands of 1 KiB records per second; held back by
    // credits it is only ahead of the sink by what fits into the buffers between them.
    // The two counters come from two TaskManagers' heartbeats, each up to ~1 s old: the sink's may
    // be newer than the source's by up to a second of its ~1000 records/s.
    const inFlight = second.written - second.read;
    expect(inFlight).toBeGreaterThanOrEqual(-2000);
    expect(inFlight).toBeLessThan(5000);
    const sourceRate = second.written - first.written;
    const sinkRate = second.read - first.read;
    expect(sourceRate).toBeLessThan(sinkRate * 2 + 1000);

    const cancel = await fetch(`${cluster.restUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
    expect(cancel.status).toBe(202);
  }, 120_000);
});
