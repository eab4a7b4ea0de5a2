import { afterEach, describe, expect, it } from 'vitest';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import {
  RUNNING_JOB_ID as JOB_ID,
  startServerWithJobs,
  stopTestingRestServers,
  TEST_NOW,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

const UNKNOWN_JOB_ID = 'ffffffffffffffffffffffffffffffff';

describe('RestServer cluster endpoints', () => {
  it('GET /overview answers Flink ClusterOverviewWithVersion', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', '/overview');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(flinkSpecViolations('/overview', 'GET', reply.status, reply.body)).toEqual([]);
    expect(reply.body).toEqual({
      taskmanagers: 2,
      'taskmanagers-blocked': 0,
      'slots-total': 4,
      'slots-available': 1,
      'slots-free-and-blocked': 0,
      'jobs-running': 1,
      'jobs-finished': 2,
      'jobs-cancelled': 3,
      'jobs-failed': 4,
      'flink-version': 'freshet-0.1.0',
      'flink-commit': 'unknown',
    });
  });

  it('serves every path under /v1 as well', async () => {
    const rest = await startServerWithJobs();
    const plain = await rest.call('GET', '/overview');
    const versioned = await rest.call('GET', '/v1/overview');
    expect(versioned).toMatchObject({ status: 200, body: plain.body });
    expect((await rest.call('GET', `/v1/jobs/${JOB_ID}`)).status).toBe(200);
  });

  it('GET /config answers the dashboard configuration, /jobmanager/config the entries', async () => {
    const rest = await startServerWithJobs();
    const dashboard = await rest.call('GET', '/config');
    expect(flinkSpecViolations('/config', 'GET', dashboard.status, dashboard.body)).toEqual([]);
    expect(dashboard.body).toMatchObject({ 'flink-version': 'freshet-0.1.0', 'refresh-interval': 3000 });
    const entries = await rest.call('GET', '/jobmanager/config');
    expect(flinkSpecViolations('/jobmanager/config', 'GET', entries.status, entries.body)).toEqual([]);
    expect(entries.body).toEqual([
      { key: 'rest.port', value: '8081' },
      { key: 'rest.auth.token', value: '******' },
    ]);
  });

  it('GET /taskmanagers answers TaskManagersInfo with -1 for what is not known', async () => {
    const rest = await startServerWithJobs();
    const reply = await rest.call('GET', '/taskmanagers');
    expect(flinkSpecViolations('/taskmanagers', 'GET', reply.status, reply.body)).toEqual([]);
    expect(reply.body).toMatchObject({
      taskmanagers: [
        {
          id: 'tm-1',
          path: 'ws://127.0.0.1:6123/tm-1',
          dataPort: 41000,
          jmxPort: -1,
          timeSinceLastHeartbeat: TEST_NOW - 500,
          slotsNumber: 2,
          freeSlots: 1,
          hardware: { cpuCores: 8, physicalMemory: 16e9, freeMemory: -1, managedMemory: -1 },
          memoryConfiguration: { taskHeap: 512 * 1024 * 1024, networkMemory: -1 },
          blocked: false,
        },
      ],
    });
  });
});

describe('RestServer errors', () => {
  it.each([
    ['GET', `/jobs/${UNKNOWN_JOB_ID}`],
    ['GET', `/jobs/${UNKNOWN_JOB_ID}/exceptions`],
    ['PATCH', `/jobs/${UNKNOWN_JOB_ID}?mode=cancel`],
  ])('%s %s for an unknown job is 404 with errors', async (method, path) => {
    const rest = await startServerWithJobs();
    const reply = await rest.call(method, path);
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ errors: [`job ${UNKNOWN_JOB_ID} not found`] });
  });

  it.each(['not-a-job', '0123456789abcdef', '0123456789abcdef0123456789abcdeg'])(
    'a malformed job ID (%s) is 400 naming it',
    async (bad) => {
      const rest = await startServerWithJobs();
      for (const [method, path] of [
        ['GET', `/jobs/${bad}`],
        ['PATCH', `/jobs/${bad}?mode=cancel`],
        ['GET', `/jobs/${bad}/exceptions`],
      ] as const) {
        const reply = await rest.call(method, path);
        expect(reply.status).toBe(400);
        expect(reply.body).toEqual({ errors: [expect.stringContaining(`'${bad}' is not a valid job ID`)] });
      }
      expect(rest.backend.cancelled).toEqual([]);
    },
  );

  it('an unknown path is 404, a known path with another method 405 with Allow', async () => {
    const rest = await startServerWithJobs();
    const missing = await rest.call('GET', '/nope');
    expect(missing).toMatchObject({ status: 404, body: { errors: ['not found: GET /nope'] } });
    expect((await rest.call('GET', '/v2/overview')).status).toBe(404);
    expect((await rest.call('GET', '/jobs/overview/extra')).status).toBe(404);
    const wrong = await rest.call('PUT', '/jobs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(wrong.body).toEqual({ errors: [expect.stringContaining('PUT is not allowed on /jobs')] });
    expect((await rest.call('POST', '/overview')).status).toBe(405);
  });

  it('a backend bug is 500 with its message but no stack, and is reported', async () => {
    const rest = await startServerWithJobs();
    rest.backend.failWith('clusterOverview', new TypeError('cannot read slots of undefined'));
    const reply = await rest.call('GET', '/overview');
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ errors: ['internal server error: cannot read slots of undefined'] });
    expect(JSON.stringify(reply.body)).not.toContain('    at ');
    expect(rest.internalErrors).toHaveLength(1);
    // The server keeps serving.
    expect((await rest.call('GET', '/jobs')).status).toBe(200);
  });

  it('a thrown non-Error value is a 500 too', async () => {
    const rest = await startServerWithJobs();
    rest.backend.failWith('jobs', 'just a string');
    expect(await rest.call('GET', '/jobs')).toMatchObject({
      status: 500,
      body: { errors: [expect.stringContaining('just a string')] },
    });
  });

  it('close() ends keep-alive connections and frees the port', async () => {
    const rest = await startServerWithJobs();
    expect((await rest.call('GET', '/overview')).status).toBe(200);
    await rest.server.close();
    await expect(fetch(rest.url('/overview'))).rejects.toThrow();
  });
});
