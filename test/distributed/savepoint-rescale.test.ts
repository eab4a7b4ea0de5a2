/**
 * The savepoint workflow on a session cluster of processes: the exactly-once windows job runs at
 * parallelism 4; a savepoint is taken over REST with `cancel-job` (the job ends CANCELED); the job
 * is submitted again with `freshet run -s <path>` at parallelism 2 and finishes. The committed
 * output of both runs together equals the failure-free result exactly: the savepoint's prepared
 * parts are committed by the second run, nothing after the savepoint was committed by the first.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';
import {
  getJson,
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submitDetached,
  submittedJobId,
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

describe('savepoint, cancel and rescaled restore', () => {
  it('continues a cancelled job from its savepoint at another parallelism, exactly once', async () => {
    const checkpoints = makeTempDir('freshet-sp-ckpt-');
    const savepoints = makeTempDir('freshet-sp-');
    const output = makeTempDir('freshet-sp-out-');
    dirs.push(checkpoints, savepoints, output);
    const cluster = await startCluster(2, 2, { 'state.checkpoints.dir': `file://${checkpoints.path}` });
    const args = [String(EVENTS), String(RATE), output.path];
    const first = await submitDetached(cluster, 'exactly-once-windows.ts', 4, args);
    await waitFor(
      async () =>
        (await getJson<{ counts: { completed: number } }>(cluster, `/jobs/${first}/checkpoints`)).counts
          .completed >= 2,
      60_000,
      'two completed checkpoints',
      50,
    );

    const trigger = await fetch(`${cluster.restUrl}/jobs/${first}/savepoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 'target-directory': savepoints.path, 'cancel-job': true }),
    });
    expect(trigger.status).toBe(202);
    const { 'request-id': requestId } = (await trigger.json()) as { 'request-id': string };
    let location = '';
    await waitFor(
      async () => {
        const status = await getJson<{ status: { id: string }; operation: { location?: string } | null }>(
          cluster,
          `/jobs/${first}/savepoints/${requestId}`,
        );
        location = status.operation?.location ?? '';
        return status.status.id === 'COMPLETED';
      },
      60_000,
      'the savepoint',
      100,
    );
    expect(location).toContain(`/savepoint-${first.slice(0, 6)}-`);
    await waitFor(async () => (await jobDetails(cluster, first)).state === 'CANCELED', 30_000, 'CANCELED');

    const resumed = await runCli(
      [
        'run',
        '-d',
        '-m',
        restAddress(cluster),
        '-p',
        '2',
        '-s',
        location,
        join(JOBS_DIR, 'exactly-once-windows.ts'),
        '--',
        ...args,
      ],
      { timeoutMs: 60_000 },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = submittedJobId(resumed.stdout + resumed.stderr);
    await waitForJobFinished(cluster, second, 120_000);
    const rows = await committedLocalRows(output.path, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(EVENTS));
  }, 240_000);
});
