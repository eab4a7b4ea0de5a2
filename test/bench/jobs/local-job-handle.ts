/**
 * A bench job running on the embedded runtime, seen through its JobMaster and the program's main
 * (which settles when the job ends): waits for a bounded job's end or cancels an unbounded one.
 */
import type { JobClient } from '../../../api/environment/job-client.js';
import type { JobMaster, JobResult } from '../../../jobmanager/scheduler/job-master.js';

export class LocalJobHandle {
  constructor(
    readonly master: JobMaster,
    /** The program's main: settles when the job ends (rejects when it was cancelled or failed). */
    protected readonly program: Promise<void>,
  ) {}

  /** Resolves when a bounded job has FINISHED (and its cluster is closed); throws when it ended otherwise. */
  async finished(): Promise<JobResult> {
    await this.program;
    const result = await this.master.result;
    if (result.status !== 'FINISHED') throw new Error(`the job ended ${result.status}`);
    return result;
  }

  /** Cancels an unbounded job and waits for its end (and for its cluster's shutdown). */
  async cancel(): Promise<void> {
    this.master.cancel();
    const result = await this.master.result;
    await this.program.then(
      () => undefined,
      (error: unknown) => {
        if (result.status !== 'CANCELED') throw error;
      },
    );
  }
}

/**
 * The JobClient a bench executor hands the program for a job it submitted to its own cluster:
 * the cluster closes when the job ends; a job that did not finish rejects the execution result.
 */
export function miniClusterJobClient(
  master: JobMaster,
  jobId: string,
  jobName: string,
  cluster: { close(): Promise<void> },
): JobClient {
  const result = master.result.then(async (r) => {
    await cluster.close();
    if (r.status !== 'FINISHED') throw r.failure ?? new Error(`job ${jobId} ended ${r.status}`);
    return { jobId, jobName, netRuntime: r.netRuntime };
  });
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
