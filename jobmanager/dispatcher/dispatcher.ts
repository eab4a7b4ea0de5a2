/**
 * Accepts jobs and keeps their JobMasters (Flink's Dispatcher); the TaskManagers' gateway to the
 * JobManager routes their reports to the right JobMaster. TaskManagers come and go through it:
 * a registration offers slots to the SlotPool (waiting jobs take them), a loss removes them and
 * makes every job with executions there fail over.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { warnAboutMissingUids } from './operators-without-uid.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { SerializedError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId, JobId, ResourceId } from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutionStateUpdate,
  TaskExecutorGateway,
} from '../../common/protocol/gateways.js';
import type { DataAddress, JobInformation } from '../../common/protocol/task-deployment.js';
import type { SlotPool } from '../resourcemanager/slot-pool.js';
import { JobMaster, type JobMasterServices, type JobRecovery } from '../scheduler/job-master.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import { loadSavepointForJob, type SavepointRestoreSettings } from '../checkpoint/savepoint-restore.js';
import { effectiveJobConfiguration } from '../scheduler/job-checkpointing.js';
import type { SourceReaderEvent } from '../../common/protocol/operator-events.js';

export class Dispatcher implements JobMasterGateway {
  private readonly jobs = new Map<JobId, JobMaster>();
  private readonly terminationListeners: ((jobId: JobId) => void)[] = [];

  constructor(
    readonly slotPool: SlotPool,
    private readonly services: JobMasterServices = {},
  ) {}

  /**
   * Creates and starts the job's JobMaster, from a savepoint when `savepoint` is given. Rejects (and
   * keeps nothing) when the job ID is taken, the job's configuration is invalid, or the savepoint
   * cannot be read or does not match the job.
   */
  async submitJob(
    job: JobInformation,
    jobGraph: JobGraph,
    options: { readonly savepoint?: SavepointRestoreSettings } = {},
  ): Promise<JobMaster> {
    if (this.jobs.has(job.jobId))
      throw new UserError('DUPLICATE_JOB', `job ${job.jobId} was already submitted`);
    let recovery: JobRecovery | undefined;
    if (options.savepoint !== undefined) {
      const configuration = effectiveJobConfiguration(this.services.clusterConfiguration, job, jobGraph);
      const storage = CheckpointStorageFactory.fromConfiguration(configuration);
      try {
        recovery = { checkpoint: await loadSavepointForJob(storage, options.savepoint, jobGraph) };
      } finally {
        await storage.close();
      }
    }
    warnAboutMissingUids(jobGraph, job.jobId, this.services.logger);
    return this.startJob(job, jobGraph, recovery, true);
  }

  /**
   * Resumes a job a previous JobManager ran (HA recovery), from its latest completed checkpoint
   * when it has one; it is already in the HA store.
   */
  async recoverJob(job: JobInformation, jobGraph: JobGraph, recovery: JobRecovery): Promise<JobMaster> {
    return this.startJob(job, jobGraph, recovery, false);
  }

  private async startJob(
    job: JobInformation,
    jobGraph: JobGraph,
    recovery: JobRecovery | undefined,
    /** A new submission (not an HA recovery): the HA store learns about it. */
    persist: boolean,
  ): Promise<JobMaster> {
    if (this.jobs.has(job.jobId))
      throw new UserError('DUPLICATE_JOB', `job ${job.jobId} was already submitted`);
    const master = new JobMaster(job, jobGraph, this.slotPool, this.services, recovery);
    if (persist) {
      this.services.ha?.putJob(job, jobGraph);
      const start = recovery?.checkpoint;
      if (start !== undefined) this.services.ha?.writeLatestCheckpoint(job.jobId, start.externalPointer);
    }
    this.jobs.set(job.jobId, master);
    void master.result.then(() => {
      this.services.ha?.removeJob(job.jobId);
      for (const listener of this.terminationListeners) listener(job.jobId);
    });
    await master.start();
    return master;
  }

  /** Calls `listener` with the ID of every job that reaches a globally terminal state. */
  onJobTerminated(listener: (jobId: JobId) => void): void {
    this.terminationListeners.push(listener);
  }

  getJob(jobId: JobId): JobMaster {
    const master = this.jobs.get(jobId);
    if (master === undefined) throw new UserError('UNKNOWN_JOB', `job ${jobId} not found`);
    return master;
  }

  listJobs(): JobMaster[] {
    return [...this.jobs.values()];
  }

  /** Offers a TaskManager's slots (same as `slotPool.registerTaskManager`). */
  taskManagerRegistered(
    resourceId: ResourceId,
    gateway: TaskExecutorGateway,
    numberOfSlots: number,
    dataAddress?: DataAddress,
  ): void {
    this.slotPool.registerTaskManager(resourceId, gateway, numberOfSlots, dataAddress);
  }

  /** Forgets the TaskManager's slots; every job fails the executions it had there and fails over. */
  taskManagerLost(resourceId: ResourceId, cause: Error): void {
    this.slotPool.unregisterTaskManager(resourceId);
    for (const master of this.jobs.values()) master.taskManagerLost(resourceId, cause);
  }

  updateTaskExecutionState(update: TaskExecutionStateUpdate): void {
    this.jobs.get(update.jobId)?.updateTaskExecutionState(update);
  }

  deliverClientData(jobId: JobId, operatorId: string, payload: unknown): void {
    this.jobs.get(jobId)?.deliverClientData(operatorId, payload);
  }

  acknowledgeCheckpoint(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    state: TaskStateSnapshot | undefined,
  ): void {
    this.jobs.get(jobId)?.acknowledgeCheckpoint(executionAttemptId, checkpointId, state);
  }

  declineCheckpoint(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    reason: string,
    error: SerializedError | undefined,
  ): void {
    this.jobs.get(jobId)?.declineCheckpoint(executionAttemptId, checkpointId, reason, error);
  }

  sendOperatorEventToCoordinator(
    jobId: JobId,
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceReaderEvent,
  ): void {
    this.jobs.get(jobId)?.sendOperatorEventToCoordinator(executionAttemptId, operatorId, event);
  }
}
