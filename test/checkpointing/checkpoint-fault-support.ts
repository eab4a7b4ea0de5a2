/**
 * Shared pieces of the checkpoint fault tests on the embedded cluster: build a job with a
 * capturing environment, run it on a MiniCluster (JobMaster + in-process TaskManager, inline
 * slots) and observe its JobMaster — status, result, checkpoint statistics — while it runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamExecutionEnvironment, type Pipeline, type Sink } from 'freshet';
import { MiniCluster } from '../../cli/local/mini-cluster.js';
import { JobId } from '../../common/ids.js';
import type { CheckpointStatsSnapshot } from '../../jobmanager/checkpoint/checkpoint-stats-tracker.js';
import type { CompletedCheckpoint } from '../../jobmanager/checkpoint/completed-checkpoint.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { planSlotSharing } from '../../jobmanager/scheduler/slot-sharing-placement.js';

const clusters: MiniCluster[] = [];
const directories: string[] = [];

/** An environment that only captures the plan; `pipelineOf` turns it into a Pipeline. */
export function captureEnvironment(): StreamExecutionEnvironment {
  return new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
}

/** A sink that drops every record (stateless: it adds nothing to a checkpoint). */
export function discardingSink<T>(): Sink<T> {
  return { createWriter: () => ({ write() {}, flush() {}, close() {} }) };
}

export async function tempDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

/** Submits the pipeline to a fresh MiniCluster with as many slots as it needs; returns its JobMaster. */
export async function submitOnMiniCluster(
  pipeline: Pipeline,
  options: Parameters<MiniCluster['submitJob']>[2] = {},
): Promise<JobMaster> {
  const cluster = new MiniCluster({
    numberOfSlots: planSlotSharing(pipeline.jobGraph.vertices).slotsNeeded,
    slotMode: 'inline',
    writeStdout: () => {},
  });
  clusters.push(cluster);
  await cluster.start();
  return cluster.submitJob(
    {
      jobId: JobId.generate(),
      jobName: pipeline.jobGraph.jobName,
      graphHash: pipeline.jobGraph.graphHash,
      code: { kind: 'in-process' },
      defaultParallelism: 1,
      configuration: {},
    },
    pipeline,
    options,
  );
}

/** Cancels what still runs, closes every MiniCluster and removes the temp directories (afterEach). */
export async function cleanUpMiniClusters(): Promise<void> {
  await Promise.all(clusters.splice(0).map((cluster) => cluster.close()));
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
}

export function checkpointStats(master: JobMaster): CheckpointStatsSnapshot {
  const coordinator = master.checkpointCoordinator;
  if (coordinator === undefined) throw new Error(`job ${master.jobId} does not checkpoint`);
  return coordinator.checkpointStats();
}

export function latestCompletedCheckpoint(master: JobMaster): CompletedCheckpoint | undefined {
  return master.checkpointCoordinator?.completedCheckpointStore.latest();
}

/** One line about the job for failure messages: status, counts, latest failure. */
export function describeJob(master: JobMaster): string {
  const stats = master.checkpointCoordinator?.checkpointStats();
  const counts = stats === undefined ? 'no checkpointing' : JSON.stringify(stats.counts);
  const failed = stats?.latest.failed?.failureMessage ?? '-';
  return `job ${master.status}, checkpoints ${counts}, latest failure: ${failed}`;
}

/** Resolves with the job's result, or rejects when it has not ended within `deadlineMs`. */
export async function resultWithin(
  master: JobMaster,
  deadlineMs: number,
): Promise<Awaited<JobMaster['result']>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the job did not end within ${deadlineMs} ms: ${describeJob(master)}`)),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([master.result, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
