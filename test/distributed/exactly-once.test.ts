/**
 * The exactly-once acceptance test: the job of fixtures/jobs/exactly-once-windows.ts at parallelism
 * 4 over 2 TaskManager processes, writing its window results with a FileSink to a real S3-protocol
 * server and checkpointing every 500 ms to it. One TaskManager is killed with SIGKILL at a random
 * moment, twice over the run, and a replacement started each time; when the job has finished, the
 * committed output must equal the failure-free result exactly.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { expectedWindowRows } from './windows-job-output.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../common/checkpoint/s3-client-factory.js';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { waitFor } from '../support/cli.js';
import { committedS3Rows } from '../support/s3-objects.js';
import { startS3TestServer, type S3TestServer } from '../support/s3-test-server.js';
import {
  getJson,
  jobDetails,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from './session-cluster-support.js';

const EVENTS = 40_000;
const RATE = 2_000;

let server: S3TestServer | undefined;
afterEach(async () => {
  await stopClusters();
  await server?.stop();
  server = undefined;
}, 30_000);

function committedRows(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  return committedS3Rows(client, bucket, prefix, (key) => expect.fail(`unexpected object ${key}`));
}

async function waitForAllRunning(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const job = await jobDetails(cluster, jobId);
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))}`;
      if (job.state === 'FAILED') {
        const exceptions = await getJson(cluster, `/jobs/${jobId}/exceptions`);
        throw new Error(`the job failed: ${JSON.stringify(exceptions).slice(0, 2000)}`);
      }
      return job.state === 'RUNNING' && job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism);
    },
    60_000,
    () =>
      `every subtask RUNNING (last: ${last}); JobManager log: ${cluster.jobManager.lines
        .filter((l) => !/checkpoint/.test(l.msg ?? ''))
        .slice(-15)
        .map((l) => JSON.stringify(l))
        .join('\n')}\nTaskManager logs: ${cluster.taskManagers
        .flatMap((tm) => tm.lines.filter((l) => (l['level'] as number) >= 40 || l['level'] === undefined))
        .slice(-60, -25)
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    50,
  );
}

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
}

async function killOneTaskManager(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  await waitForAllRunning(cluster, jobId);
  const completedBefore = (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts
    .completed;
  // A random moment: after the next completed checkpoint, then up to 1.5 s later.
  await waitFor(
    async () =>
      (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts.completed >
      completedBefore,
    30_000,
    () => `a completed checkpoint after ${completedBefore}`,
    50,
  );
  const delay = Math.floor(Math.random() * 1500);
  await new Promise((resolve) => setTimeout(resolve, delay));
  const alive = cluster.taskManagers.filter(
    (tm) => tm.child.exitCode === null && tm.child.signalCode === null,
  );
  const victim = alive[Math.floor(Math.random() * alive.length)]!;
  victim.child.kill('SIGKILL');
  await cluster.startTaskManager();
}

describe('exactly-once end to end', () => {
  it('commits exactly the failure-free windows to S3 while TaskManagers are killed with SIGKILL', async () => {
    server = await startS3TestServer();
    const s3 = {
      's3.endpoint': server.endpoint,
      's3.path.style.access': 'true',
      's3.access-key': server.accessKey,
      's3.secret-key': server.secretKey,
      's3.region': 'us-east-1',
    };
    const cluster = await startCluster(2, 2, {
      ...s3,
      'state.checkpoints.dir': `s3://${server.bucket}/checkpoints`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 10,
      'restart-strategy.fixed-delay.delay': '200 ms',
    });
    const prefix = 'windows/';
    const output = `s3://${server.bucket}/${prefix}`;
    const jobId = await submitDetached(cluster, 'exactly-once-windows.ts', 4, [
      String(EVENTS),
      String(RATE),
      output,
    ]);

    await killOneTaskManager(cluster, jobId);
    await killOneTaskManager(cluster, jobId);

    await waitForJobFinished(cluster, jobId, 120_000);
    const checkpoints = await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);
    expect(checkpoints.counts.restored).toBeGreaterThanOrEqual(2);
    const client = createS3Client({
      endpoint: server.endpoint,
      pathStyleAccess: true,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      region: 'us-east-1',
    });
    try {
      expect(await committedRows(client, server.bucket, prefix)).toEqual(expectedWindowRows(EVENTS));
    } finally {
      client.destroy();
    }
  }, 240_000);
});
