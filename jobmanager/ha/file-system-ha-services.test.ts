import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../api/graph/job-graph.js';
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import { testingJobInformation } from '../scheduler/testing-job-information.js';
import { FileSystemHaServices } from './file-system-ha-services.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function haDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-ha-test-'));
  dirs.push(dir);
  return dir;
}

const GRAPH: JobGraph = {
  jobName: 'testing-job',
  graphHash: 'hash',
  vertices: [],
  config: {
    bufferTimeoutMs: 100,
    autoWatermarkIntervalMs: 200,
    checkpointIntervalMs: 200,
    configuration: {},
  },
};

function storedJob(ha: FileSystemHaServices): JobId {
  const job = testingJobInformation();
  ha.putJob(job, GRAPH);
  ha.writeLatestCheckpoint(job.jobId, 'file:///checkpoints/chk-3');
  return job.jobId;
}

describe('FileSystemHaServices', () => {
  it('recovers a stored job with its latest checkpoint pointer', () => {
    const dir = haDirectory();
    const jobId = storedJob(new FileSystemHaServices(dir));
    const recovered = new FileSystemHaServices(dir).recoverJobs();
    expect(recovered.map((r) => [r.job.jobId, r.latestCheckpoint])).toEqual([
      [jobId, 'file:///checkpoints/chk-3'],
    ]);
  });

  it('records the result of a job that ended before removing it, when it can look up job status', () => {
    const dir = haDirectory();
    const statuses = new Map<JobId, JobStatus>();
    const ha = new FileSystemHaServices(dir, { jobStatus: (id) => statuses.get(id), clock: () => 42 });
    const jobId = storedJob(ha);
    expect(ha.hasJob(jobId)).toBe(true);
    statuses.set(jobId, 'FINISHED');

    ha.removeJob(jobId);

    expect(ha.hasJob(jobId)).toBe(false);
    expect(ha.jobResults.get(jobId)).toEqual({ jobId, status: 'FINISHED', timestamp: 42 });
    expect(new FileSystemHaServices(dir).recoverJobs()).toEqual([]);
  });

  it('records nothing without a status lookup (session mode)', () => {
    const dir = haDirectory();
    const ha = new FileSystemHaServices(dir);
    const jobId = storedJob(ha);
    ha.removeJob(jobId);
    expect(ha.hasJob(jobId)).toBe(false);
    expect(ha.jobResults.has(jobId)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['bundles', 'checkpoints', 'jobgraphs']);
  });

  it('does not recover a job whose result was recorded, and removes its leftovers', () => {
    const dir = haDirectory();
    const ha = new FileSystemHaServices(dir);
    const jobId = storedJob(ha);
    // The JobManager died after recording the result but before removing the job graph.
    ha.jobResults.put({ jobId, status: 'CANCELED', timestamp: 1 });

    const restarted = new FileSystemHaServices(dir);
    expect(restarted.recoverJobs()).toEqual([]);
    expect(restarted.hasJob(jobId)).toBe(false);
    expect(restarted.jobResults.get(jobId)?.status).toBe('CANCELED');
  });

  it('keeps jobs once suspended, so the next JobManager recovers them', () => {
    const dir = haDirectory();
    const ha = new FileSystemHaServices(dir, { jobStatus: () => 'FAILED' });
    const jobId = storedJob(ha);
    ha.suspend();

    ha.removeJob(jobId);

    expect(ha.jobResults.has(jobId)).toBe(false);
    expect(new FileSystemHaServices(dir).recoverJobs().map((r) => r.job.jobId)).toEqual([jobId]);
  });
});
