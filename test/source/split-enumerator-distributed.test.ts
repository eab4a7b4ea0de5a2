/**
 * Split enumerators on a session cluster of real processes: the job of
 * fixtures/jobs/discovering-source-files.ts (a source whose enumerator discovers splits over time
 * in a worker thread of the JobManager and hands them to readers on request → FileSink, checkpoints
 * every 200 ms) runs at parallelism 2 on two 1-slot TaskManagers. After a completed checkpoint one
 * TaskManager is killed with SIGKILL and a replacement started; the splits its reader had been
 * given since that checkpoint go back to the enumerator, and the committed files hold every number
 * exactly once. An enumerator that fails makes the job fail over globally: a new worker restores
 * the enumerator from the latest checkpoint, and again every number is committed exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { committedLocalRows } from '../distributed/windows-job-output.js';
import {
  getJson,
  jobDetails,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';
import { makeTempDir, waitFor } from '../support/cli.js';

const SPLITS = 24;
const PER_SPLIT = 400;
const RATE = 800;

const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await stopClusters();
  for (const dir of dirs.splice(0)) dir.remove();
}, 30_000);

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
}

describe('split enumerators on a session cluster', () => {
  it('recovers the splits of a TaskManager killed with SIGKILL: every number committed exactly once', async () => {
    const output = makeTempDir('freshet-enum-dist-out-');
    const checkpoints = makeTempDir('freshet-enum-dist-ckpt-');
    dirs.push(output, checkpoints);
    const cluster = await startCluster(2, 1, {
      'state.checkpoints.dir': `file://${checkpoints.path}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 5,
      'restart-strategy.fixed-delay.delay': '200 ms',
    });
    const jobId = await submitDetached(cluster, 'discovering-source-files.ts', 2, [
      String(SPLITS),
      String(PER_SPLIT),
      String(RATE),
      output.path,
      '100',
    ]);
    const counts = async (): Promise<CheckpointCounts['counts']> =>
      (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts;
    await waitFor(
      async () => {
        const job = await jobDetails(cluster, jobId);
        if (job.state === 'FAILED')
          throw new Error(JSON.stringify(await getJson(cluster, `/jobs/${jobId}/exceptions`)));
        return job.state === 'RUNNING' && (await counts()).completed >= 3;
      },
      60_000,
      () => `three completed checkpoints of job ${jobId}`,
      50,
    );
    const victim = cluster.taskManagers.find((tm) => tm.child.exitCode === null)!;
    victim.child.kill('SIGKILL');
    await cluster.startTaskManager();

    await waitForJobFinished(cluster, jobId, 120_000);
    expect((await counts()).restored).toBeGreaterThanOrEqual(1);
    await expectEveryNumberOnce(output.path);
  }, 240_000);

  it('restores a failed enumerator from the latest checkpoint in a new worker thread', async () => {
    const output = makeTempDir('freshet-enum-dist-out-');
    const checkpoints = makeTempDir('freshet-enum-dist-ckpt-');
    dirs.push(output, checkpoints);
    const cluster = await startCluster(1, 2, {
      'state.checkpoints.dir': `file://${checkpoints.path}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 2,
      'restart-strategy.fixed-delay.delay': '100 ms',
    });
    const jobId = await submitDetached(cluster, 'discovering-source-files.ts', 2, [
      String(SPLITS),
      String(PER_SPLIT),
      String(RATE),
      output.path,
      '150',
      '12',
    ]);
    await waitForJobFinished(cluster, jobId, 120_000);
    const history = JSON.stringify(await getJson(cluster, `/jobs/${jobId}/exceptions`));
    expect(history).toContain("the split enumerator of 'Source: discovering numbers' failed");
    expect(history).toContain('injected discovery failure');
    const checkpointing = await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);
    expect(checkpointing.counts.restored).toBe(1);
    await expectEveryNumberOnce(output.path);
  }, 240_000);
});

async function expectEveryNumberOnce(directory: string): Promise<void> {
  const rows = await committedLocalRows(directory, (name) => expect.fail(`unexpected file ${name}`));
  const numbers = rows.map(Number).sort((a, b) => a - b);
  expect(numbers.length).toBe(SPLITS * PER_SPLIT);
  expect(numbers).toEqual(Array.from({ length: SPLITS * PER_SPLIT }, (_, i) => i));
}
