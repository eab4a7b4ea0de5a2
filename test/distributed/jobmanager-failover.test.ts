/**
 * High availability: the JobManager process is killed with SIGKILL while the exactly-once windows
 * job runs; a new JobManager started on the same ports with the same `high-availability.storageDir`
 * finds the job there, the TaskManagers register with it again, and the job resumes from its latest
 * completed checkpoint. The committed output must equal the failure-free result exactly.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';
import {
  getJson,
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submittedJobId,
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

async function jobState(cluster: LocalSessionCluster, jobId: string): Promise<string> {
  try {
    return (await jobDetails(cluster, jobId)).state;
  } catch {
    return 'UNREACHABLE';
  }
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
    const submitted = await runCli(
      [
        'run',
        '-d',
        '-m',
        restAddress(cluster),
        '-p',
        '4',
        join(JOBS_DIR, 'exactly-once-windows.ts'),
        '--',
        String(EVENTS),
        String(RATE),
        output.path,
      ],
      { timeoutMs: 60_000 },
    );
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = submittedJobId(submitted.stdout + submitted.stderr);

    await waitFor(
      async () =>
        (await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`)).counts.completed >= 2,
      60_000,
      'two completed checkpoints',
      50,
    );
    cluster.jobManager.child.kill('SIGKILL');
    await cluster.restartJobManager();

    let last = '';
    await waitFor(
      async () => {
        last = await jobState(cluster, jobId);
        return last === 'FINISHED';
      },
      120_000,
      () =>
        `the recovered job to finish (last: ${last}); JobManager log: ${cluster.jobManager.lines
          .slice(-10)
          .map((l) => JSON.stringify(l))
          .join('\n')}`,
      200,
    );
    const stats = await getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);
    expect(stats.counts.restored).toBeGreaterThanOrEqual(1);
    expect(stats.latest.restored?.id).toBeGreaterThanOrEqual(2);
    const rows = await committedLocalRows(output.path, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(EVENTS));
  }, 240_000);
});
