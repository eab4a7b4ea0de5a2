/**
 * A JobManager (dispatcher, slot pool, job masters) and one TaskManager in one process, joined by
 * direct gateway calls: the same scheduler, tasks, slots and channels a cluster runs, minus the
 * RPC between processes.
 */
import type { Pipeline } from '../../api/environment/execution-context.js';
import { ResourceId, type JobId } from '../../common/ids.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import { Dispatcher } from '../../jobmanager/dispatcher/dispatcher.js';
import { SlotPool } from '../../jobmanager/resourcemanager/slot-pool.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { TaskExecutor } from '../../taskmanager/taskexecutor/task-executor.js';

export interface MiniClusterOptions {
  readonly numberOfSlots: number;
  readonly slotMode: 'worker' | 'inline';
  readonly segmentSize?: number;
  readonly providedModules?: Readonly<Record<string, string>>;
  readonly writeStdout?: (text: string) => void;
}

export class MiniCluster {
  readonly dispatcher: Dispatcher;
  private readonly taskExecutor: TaskExecutor;
  private readonly inProcessPipelines = new Map<string, Pipeline>();

  constructor(options: MiniClusterOptions) {
    const slotPool = new SlotPool();
    // In-process jobs' split enumerators run on this thread, on the same Source objects.
    this.dispatcher = new Dispatcher(slotPool, { inProcessPipelines: this.inProcessPipelines });
    this.taskExecutor = new TaskExecutor({
      resourceId: ResourceId.generate('local-taskmanager'),
      numberOfSlots: options.numberOfSlots,
      slotMode: options.slotMode,
      segmentSize: options.segmentSize ?? 32 * 1024,
      providedModules: options.providedModules ?? {},
      inProcessPipelines: this.inProcessPipelines,
      writeStdout: options.writeStdout ?? ((text) => process.stdout.write(text)),
    });
    this.taskExecutor.connectToJobMaster(this.dispatcher);
    slotPool.registerTaskManager(this.taskExecutor.resourceId, this.taskExecutor, options.numberOfSlots);
  }

  async start(): Promise<void> {
    await this.taskExecutor.start();
  }

  async submitJob(
    job: JobInformation,
    pipeline: Pipeline,
    options: Parameters<Dispatcher['submitJob']>[2] = {},
  ): Promise<JobMaster> {
    if (job.code.kind === 'in-process') this.inProcessPipelines.set(job.jobId, pipeline);
    const master = await this.dispatcher.submitJob(job, stripFunctions(pipeline), options);
    void master.result.then(() => this.inProcessPipelines.delete(job.jobId));
    return master;
  }

  getJob(jobId: JobId): JobMaster {
    return this.dispatcher.getJob(jobId);
  }

  async close(): Promise<void> {
    await this.taskExecutor.shutdown();
  }
}

/** The JobManager keeps only the plain-data JobGraph (it would receive it serialized from a client). */
function stripFunctions(pipeline: Pipeline): Pipeline['jobGraph'] {
  return structuredClone(pipeline.jobGraph);
}
