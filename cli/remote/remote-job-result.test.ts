import { describe, expect, it } from 'vitest';
import type { FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import {
  awaitRemoteJobResult,
  jobCancelled,
  rootCauseOf,
  type JobStatusSource,
} from './remote-job-result.js';
import type { JobDetailsInfo, JobExceptionsInfo } from './rest-responses.js';

const JOB_ID = JobId.parse('0123456789abcdef0123456789abcdef');
const NO_EXCEPTIONS: JobExceptionsInfo = { rootException: undefined, timestamp: undefined, entries: [] };

function details(status: JobStatus): JobDetailsInfo {
  return {
    jobId: JOB_ID,
    name: 'word-count',
    status,
    startTime: 1000,
    endTime: undefined,
    duration: 42,
    isStoppable: false,
  };
}

/** Answers the given statuses in turn (the last one repeats); counts polls and sleeps. */
function scripted(statuses: JobStatus[], exceptions: JobExceptionsInfo = NO_EXCEPTIONS) {
  const sleeps: number[] = [];
  let polls = 0;
  const source: JobStatusSource = {
    jobDetails: (jobId) => {
      expect(jobId).toBe(JOB_ID);
      const status = statuses[Math.min(polls++, statuses.length - 1)]!;
      return Promise.resolve(details(status));
    },
    jobExceptions: () => Promise.resolve(exceptions),
  };
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  return { source, sleep, sleeps, polls: () => polls };
}

async function rejection(promise: Promise<unknown>): Promise<FreshetError> {
  try {
    await promise;
  } catch (error) {
    return error as FreshetError;
  }
  throw new Error('expected a rejection');
}

describe('awaitRemoteJobResult', () => {
  it('polls through non-terminal states (SUSPENDED too) until FINISHED', async () => {
    const script = scripted(['INITIALIZING', 'RUNNING', 'RESTARTING', 'SUSPENDED', 'FINISHED']);
    const result = await awaitRemoteJobResult(script.source, JOB_ID, {
      intervalMs: 300,
      sleep: script.sleep,
    });
    expect(result.status).toBe('FINISHED');
    expect(result.details.duration).toBe(42);
    expect(script.polls()).toBe(5);
    expect(script.sleeps).toEqual([300, 300, 300, 300]);
  });

  it('returns CANCELED as a value', async () => {
    const script = scripted(['RUNNING', 'CANCELLING', 'CANCELED']);
    const result = await awaitRemoteJobResult(script.source, JOB_ID, { sleep: script.sleep });
    expect(result.status).toBe('CANCELED');
    expect(jobCancelled(result.details).code).toBe('JOB_CANCELED');
    expect(jobCancelled(result.details).message).toBe(`Job 'word-count' (${JOB_ID}) was cancelled`);
  });

  it('throws JOB_FAILED with the root cause on FAILED', async () => {
    const script = scripted(['RUNNING', 'FAILING', 'FAILED'], {
      rootException: 'FreshetError: task failed\n    at map (job.ts:3:9)',
      timestamp: 5,
      entries: [],
    });
    const error = await rejection(awaitRemoteJobResult(script.source, JOB_ID, { sleep: script.sleep }));
    expect(error.code).toBe('JOB_FAILED');
    expect(error.message).toBe(`Job 'word-count' (${JOB_ID}) failed: FreshetError: task failed`);
  });

  it('says so when a failed job has no exception', async () => {
    const script = scripted(['FAILED']);
    const error = await rejection(awaitRemoteJobResult(script.source, JOB_ID, { sleep: script.sleep }));
    expect(error.message).toContain('failed: unknown cause');
  });
});

describe('rootCauseOf', () => {
  const entry = (stacktrace: string) => ({
    exceptionName: 'Error',
    stacktrace,
    timestamp: 1,
    taskName: undefined,
    location: undefined,
  });

  it('prefers root-exception, else the newest history entry, first non-blank line', () => {
    expect(
      rootCauseOf({ ...NO_EXCEPTIONS, rootException: '\nError: boom\n  at x', entries: [entry('other')] }),
    ).toBe('Error: boom');
    expect(
      rootCauseOf({ ...NO_EXCEPTIONS, entries: [entry('Error: newest\n at y'), entry('Error: old')] }),
    ).toBe('Error: newest');
    expect(rootCauseOf(NO_EXCEPTIONS)).toBeUndefined();
  });
});
