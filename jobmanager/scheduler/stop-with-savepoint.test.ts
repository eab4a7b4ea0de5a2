/**
 * Stop-with-savepoint on the JobMaster, with TaskManagers faked at the gateway: every job has a
 * checkpoint coordinator (also without `execution.checkpointing.interval`), the stop triggers a
 * synchronous savepoint whose trigger tells the sources how to stop, its completion is final for
 * every task, and the stop resolves once the job is FINISHED. A failed savepoint leaves the job
 * running — unless the sources had already drained, then the job fails over.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamExecutionEnvironment, type JobGraph } from 'freshet';
import { ResourceId, type ExecutionAttemptId, type JobId } from '../../common/ids.js';
import type { ExecutionState } from '../../common/job-status.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import { stopModeOf, type StopMode } from '../../common/protocol/checkpoint-rpc-messages.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import { JobMaster } from './job-master.js';
import { testingJobInformation } from './testing-job-information.js';
import { TestingSchedulerTimer } from './testing-scheduler-timer.js';

interface Trigger {
  readonly attemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  readonly options: CheckpointOptions;
}

/** Records what the JobMaster sends; tasks are driven by the test. */
class RecordingGateway implements TaskExecutorGateway {
  readonly submitted: TaskDeploymentDescriptor[] = [];
  readonly canceled: ExecutionAttemptId[] = [];
  readonly triggers: Trigger[] = [];
  readonly completions: { readonly attemptId: ExecutionAttemptId; readonly final: boolean }[] = [];
  readonly aborts: ExecutionAttemptId[] = [];

  submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    this.submitted.push(tdd);
    return Promise.resolve();
  }
  cancelTask(attemptId: ExecutionAttemptId): Promise<void> {
    this.canceled.push(attemptId);
    return Promise.resolve();
  }
  releaseJob(_jobId: JobId): Promise<void> {
    return Promise.resolve();
  }
  triggerCheckpoint(
    attemptId: ExecutionAttemptId,
    checkpointId: number,
    _timestamp: number,
    options: CheckpointOptions,
  ): Promise<void> {
    this.triggers.push({ attemptId, checkpointId, options });
    return Promise.resolve();
  }
  notifyCheckpointComplete(
    attemptId: ExecutionAttemptId,
    _checkpointId: number,
    _timestamp: number,
    final?: boolean,
  ): Promise<void> {
    this.completions.push({ attemptId, final: final === true });
    return Promise.resolve();
  }
  notifyCheckpointAborted(attemptId: ExecutionAttemptId): Promise<void> {
    this.aborts.push(attemptId);
    return Promise.resolve();
  }
}

