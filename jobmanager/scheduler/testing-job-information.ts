/** A minimal JobInformation for scheduler tests (in-process code, a fresh job ID). */
import { JobId } from '../../common/ids.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';

export function testingJobInformation(
  configuration: Record<string, string> = {},
  defaultParallelism = 1,
): JobInformation {
  return {
    jobId: JobId.generate(),
    jobName: 'testing-job',
    graphHash: 'hash',
    code: { kind: 'in-process' },
    defaultParallelism,
    configuration,
  };
}
