/**
 * `freshet stop` on a session cluster of processes, with the numbered-events windows job (keyed
 * 1 s tumbling event-time windows → FileSink) submitted WITHOUT a checkpoint interval:
 * - `stop --drain`: the job ends FINISHED, the savepoint's `_metadata` exists, and the committed
 *   output holds every window of the events emitted before the stop — the last, partial windows
 *   included (MAX_WATERMARK fired them);
 * - a plain `stop`, then `freshet run -s <savepoint>`: the open windows travel in the savepoint and
 *   the restored job counts on, so both runs' output together is the failure-free result exactly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';
import {
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submitDetached,
  submittedJobId,
  waitForJobFinished,
} from './session-cluster-support.js';
import { committedLocalRows, expectedWindowRows } from './windows-job-output.js';

const JOB = 'stoppable-windows.ts';
const RATE = 2_000;

const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await stopClusters();
  for (const dir of dirs.splice(0)) dir.remove();
}, 30_000);

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir.path;
}

/** Waits until every subtask runs and the source has emitted at least `records` events. */
async function waitForProgress(cluster: LocalSessionCluster, jobId: string, records: number): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const job = await jobDetails(cluster, jobId);
      const written = job.vertices[0]!.metrics['write-records'] as number;
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))} source wrote ${written}`;
      return (
        job.state === 'RUNNING' &&
        job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism) &&
        written >= records
      );
    },
    60_000,
    () => `job ${jobId} running with ${records} events emitted (last: ${last})`,
    100,
  );
}

/** `freshet stop`; returns the savepoint path it printed. */
async function stop(cluster: LocalSessionCluster, jobId: string, savepoints: string, drain: boolean) {
  const args = ['stop', '-m', restAddress(cluster), '-p', savepoints, ...(drain ? ['--drain'] : []), jobId];
  const result = await runCli(args, { timeoutMs: 60_000 });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stderr).toContain(`${drain ? 'Draining' : 'Suspending'} job "${jobId}" with a savepoint.`);
  const match = /^Savepoint completed\. Path: (\S+)$/m.exec(result.stdout);
  expect(match, result.stdout).not.toBeNull();
  return match![1]!;
}

function eventsIn(rows: readonly string[]): number {
  return rows.reduce((sum, row) => sum + (JSON.parse(row) as { count: number }).count, 0);
}

function expectMetadata(path: string, jobId: string): void {
  expect(path).toContain(`/savepoint-${jobId.slice(0, 6)}-`);
  expect(existsSync(join(path.startsWith('file:') ? fileURLToPath(path) : path, '_metadata'))).toBe(true);
}

describe('freshet stop (stop-with-savepoint)', () => {
  it('--drain fires and commits every window up to the stop point; the job is FINISHED', async () => {
    const savepoints = tempDir('freshet-stop-sp-');
    const output = tempDir('freshet-stop-out-');
    const cluster = await startCluster(2, 2);
    const jobId = await submitDetached(cluster, JOB, 2, ['1000000', String(RATE), output]);
    await waitForProgress(cluster, jobId, 2_000);

    const path = await stop(cluster, jobId, savepoints, true);
    expect((await jobDetails(cluster, jobId)).state).toBe('FINISHED');
    expectMetadata(path, jobId);
    const rows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    const emitted = eventsIn(rows);
    expect(emitted).toBeGreaterThanOrEqual(2_000);
    expect(emitted).toBeLessThan(1_000_000);
    // Every window of events 0 … emitted-1, the last partial ones included, each exactly once.
    expect(rows).toEqual(expectedWindowRows(emitted));
  }, 180_000);

  it('a plain stop keeps the open windows in the savepoint; run -s continues without loss or duplicates', async () => {
    const events = 24_000;
    const savepoints = tempDir('freshet-stop-sp-');
    const output = tempDir('freshet-stop-out-');
    const cluster = await startCluster(2, 2);
    const args = [String(events), String(RATE), output];
    const first = await submitDetached(cluster, JOB, 2, args);
    await waitForProgress(cluster, first, 3_000);

    const path = await stop(cluster, first, savepoints, false);
    expect((await jobDetails(cluster, first)).state).toBe('FINISHED');
    expectMetadata(path, first);
    const firstRows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    expect(firstRows.length).toBeGreaterThan(0);
    expect(eventsIn(firstRows)).toBeLessThan(events);

    const resumed = await runCli(
      ['run', '-d', '-m', restAddress(cluster), '-p', '2', '-s', path, join(JOBS_DIR, JOB), '--', ...args],
      { timeoutMs: 60_000 },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const second = submittedJobId(resumed.stdout + resumed.stderr);
    await waitForJobFinished(cluster, second, 120_000);
    const rows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(events));
  }, 240_000);
});
