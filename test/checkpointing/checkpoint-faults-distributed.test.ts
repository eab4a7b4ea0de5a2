/**
 * `kill -9` of a TaskManager between barrier and acknowledgement, on a session cluster of real
 * processes: the job of fixtures/jobs/checkpoint-slow-ack-windows.ts (a FileSink that hands over its
 * committables 1.5 s after each barrier) runs at parallelism 2 on two 1-slot TaskManagers. While a
 * checkpoint is in progress and no sink subtask has acknowledged it, one TaskManager is killed with
 * SIGKILL and a replacement started. That checkpoint must end FAILED (never completed), the job
 * must restore the checkpoint completed before it and finish with exactly the failure-free output.
 */
import { committedLocalRows, expectedWindowRows } from '../distributed/windows-job-output.js';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitFor } from '../support/cli.js';
import {
  getJson,
  jobDetails,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';

const EVENTS = 6_000;
const RATE = 1_000;
const ACK_DELAY_MS = 1_500;

const outputs: { remove(): void }[] = [];
afterEach(async () => {
  await stopClusters();
  for (const output of outputs.splice(0)) output.remove();
}, 30_000);

interface CheckpointJson {
  readonly id: number;
  readonly status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly num_subtasks: number;
  readonly num_acknowledged_subtasks: number;
  readonly failure_message?: string;
  readonly tasks: Readonly<Record<string, { readonly num_acknowledged_subtasks: number }>>;
}
interface CheckpointingJson {
  readonly counts: { readonly restored: number; readonly in_progress: number; readonly completed: number };
  readonly latest: {
    readonly completed: CheckpointJson | null;
    readonly restored: { readonly id: number } | null;
  };
  readonly history: readonly CheckpointJson[];
}

describe('kill -9 of a TaskManager while a checkpoint waits for acknowledgements', () => {
  it('fails that checkpoint, restores the previous completed one and commits exactly once', async () => {
    const output = makeTempDir('freshet-slow-ack-out-');
    const checkpoints = makeTempDir('freshet-slow-ack-ckpt-');
    outputs.push(output, checkpoints);
    const cluster = await startCluster(2, 1, {
      'state.checkpoints.dir': `file://${checkpoints.path}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 5,
      'restart-strategy.fixed-delay.delay': '200 ms',
    });
    const jobId = await submitDetached(cluster, 'checkpoint-slow-ack-windows.ts', 2, [
      String(EVENTS),
      String(RATE),
      output.path,
      String(ACK_DELAY_MS),
    ]);
    const checkpointsOf = (): Promise<CheckpointingJson> =>
      getJson<CheckpointingJson>(cluster, `/jobs/${jobId}/checkpoints`);
    const details = (id: number): Promise<CheckpointJson> =>
      getJson<CheckpointJson>(cluster, `/jobs/${jobId}/checkpoints/details/${id}`);
    const exceptions = async (): Promise<string> =>
      JSON.stringify(await getJson(cluster, `/jobs/${jobId}/exceptions`)).slice(0, 3000);

    const job = await jobDetails(cluster, jobId);
    const source = job.vertices.find((v) => v.name.startsWith('Source: numbered events'));
    const sink = job.vertices.find((v) => v.name.includes('slow-ack results'));
    expect(source, JSON.stringify(job.vertices.map((v) => v.name))).toBeDefined();
    expect(sink, JSON.stringify(job.vertices.map((v) => v.name))).toBeDefined();

    // A checkpoint completed; the next one is in progress, its barrier left every source subtask
    // (they acknowledged) and no sink subtask has acknowledged it yet.
    let previous: number | undefined;
    let pending: number | undefined;
    let last = '';
    await waitFor(
      async () => {
        const stats = await checkpointsOf();
        last = JSON.stringify({ counts: stats.counts, history: stats.history.map((c) => [c.id, c.status]) });
        const completed = stats.latest.completed?.id;
        const inProgress = stats.history.find((c) => c.status === 'IN_PROGRESS');
        if (completed === undefined || inProgress === undefined || inProgress.id <= completed) return false;
        const detail = await details(inProgress.id);
        const sourcesAcknowledged = detail.tasks[source!.id]?.num_acknowledged_subtasks;
        const sinksAcknowledged = detail.tasks[sink!.id]?.num_acknowledged_subtasks;
        if (detail.status !== 'IN_PROGRESS' || sourcesAcknowledged !== 2 || sinksAcknowledged !== 0)
          return false;
        previous = completed;
        pending = inProgress.id;
        return true;
      },
      30_000,
      () => `a completed checkpoint followed by one the sinks have not acknowledged (last: ${last})`,
      20,
    );
    cluster.taskManagers[0]!.child.kill('SIGKILL');

    await waitFor(
      async () => (await details(pending!)).status !== 'IN_PROGRESS',
      30_000,
      `checkpoint ${pending} to end`,
      50,
    );
    const ended = await details(pending!);
    expect(ended.status).toBe('FAILED');
    expect(ended.num_acknowledged_subtasks).toBeLessThan(ended.num_subtasks);
    expect(ended.failure_message).toBeTruthy();

    // The restarted job waits for a second slot; the replacement TaskManager brings it.
    await waitFor(
      async () => {
        const state = await jobDetails(cluster, jobId);
        return state.state === 'RUNNING' && state.vertices.some((v) => (v.tasks['SCHEDULED'] ?? 0) > 0);
      },
      30_000,
      'the restarted job to wait for slots',
      20,
    );
    await cluster.startTaskManager();

    await waitFor(
      async () => (await checkpointsOf()).counts.restored >= 1,
      30_000,
      'the job to restore a checkpoint',
      50,
    );
    const restored = await checkpointsOf();
    expect(restored.counts.restored).toBe(1);
    expect(restored.latest.restored?.id).toBe(previous);

    await waitForJobFinished(cluster, jobId, 60_000);
    const final = await checkpointsOf();
    // One kill, one failover: a second restore means the job failed again after the restart.
    expect(final.counts.restored, final.counts.restored === 1 ? '' : await exceptions()).toBe(1);
    expect(final.history.some((c) => c.id === pending && c.status === 'COMPLETED')).toBe(false);
    expect(await committedLocalRows(output.path, (name) => expect.fail(`unexpected file ${name}`))).toEqual(
      expectedWindowRows(EVENTS),
    );
  }, 120_000);
});
