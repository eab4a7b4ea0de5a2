/** Job values for REST tests: a running two-vertex job (source → sink) and a failure history. */
import { JobId } from '../../../common/ids.js';
import type { JobDetails, JobExceptionHistory, VertexIoMetrics } from '../rest-backend.js';

export const T0 = 1_700_000_000_000;

const NO_IO: VertexIoMetrics = {
  readBytes: 0,
  readBytesComplete: true,
  writeBytes: 0,
  writeBytesComplete: true,
  readRecords: 0,
  readRecordsComplete: true,
  writeRecords: 0,
  writeRecordsComplete: true,
};

export function testingJobDetails(overrides: Partial<JobDetails> = {}): JobDetails {
  const jobId = overrides.jobId ?? JobId.generate();
  return {
    jobId,
    name: 'word-count',
    status: 'RUNNING',
    isStoppable: false,
    startTime: T0,
    maxParallelism: 128,
    statusTimestamps: { INITIALIZING: T0, CREATED: T0 + 5, RUNNING: T0 + 50 },
    vertices: [
      {
        id: 'bc764cd8ddf7a0cff126f51c16239658',
        name: 'Source: words',
        parallelism: 2,
        maxParallelism: 128,
        status: 'RUNNING',
        startTime: T0 + 60,
        tasks: { RUNNING: 2 },
        metrics: { ...NO_IO, writeBytes: 2048, writeRecords: 100 },
      },
      {
        id: '0a448493b4782967b150582570326227',
        name: 'Sink: print',
        parallelism: 2,
        status: 'DEPLOYING',
        tasks: { DEPLOYING: 1, RUNNING: 1 },
        metrics: { ...NO_IO, readBytes: 1024, readRecords: 50, readRecordsComplete: false },
      },
    ],
    plan: {
      nodes: [
        {
          id: 'bc764cd8ddf7a0cff126f51c16239658',
          parallelism: 2,
          operator: '',
          operatorStrategy: '',
          description: 'Source: words',
          inputs: [],
        },
        {
          id: '0a448493b4782967b150582570326227',
          parallelism: 2,
          operator: '',
          operatorStrategy: '',
          description: 'Sink: print',
          inputs: [
            {
              id: 'bc764cd8ddf7a0cff126f51c16239658',
              num: 0,
              shipStrategy: 'HASH',
              exchange: 'pipelined_bounded',
            },
          ],
        },
      ],
    },
    ...overrides,
  };
}

export function testingExceptionHistory(): JobExceptionHistory {
  return {
    entries: [
      {
        exceptionName: 'FreshetError',
        stacktrace: 'FreshetError: task failed\n    at map (job.ts:3:9)',
        timestamp: T0 + 2000,
        taskName: 'Map (1/2)',
        location: '127.0.0.1:41000',
        taskManagerId: 'tm-1',
        concurrentExceptions: [
          {
            exceptionName: 'Error',
            stacktrace: 'Error: downstream gone',
            timestamp: T0 + 2001,
            taskName: 'Sink: print (2/2)',
          },
        ],
      },
      {
        exceptionName: 'Error',
        stacktrace: 'Error: first failure',
        timestamp: T0 + 1000,
        failureLabels: { type: 'user' },
        concurrentExceptions: [],
      },
    ],
  };
}