/** source (2) --rebalance--> work (2). */
function graph(): JobGraph {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(2);
  env
    .fromSequence(1, 10)
    .name('source')
    .rebalance()
    .map((x) => x)
    .name('work');
  return env.getPipeline('stop-test').jobGraph;
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function runningJob(configuration: Record<string, string> = {}) {
  const savepoints = mkdtempSync(join(tmpdir(), 'freshet-stop-test-'));
  directories.push(savepoints);
  const timer = new TestingSchedulerTimer();
  const pool = new SlotPool();
  const gateway = new RecordingGateway();
  pool.registerTaskManager(ResourceId.of('tm'), gateway, 2, { host: 'tm.local', port: 6121 });
  const master = new JobMaster(testingJobInformation(configuration, 2), graph(), pool, {
    clock: timer.clock,
    timer,
  });
  await master.start();
  await vi.waitFor(() => expect(gateway.submitted).toHaveLength(4));
  const report = (tdd: TaskDeploymentDescriptor, state: ExecutionState) =>
    master.updateTaskExecutionState({
      jobId: master.jobId,
      executionAttemptId: tdd.executionAttemptId,
      state,
    });
  for (const tdd of gateway.submitted) report(tdd, 'RUNNING');
  const tasks = gateway.submitted.filter((t) => t.attemptNumber === 0);
  const sources = tasks.filter((t) => t.taskName.startsWith('source'));
  /** Every task of the first attempt acknowledges checkpoint `checkpointId` (stateless). */
  const acknowledgeAll = (checkpointId: number) => {
    for (const tdd of tasks) master.acknowledgeCheckpoint(tdd.executionAttemptId, checkpointId, undefined);
  };
  return { master, gateway, timer, savepoints, tasks, sources, report, acknowledgeAll };
}

function stopModes(triggers: readonly Trigger[]): (StopMode | undefined)[] {
  return triggers.map((t) => stopModeOf(t.options));
}

describe('JobMaster.stopWithSavepoint', () => {
  it('stops a job submitted without a checkpoint interval: savepoint, final notifications, FINISHED', async () => {
    const job = await runningJob();
    const { master, gateway } = job;
    expect(master.checkpointCoordinator.isPeriodicCheckpointingConfigured()).toBe(false);
    job.timer.advance(60_000);
    expect(gateway.triggers).toEqual([]); // no periodic checkpoints, as before

    const stopped = master.stopWithSavepoint(job.savepoints, false);
    await vi.waitFor(() => expect(gateway.triggers).toHaveLength(2));
    expect(gateway.triggers.map((t) => t.attemptId).sort()).toEqual(
      job.sources.map((t) => t.executionAttemptId).sort(),
    );
    expect(stopModes(gateway.triggers)).toEqual(['no-drain', 'no-drain']);
    expect(gateway.triggers[0]!.options.checkpointType).toBe('savepoint');
    expect(gateway.triggers[0]!.options.alignment).toBe('aligned');

    job.acknowledgeAll(gateway.triggers[0]!.checkpointId);
    // The savepoint of a stop is final: every task may finish once it completed.
    await vi.waitFor(() => expect(gateway.completions).toHaveLength(4));
    expect(gateway.completions.every((c) => c.final)).toBe(true);
    expect(master.status).toBe('RUNNING');
    for (const tdd of job.tasks) job.report(tdd, 'FINISHED');

    const path = await stopped;
    expect(existsSync(join(fileURLToPath(path), '_metadata'))).toBe(true);
    expect((await master.result).status).toBe('FINISHED');
    expect(gateway.canceled).toEqual([]);
  });

  it('tells the sources to drain with --drain', async () => {
    const job = await runningJob();
    const stopped = job.master.stopWithSavepoint(job.savepoints, true);
    await vi.waitFor(() => expect(job.gateway.triggers).toHaveLength(2));
    expect(stopModes(job.gateway.triggers)).toEqual(['drain', 'drain']);
    job.acknowledgeAll(job.gateway.triggers[0]!.checkpointId);
    await vi.waitFor(() => expect(job.gateway.completions).toHaveLength(4));
    for (const tdd of job.tasks) job.report(tdd, 'FINISHED');
    await expect(stopped).resolves.toContain('/savepoint-');
  });

  it('a savepoint that fails leaves the job running and its periodic checkpoints resume', async () => {
    const job = await runningJob({ 'execution.checkpointing.interval': '1 s' });
    const { master, gateway } = job;
    const stopped = master.stopWithSavepoint(job.savepoints, false);
    await vi.waitFor(() => expect(gateway.triggers).toHaveLength(2));
    const checkpointId = gateway.triggers[0]!.checkpointId;
    master.declineCheckpoint(
      job.sources[0]!.executionAttemptId,
      checkpointId,
      'CHECKPOINT_DECLINED',
      undefined,
    );
    await expect(stopped).rejects.toMatchObject({ code: 'CHECKPOINT_DECLINED' });
    await vi.waitFor(() => expect(gateway.aborts).toHaveLength(4));
    expect(master.status).toBe('RUNNING');
    expect(gateway.canceled).toEqual([]);
    job.timer.advance(1_000);
    await vi.waitFor(() => expect(gateway.triggers).toHaveLength(4));
    expect(stopModes(gateway.triggers.slice(2))).toEqual([undefined, undefined]);
    expect(gateway.triggers[2]!.options.checkpointType).toBe('checkpoint');
  });

  it('fails the job over when the savepoint of a drain fails after the sources ended their input', async () => {
    const job = await runningJob({
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '1',
      'restart-strategy.fixed-delay.delay': '1 s',
    });
    const { master, gateway } = job;
    const stopped = master.stopWithSavepoint(job.savepoints, true);
    await vi.waitFor(() => expect(gateway.triggers).toHaveLength(2));
    master.declineCheckpoint(
      job.tasks[3]!.executionAttemptId,
      gateway.triggers[0]!.checkpointId,
      'X',
      undefined,
    );
    await expect(stopped).rejects.toMatchObject({ code: 'CHECKPOINT_DECLINED' });
    expect(master.status).toBe('FAILING');
    expect(master.numRestarts).toBe(1);
    expect(master.failureHistory[0]?.error.message).toContain('stop --drain');
    expect(new Set(gateway.canceled)).toEqual(new Set(job.tasks.map((t) => t.executionAttemptId)));
  });

  it('refuses a job that is not running and a second stop while one is in progress', async () => {
    const job = await runningJob();
    const first = job.master.stopWithSavepoint(job.savepoints, false);
    await expect(job.master.stopWithSavepoint(job.savepoints, true)).rejects.toMatchObject({
      code: 'STOP_IN_PROGRESS',
    });
    await vi.waitFor(() => expect(job.gateway.triggers).toHaveLength(2));
    job.master.cancel();
    for (const tdd of job.tasks) job.report(tdd, 'CANCELED');
    await expect(first).rejects.toMatchObject({ code: 'CHECKPOINT_COORDINATOR_SHUTDOWN' });
    const refused = job.master.stopWithSavepoint(job.savepoints, false);
    await expect(refused).rejects.toMatchObject({ code: 'JOB_NOT_RUNNING' });
    await expect(refused).rejects.toThrow('is CANCELED: only a running job can be stopped');
  });

  it('rejects when the savepoint completed but the job did not end FINISHED', async () => {
    const job = await runningJob();
    const stopped = job.master.stopWithSavepoint(job.savepoints, false);
    await vi.waitFor(() => expect(job.gateway.triggers).toHaveLength(2));
    job.acknowledgeAll(job.gateway.triggers[0]!.checkpointId);
    await vi.waitFor(() => expect(job.gateway.completions).toHaveLength(4));
    job.master.cancel();
    for (const tdd of job.tasks) job.report(tdd, 'CANCELED');
    await expect(stopped).rejects.toMatchObject({ code: 'STOP_WITH_SAVEPOINT_FAILED' });
    await expect(stopped).rejects.toThrow(/completed, but the job ended CANCELED instead of FINISHED/);
  });
});
