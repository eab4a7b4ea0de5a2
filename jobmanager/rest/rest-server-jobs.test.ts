import { afterEach, describe, expect, it } from 'vitest';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import { T0 } from './testing/testing-job-fixtures.js';
import {
  RUNNING_JOB_ID as JOB_ID,
  startServerWithJobs,
  stopTestingRestServers,
  TEST_NOW,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

describe('RestServer job endpoints', () => {
  it('GET /jobs lists IDs with status', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', '/jobs');
    expect(flinkSpecViolations('/jobs', 'GET', reply.status, reply.body)).toEqual([]);
    expect((reply.body as { jobs: unknown[] }).jobs).toContainEqual({ id: JOB_ID, status: 'RUNNING' });
  });

  it('GET /jobs/overview answers MultipleJobsDetails with total and lower-case task counts', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', '/jobs/overview');
    expect(flinkSpecViolations('/jobs/overview', 'GET', reply.status, reply.body)).toEqual([]);
    const jobs = (reply.body as { jobs: Record<string, unknown>[] }).jobs;
    expect(jobs.find((j) => j['jid'] === JOB_ID)).toEqual({
      jid: JOB_ID,
      name: 'word-count',
      state: 'RUNNING',
      'start-time': T0,
      'end-time': -1,
      duration: TEST_NOW - T0,
      'last-modification': T0 + 50,
      tasks: {
        total: 4,
        created: 0,
        scheduled: 0,
        deploying: 1,
        initializing: 0,
        running: 3,
        finished: 0,
        canceling: 0,
        canceled: 0,
        failed: 0,
        reconciling: 0,
      },
    });
    expect(jobs.find((j) => j['name'] === 'finished-job')).toMatchObject({
      'end-time': T0 + 9000,
      duration: 9000,
    });
  });

  it('GET /jobs/:jobid answers JobDetailsInfo with vertices, metrics, timestamps and plan', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', `/jobs/${JOB_ID}`);
    expect(reply.status).toBe(200);
    expect(flinkSpecViolations('/jobs/{jobid}', 'GET', reply.status, reply.body)).toEqual([]);
    const body = reply.body as Record<string, unknown>;
    expect(body).toMatchObject({
      jid: JOB_ID,
      name: 'word-count',
      isStoppable: false,
      state: 'RUNNING',
      'start-time': T0,
      'end-time': -1,
      duration: TEST_NOW - T0,
      now: TEST_NOW,
      maxParallelism: 128,
      'status-counts': { RUNNING: 1, DEPLOYING: 1, FAILED: 0 },
    });
    expect(body['timestamps']).toMatchObject({ INITIALIZING: T0, RUNNING: T0 + 50, FINISHED: 0 });
    const [source, sink] = body['vertices'] as Record<string, unknown>[];
    expect(source).toMatchObject({
      id: 'bc764cd8ddf7a0cff126f51c16239658',
      name: 'Source: words',
      parallelism: 2,
      status: 'RUNNING',
      'start-time': T0 + 60,
      'end-time': -1,
      duration: TEST_NOW - T0 - 60,
      tasks: { RUNNING: 2, CREATED: 0 },
      metrics: {
        'write-records': 100,
        'write-bytes': 2048,
        'read-records': 0,
        'write-records-complete': true,
      },
    });
    expect(sink).toMatchObject({
      'start-time': -1,
      duration: -1,
      maxParallelism: -1,
      metrics: { 'read-records': 50, 'read-records-complete': false, 'read-bytes': 1024 },
    });
    expect(body['plan']).toMatchObject({
      jid: JOB_ID,
      type: 'STREAMING',
      nodes: [
        { id: 'bc764cd8ddf7a0cff126f51c16239658', inputs: [] },
        { inputs: [{ num: 0, id: 'bc764cd8ddf7a0cff126f51c16239658', ship_strategy: 'HASH' }] },
      ],
    });
  });

  it('accepts upper-case job IDs (Flink parses hex case-insensitively)', async () => {
    const rest = await startServerWithJobs();
    expect((await rest.call('GET', `/jobs/${JOB_ID.toUpperCase()}`)).status).toBe(200);
  });

  it('PATCH /jobs/:jobid?mode=cancel answers 202 {} and cancels in the backend', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('PATCH', `/jobs/${JOB_ID}?mode=cancel`);
    expect(reply).toMatchObject({ status: 202, body: {} });
    expect(flinkSpecViolations('/jobs/{jobid}', 'PATCH', reply.status, reply.body)).toEqual([]);
    expect(rest.backend.cancelled).toEqual([JOB_ID]);
    const jobs = (await rest.call('GET', '/jobs')).body as { jobs: unknown[] };
    expect(jobs.jobs).toContainEqual({ id: JOB_ID, status: 'CANCELLING' });
  });

  it('PATCH without mode cancels too; other modes are 400', async () => {
    const rest = await startServerWithJobs();
    expect((await rest.call('PATCH', `/jobs/${JOB_ID}`)).status).toBe(202);
    const stop = await rest.call('PATCH', `/jobs/${JOB_ID}?mode=stop`);
    expect(stop.status).toBe(400);
    expect(stop.body).toEqual({ errors: [expect.stringContaining('POST /jobs/:jobid/stop')] });
    expect((await rest.call('PATCH', `/jobs/${JOB_ID}?mode=nuke`)).status).toBe(400);
    expect(rest.backend.cancelled).toEqual([JOB_ID]);
  });

  it('cancelling a job that already ended is 409', async () => {
    const rest = await startServerWithJobs();
    const finished = rest.backend.jobs().find((j) => j.status === 'FINISHED')!;
    const reply = await rest.call('PATCH', `/jobs/${finished.jobId}?mode=cancel`);
    expect(reply).toMatchObject({ status: 409, body: { errors: [expect.stringContaining('FINISHED')] } });
  });

  it('GET /jobs/:jobid/exceptions answers the history and the deprecated root fields', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', `/jobs/${JOB_ID}/exceptions`);
    expect(flinkSpecViolations('/jobs/{jobid}/exceptions', 'GET', reply.status, reply.body)).toEqual([]);
    expect(reply.body).toMatchObject({
      'root-exception': 'FreshetError: task failed\n    at map (job.ts:3:9)',
      timestamp: T0 + 2000,
      'all-exceptions': [
        {
          exception: 'Error: downstream gone',
          task: 'Sink: print (2/2)',
          location: null,
          timestamp: T0 + 2001,
        },
      ],
      truncated: false,
      exceptionHistory: {
        truncated: false,
        entries: [
          {
            exceptionName: 'FreshetError',
            taskName: 'Map (1/2)',
            location: '127.0.0.1:41000',
            taskManagerId: 'tm-1',
            failureLabels: {},
            concurrentExceptions: [{ exceptionName: 'Error', taskName: 'Sink: print (2/2)' }],
          },
          { stacktrace: 'Error: first failure', failureLabels: { type: 'user' }, concurrentExceptions: [] },
        ],
      },
    });
    const capped = await rest.call('GET', `/jobs/${JOB_ID}/exceptions?maxExceptions=1`);
    expect(capped.body).toMatchObject({ truncated: true, exceptionHistory: { truncated: true } });
    expect(
      (capped.body as { exceptionHistory: { entries: unknown[] } }).exceptionHistory.entries,
    ).toHaveLength(1);
    expect((await rest.call('GET', `/jobs/${JOB_ID}/exceptions?maxExceptions=0`)).status).toBe(400);
  });

  it('answers a job without failures with empty exceptions', async () => {
    const rest = await startServerWithJobs();
    const finished = rest.backend.jobs().find((j) => j.status === 'FINISHED')!;
    const reply = await rest.call('GET', `/jobs/${finished.jobId}/exceptions`);
    expect(flinkSpecViolations('/jobs/{jobid}/exceptions', 'GET', reply.status, reply.body)).toEqual([]);
    expect(reply.body).toMatchObject({ 'root-exception': null, timestamp: null, 'all-exceptions': [] });
  });
});
