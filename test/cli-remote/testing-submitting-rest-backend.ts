/**
 * A TestingRestBackend whose `runJar` also creates the job (RUNNING), as a JobManager would, so a
 * test can drive a submitted job to its end while `freshet run -m` waits on it.
 */
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import type { JarRunRequest, JobExceptionHistory } from '../../jobmanager/rest/rest-backend.js';
import { T0, testingJobDetails } from '../../jobmanager/rest/testing/testing-job-fixtures.js';
import { TestingRestBackend } from '../../jobmanager/rest/testing/testing-rest-backend.js';

export const SUBMITTED_JOB_NAME = 'remote-job';

export class TestingSubmittingRestBackend extends TestingRestBackend {
  override async runJar(jarId: string, request: JarRunRequest): Promise<JobId> {
    const jobId = await super.runJar(jarId, request);
    this.addJob(testingJobDetails({ jobId, name: SUBMITTED_JOB_NAME, status: 'RUNNING', startTime: T0 }));
    return jobId;
  }

  /** Moves a job to `status`; terminal ones end `runtimeMs` after its start. */
  endJob(jobId: JobId, status: JobStatus, runtimeMs: number, exceptions?: JobExceptionHistory): void {
    const job = this.jobsById.get(jobId);
    if (job === undefined) throw new Error(`no job ${jobId}`);
    this.addJob({ ...job, status, endTime: job.startTime + runtimeMs }, exceptions);
  }

  statusOf(jobId: JobId): JobStatus | undefined {
    return this.jobsById.get(jobId)?.status;
  }
}
