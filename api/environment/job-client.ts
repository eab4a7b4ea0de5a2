import type { JobStatus } from '../../common/job-status.js';

export interface JobExecutionResult {
  readonly jobId: string;
  readonly jobName: string;
  /** Wall time from submission to the end of the job, in ms. */
  readonly netRuntime: number;
}

/** A handle on a submitted job (Flink's JobClient). */
export interface JobClient {
  readonly jobId: string;
  getJobStatus(): Promise<JobStatus>;
  cancel(): Promise<void>;
  /** Resolves when the job finishes; rejects with the failure cause when it fails or is cancelled. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /** Takes the data collect sinks of the given operator sent to this client so far. */
  drainClientData(operatorId: string): unknown[];
}
