/**
 * Accepts jobs and keeps their JobMasters (Flink's Dispatcher); the TaskManagers' gateway to the
 * JobManager routes their reports to the right JobMaster.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { JobMasterGateway, TaskExecutionStateUpdate } from '../../common/protocol/gateways.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { SlotPool } from '../resourcemanager/slot-pool.js';
import { JobMaster } from '../scheduler/job-master.js';

export class Dispatcher implements JobMasterGateway {
  private readonly jobs = new Map<JobId, JobMaster>();

  constructor(
    readonly slotPool: SlotPool,
    private readonly clock: () => number = Date.now,
  ) {}

  async submitJob(job: JobInformation, jobGraph: JobGraph): Promise<JobMaster> {
    if (this.jobs.has(job.jobId))
      throw new UserError('DUPLICATE_JOB', `job ${job.jobId} was already submitted`);
    const master = new JobMaster(job, jobGraph, this.slotPool, this.clock);
    this.jobs.set(job.jobId, master);
    await master.start();
    return master;
  }

  getJob(jobId: JobId): JobMaster {
    const master = this.jobs.get(jobId);
    if (master === undefined) throw new UserError('UNKNOWN_JOB', `job ${jobId} not found`);
    return master;
  }

  listJobs(): JobMaster[] {
    return [...this.jobs.values()];
  }

  updateTaskExecutionState(update: TaskExecutionStateUpdate): void {
    this.jobs.get(update.jobId)?.updateTaskExecutionState(update);
  }

  deliverClientData(jobId: JobId, operatorId: string, payload: unknown): void {
    this.jobs.get(jobId)?.deliverClientData(operatorId, payload);
  }
}
