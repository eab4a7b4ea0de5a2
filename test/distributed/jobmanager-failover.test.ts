/**
 * High availability: the JobManager process is killed with SIGKILL while the exactly-once windows
 * job runs; a new JobManager started on the same ports with the same `high-availability.storageDir`
 * finds the job there, the TaskManagers register with it again, and the job resumes from its latest
 * completed checkpoint. The committed output must equal the failure-free result exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitFor } from '../support/cli.js';
import {
  getJson,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from './session-cluster-support.js';
import { committedLocalRows, expectedWindowRows } from './windows-job-output.js';

const EVENTS = 30_000;
const RATE = 2_000;

const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await stopClusters();
  for (const dir of dirs.splice(0)) dir.remove();
}, 30_000);

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
  readonly latest: { readonly restored: { readonly id: number } | null };
}

describe('JobManager failover (high availability)', () => {
  it('resumes a job from its latest checkpoint after the JobManager is killed with SIGKILL', async () => {
    const ha = makeTempDir('freshet-ha-');
    const checkpoints = makeTempDir('freshet-ha-ckpt-');
    const output = makeTempDir('freshet-ha-out-');
    dirs.push(ha, checkpoints, output);
    const cluster = await startCluster(2, 2, {
      'high-availability.storageDir': ha.path,
      'state.checkpoints.dir': `file://${checkpoints.path}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 10,
      'restart-strategy.fixed-delay.delay': '200 ms',
    });
    const jobId = await submitDetached(cluster, 'exactly-once-windows.ts', 4, [
      String(EVENTS),
      String(RATE),
      output.path,
    ]);

    await waitFor(
      async () =>
        (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts.completed >= 2,
      60_000,
      'two completed checkpoints',
      50,
    );
    cluster.jobManager.child.kill('SIGKILL');
    await cluster.restartJobManager();

    await waitForJobFinished(cluster, jobId, 120_000);
    const stats = await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);
    expect(stats.counts.restored).toBeGreaterThanOrEqual(1);
    expect(stats.latest.restored?.id).toBeGreaterThanOrEqual(2);
    const rows = await committedLocalRows(output.path, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(EVENTS));
  }, 240_000);
});
