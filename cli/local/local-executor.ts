/**
 * Runs a pipeline on a fresh MiniCluster sized to the job (Flink's local environment: as many
 * slots as the job needs). With a bundle the slots are worker threads that rebuild the job from
 * it; without one (a program run directly with node) they run on this thread.
 */
import type { Pipeline, PipelineExecutor } from '../../api/environment/execution-context.js';
import type { JobClient, JobExecutionResult } from '../../api/environment/job-client.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import type { JobCodeSource } from '../../common/protocol/task-deployment.js';
import { planSlotSharing } from '../../jobmanager/scheduler/slot-sharing-placement.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { MiniCluster } from './mini-cluster.js';

export interface LocalExecutorOptions {
  readonly code: JobCodeSource;
  readonly defaultParallelism?: number;
  readonly configuration?: Readonly<Record<string, string>>;
  readonly providedModules?: Readonly<Record<string, string>>;
  readonly writeStdout?: (text: string) => void;
  /** Called with every submitted job's client (the CLI uses it to cancel on Ctrl-C). */
  readonly onSubmitted?: (client: JobClient) => void;
}

export class LocalExecutor implements PipelineExecutor {
  constructor(private readonly options: LocalExecutorOptions) {}

  async execute(pipeline: Pipeline): Promise<JobClient> {
    const { jobGraph } = pipeline;
    const cluster = new MiniCluster({
      numberOfSlots: planSlotSharing(jobGraph.vertices).slotsNeeded,
      slotMode: this.options.code.kind === 'bundle' ? 'worker' : 'inline',
      ...(this.options.providedModules === undefined
        ? {}
        : { providedModules: this.options.providedModules }),
      ...(this.options.writeStdout === undefined ? {} : { writeStdout: this.options.writeStdout }),
    });
    await cluster.start();
    const jobId = JobId.generate();
    const master = await cluster.submitJob(
      {
        jobId,
        jobName: jobGraph.jobName,
        graphHash: jobGraph.graphHash,
        code: this.options.code,
        defaultParallelism: this.options.defaultParallelism ?? 1,
        configuration: this.options.configuration ?? {},
      },
      pipeline,
    );
    const result: Promise<JobExecutionResult> = master.result.then(async (r) => {
      await cluster.close();
      if (r.status === 'FINISHED') return { jobId, jobName: jobGraph.jobName, netRuntime: r.netRuntime };
      throw new FreshetError(
        r.status === 'CANCELED' ? 'JOB_CANCELED' : 'JOB_FAILED',
        r.status === 'CANCELED'
          ? `Job '${jobGraph.jobName}' (${jobId}) was cancelled`
          : `Job '${jobGraph.jobName}' (${jobId}) failed: ${r.failure?.message ?? 'unknown cause'}`,
        { domain: r.failure instanceof FreshetError ? r.failure.domain : 'user', cause: r.failure },
      );
    });
    const client = masterJobClient(jobId, master, result);
    this.options.onSubmitted?.(client);
    return client;
  }
}

/** The JobClient of a job on its own mini-cluster: status, cancel and client data from its JobMaster. */
export function masterJobClient(
  jobId: string,
  master: JobMaster,
  result: Promise<JobExecutionResult>,
): JobClient {
  result.catch(() => {}); // observed through getJobExecutionResult()
  return {
    jobId,
    getJobStatus: () => Promise.resolve(master.status),
    cancel: async () => {
      master.cancel();
      await master.result;
    },
    getJobExecutionResult: () => result,
    drainClientData: (operatorId) => master.drainClientData(operatorId),
  };
}
