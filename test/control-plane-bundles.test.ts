/**
 * The control plane's TaskManager → JobManager requests over a real WebSocket: fetching a stored
 * job bundle (and the failure for an unknown one), and task I/O counters riding on heartbeats.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FreshetError } from '../common/errors/freshet-error.js';
import { ExecutionAttemptId, JobId, ResourceId } from '../common/ids.js';
import type { TaskMetricsReport } from '../common/protocol/gateways.js';
import { ResourceManagerEndpoint } from '../jobmanager/rpc/resource-manager-endpoint.js';
import { JobManagerConnection } from '../taskmanager/rpc/job-manager-connection.js';
import { BundleCache } from '../taskmanager/taskexecutor/bundle-cache.js';
import { waitFor } from './support/cli.js';
import { WAIT_MS } from './support/raw-rpc-peer.js';
import { TestingJobMasterGateway, TestingTaskExecutorGateway } from './support/testing-gateways.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const BUNDLE = Buffer.from('"use strict";\nmodule.exports = { default: async () => {} };\n');

async function connected(taskMetrics?: () => readonly TaskMetricsReport[]) {
  const metrics: { resourceId: string; reports: readonly TaskMetricsReport[] }[] = [];
  const fetched: string[] = [];
  const errors: FreshetError[] = [];
  const endpoint = await ResourceManagerEndpoint.start({
    host: '127.0.0.1',
    port: 0,
    heartbeatIntervalMs: 50,
    heartbeatTimeoutMs: 1000,
    jobMaster: new TestingJobMasterGateway(),
    onTaskManagerRegistered: () => {},
    onTaskManagerLost: () => {},
    onConnectionError: (error) => errors.push(error),
    onTaskMetrics: (resourceId, reports) => metrics.push({ resourceId, reports }),
    fetchBundle: (bundleId) => {
      fetched.push(bundleId);
      return bundleId === 'abc_job.bundle.js'
        ? Promise.resolve(BUNDLE)
        : Promise.reject(new FreshetError('UNKNOWN_JAR', `jar ${bundleId} not found`));
    },
  });
  cleanups.push(() => endpoint.close());
  const connection = await JobManagerConnection.connect({
    url: `ws://127.0.0.1:${endpoint.port}`,
    resourceId: ResourceId.of('tm-1'),
    host: '127.0.0.1',
    dataPort: 41000,
    numberOfSlots: 1,
    taskExecutor: new TestingTaskExecutorGateway(),
    heartbeat: { intervalMs: 50, timeoutMs: 1000 },
    ...(taskMetrics === undefined ? {} : { taskMetrics }),
    onDisconnected: () => {},
    onError: (error) => errors.push(error),
  });
  cleanups.push(() => connection.close());
  return { connection, metrics, fetched, errors };
}

describe('control plane: TaskManager requests', () => {
  it('fetches a stored bundle, and gets the JobManager error for an unknown one', async () => {
    const c = await connected();
    expect(Buffer.from(await c.connection.fetchBundle('abc_job.bundle.js'))).toEqual(BUNDLE);
    await expect(c.connection.fetchBundle('nope.js')).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError && e.code === 'UNKNOWN_JAR' && /nope\.js not found/.test(e.message),
    );
    expect(c.fetched).toEqual(['abc_job.bundle.js', 'nope.js']);
    expect(c.errors).toEqual([]);
  });

  it('caches a fetched bundle on disk and fetches it once for concurrent deployments', async () => {
    const c = await connected();
    const dir = join(await mkdtemp(join(tmpdir(), 'freshet-bundle-cache-')), 'bundles');
    const cache = new BundleCache(dir, (id) => c.connection.fetchBundle(id));
    cleanups.push(() => cache.clear());
    const [a, b] = await Promise.all([
      cache.localPath('abc_job.bundle.js'),
      cache.localPath('abc_job.bundle.js'),
    ]);
    expect(a).toBe(join(dir, 'abc_job.bundle.js'));
    expect(b).toBe(a);
    expect(await readFile(a)).toEqual(BUNDLE);
    expect(c.fetched).toEqual(['abc_job.bundle.js']);
    await expect(cache.localPath('../escape.js')).rejects.toThrow(/not a plain file name/);
    await expect(cache.localPath('missing.js')).rejects.toThrow(
      /could not fetch job bundle missing\.js from the JobManager: jar missing\.js not found/,
    );
  });

  it('sends running tasks’ I/O counters with its heartbeat answers', async () => {
    const report: TaskMetricsReport = {
      jobId: JobId.generate(),
      executionAttemptId: ExecutionAttemptId.generate(),
      recordsIn: 3,
      recordsOut: 4,
      bytesIn: 300,
      bytesOut: 400,
    };
    const c = await connected(() => [report]);
    await waitFor(() => c.metrics.length > 0, WAIT_MS, 'task metrics at the JobManager');
    expect(c.metrics[0]).toEqual({ resourceId: 'tm-1', reports: [report] });
  });
});
