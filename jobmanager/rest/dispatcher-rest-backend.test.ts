/**
 * DispatcherRestBackend behind the real RestServer, over a real Dispatcher + SlotPool whose one
 * TaskManager is a TestingTaskExecutorGateway: bundles go up as multipart uploads, run through the
 * JobGraphBuilder's worker (compiled, from dist/: `npm run build` first), and the job's subtasks
 * land on the testing gateway, which the test then plays the TaskManager for.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { bundleJobToTempFile } from '../../cli/bundle/job-bundler.js';
import { providedModuleUrls } from '../../cli/program/job-program.js';
import { Configuration } from '../../common/config/configuration.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import { JobId, ResourceId } from '../../common/ids.js';
import type { ExecutionState } from '../../common/job-status.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { TestingTaskExecutorGateway } from '../../test/support/testing-gateways.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';
import { JarStore } from '../dispatcher/jar-store.js';
import { JobGraphBuilder } from '../dispatcher/job-graph-builder.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import type { JobFailure } from '../scheduler/failure-history.js';
import {
  aggregateJobVertexState,
  DispatcherRestBackend,
  type DispatcherRestBackendOptions,
  type JobView,
} from './dispatcher-rest-backend.js';
import type { ClusterOverviewJson, ConfigurationInfoJson, JarListInfoJson } from './flink-cluster-json.js';
import type {
  JobDetailsInfoJson,
  JobDetailsJson,
  JobDetailsVertexInfoJson,
  JobExceptionsInfoJson,
} from './flink-job-json.js';
import { RestServer } from './rest-server.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import { multipartBody } from './testing/testing-multipart.js';

const BOUNDARY = '----freshet-dispatcher-backend-test';
const SLOTS = 4;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface ErrorBody {
  readonly errors: readonly string[];
}

/** A reply whose body is `T` on success and `{ errors }` otherwise (tests know which they expect). */
interface Reply<T = ErrorBody> {
  readonly status: number;
  readonly body: T & Partial<ErrorBody>;
}

interface JobsJson {
  readonly jobs: readonly { readonly id: string; readonly status: string }[];
}

async function startCluster(gateway = new TestingTaskExecutorGateway()) {
  const jarDir = mkdtempSync(join(tmpdir(), 'freshet-rest-backend-'));
  cleanups.push(() => rmSync(jarDir, { recursive: true, force: true }));
  const slotPool = new SlotPool();
  slotPool.registerTaskManager(ResourceId.of('tm-1'), gateway, SLOTS);
  const dispatcher = new Dispatcher(slotPool);
  const backend = new DispatcherRestBackend({
    dispatcher,
    slotPool,
    jarStore: new JarStore(jarDir),
    jobGraphBuilder: new JobGraphBuilder({ providedModules: providedModuleUrls() }),
    configuration: Configuration.fromMap({ 'parallelism.default': 3, 'rest.auth.token': 'hunter2' }),
    versionInfo: { version: 'freshet-0.1.0', revision: 'unknown' },
    taskManagers: () => [
      {
        id: 'tm-1',
        path: 'in-process',
        dataPort: -1,
        slotsNumber: SLOTS,
        freeSlots: slotPool.freeSlots(),
        lastHeartbeat: 0,
      },
    ],
  });
  const server = await RestServer.start({ host: '127.0.0.1', port: 0, backend, maxContentLength: 64 << 20 });
  cleanups.push(() => server.close());
  const call = async <T = ErrorBody>(
    method: string,
    path: string,
    init: RequestInit = {},
  ): Promise<Reply<T>> => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, method });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? undefined : JSON.parse(text)) as Reply<T>['body'],
    };
  };
  const upload = (filename: string, data: Buffer): Promise<Reply<{ readonly filename: string }>> =>
    call('POST', '/jars/upload', {
      body: multipartBody(BOUNDARY, [{ name: 'jarfile', filename, data }]),
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
  const run = (jarId: string, body: unknown = {}): Promise<Reply<{ readonly jobid: string }>> =>
    call('POST', `/jars/${jarId}/run`, {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  /** Plays the TaskManager: reports `state` for every subtask of `jobId` deployed so far. */
  const report = (jobId: string, state: ExecutionState): void => {
    for (const tdd of gateway.submitted.filter((t) => t.job.jobId === jobId)) {
      dispatcher.updateTaskExecutionState({
        jobId: tdd.job.jobId,
        executionAttemptId: tdd.executionAttemptId,
        state,
      });
    }
  };
  return { jarDir, slotPool, gateway, dispatcher, call, upload, run, report };
}

async function waitFor(what: string, condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const jarIdOf = (reply: Reply<{ readonly filename: string }>): string =>
  reply.body.filename.split('/').pop()!;

async function datagenBundle(): Promise<Buffer> {
  const path = await bundleJobToTempFile(
    new URL('../../test/fixtures/jobs/datagen-keyed-sum.ts', import.meta.url).pathname,
  );
  return readFileSync(path);
}

function bundleWithMain(body: string): Buffer {
  return Buffer.from(
    [
      '/* freshet job bundle v1 */',
      "const { StreamExecutionEnvironment } = require('freshet');",
      `module.exports.default = async function main(args) { ${body} };`,
    ].join('\n'),
  );
}

describe('DispatcherRestBackend over HTTP', () => {
  it('uploads a bundle, runs it onto the TaskManager, shows it, and cancels it', async () => {
    const c = await startCluster();

    const uploaded = await c.upload('datagen-keyed-sum.js', await datagenBundle());
    expect(uploaded.status).toBe(200);
    expect(flinkSpecViolations('/jars/upload', 'POST', uploaded.status, uploaded.body)).toEqual([]);
    const jarId = jarIdOf(uploaded);
    expect(uploaded.body.filename).toBe(join(c.jarDir, jarId));
    const jars = await c.call<JarListInfoJson>('GET', '/jars');
    expect(flinkSpecViolations('/jars', 'GET', jars.status, jars.body)).toEqual([]);
    expect(jars.body.files).toEqual([
      expect.objectContaining({
        id: jarId,
        name: 'datagen-keyed-sum.js',
        entry: [{ name: 'main', description: null }],
      }),
    ]);

    const ran = await c.run(jarId, { programArgsList: ['--rate', '5'], parallelism: 2 });
    expect(ran.status).toBe(200);
    expect(flinkSpecViolations('/jars/{jarid}/run', 'POST', ran.status, ran.body)).toEqual([]);
    const jobId = ran.body.jobid;

    // Two vertices at parallelism 2: four subtasks in two shared slots.
    await waitFor('the job to be deployed', () => c.gateway.submitted.length === 4);
    const tdd: TaskDeploymentDescriptor = c.gateway.submitted[0]!;
    expect(tdd.job).toMatchObject({
      jobId,
      jobName: 'datagen-keyed-sum',
      code: { kind: 'bundle', path: join(c.jarDir, jarId), programArgs: ['--rate', '5'], bundleId: jarId },
      defaultParallelism: 2,
    });
    expect(tdd.job.configuration['parallelism.default']).toBe('3');

    const overview = await c.call<{ readonly jobs: readonly JobDetailsJson[] }>('GET', '/jobs/overview');
    expect(flinkSpecViolations('/jobs/overview', 'GET', overview.status, overview.body)).toEqual([]);
    expect(overview.body.jobs).toEqual([
      expect.objectContaining({ jid: jobId, name: 'datagen-keyed-sum', state: 'RUNNING', 'end-time': -1 }),
    ]);
    expect(overview.body.jobs[0]!.tasks).toMatchObject({ total: 4, deploying: 4, running: 0 });

    c.report(jobId, 'RUNNING');
    const details = await c.call<JobDetailsInfoJson>('GET', `/jobs/${jobId}`);
    expect(flinkSpecViolations('/jobs/{jobid}', 'GET', details.status, details.body)).toEqual([]);
    expect(details.body.state).toBe('RUNNING');
    expect(details.body['start-time']).toBeGreaterThan(0);
    expect(details.body.timestamps.RUNNING).toBeGreaterThanOrEqual(details.body.timestamps.CREATED);
    const [source, sum] = details.body.vertices as [JobDetailsVertexInfoJson, JobDetailsVertexInfoJson];
    expect(source).toMatchObject({ name: 'Source: readings', parallelism: 2, status: 'RUNNING' });
    expect(source.tasks).toMatchObject({ RUNNING: 2, DEPLOYING: 0 });
    expect(source.metrics).toMatchObject({ 'read-records': 0, 'read-records-complete': false });
    expect(sum.name).toMatch(/^summer/);
    expect(details.body.plan.nodes[1]!.inputs).toEqual([
      { num: 0, id: source.id, ship_strategy: 'HASH', exchange: 'pipelined_bounded' },
    ]);

    const cluster = await c.call<ClusterOverviewJson>('GET', '/overview');
    expect(flinkSpecViolations('/overview', 'GET', cluster.status, cluster.body)).toEqual([]);
    expect(cluster.body).toMatchObject({
      taskmanagers: 1,
      'slots-total': SLOTS,
      'slots-available': SLOTS - 2,
      'jobs-running': 1,
    });

    const cancel = await c.call('PATCH', `/jobs/${jobId}?mode=cancel`);
    expect(cancel.status).toBe(202);
    expect(new Set(c.gateway.canceled)).toEqual(
      new Set(c.gateway.submitted.map((t) => t.executionAttemptId)),
    );
    c.report(jobId, 'CANCELED');
    expect((await c.call<JobsJson>('GET', '/jobs')).body.jobs).toEqual([{ id: jobId, status: 'CANCELED' }]);
    expect((await c.call<ClusterOverviewJson>('GET', '/overview')).body).toMatchObject({
      'jobs-running': 0,
      'jobs-cancelled': 1,
      'slots-available': SLOTS,
    });
    // Cancelling a cancelled job again is fine, as in Flink.
    expect((await c.call('PATCH', `/jobs/${jobId}`)).status).toBe(202);

    expect((await c.call('DELETE', `/jars/${jarId}`)).status).toBe(200);
    expect((await c.call<JarListInfoJson>('GET', '/jars')).body.files).toEqual([]);
  });

  it("shows a task's failure under /jobs/:jobid/exceptions", async () => {
    const c = await startCluster();
    const jarId = jarIdOf(await c.upload('datagen.js', await datagenBundle()));
    const jobId = (await c.run(jarId, { parallelism: 1 })).body.jobid;
    await waitFor('the job to be deployed', () => c.gateway.submitted.length === 2);
    const failing = c.gateway.submitted[1]!;
    c.dispatcher.updateTaskExecutionState({
      jobId: failing.job.jobId,
      executionAttemptId: failing.executionAttemptId,
      state: 'FAILED',
      error: serializeError(new TypeError('poison record')),
    });

    const reply = await c.call<JobExceptionsInfoJson>('GET', `/jobs/${jobId}/exceptions`);
    expect(flinkSpecViolations('/jobs/{jobid}/exceptions', 'GET', reply.status, reply.body)).toEqual([]);
    const [entry] = reply.body.exceptionHistory.entries;
    expect(entry?.taskName).toMatch(/^summer.* \(1\/1\)/);
    expect(entry?.stacktrace).toContain('poison record');
    expect(reply.body['root-exception']).toBe(entry?.stacktrace);
  });

  it('answers 404 for unknown jobs and jars', async () => {
    const c = await startCluster();
    const jobId = JobId.generate();
    const jarId = '0a1b2c3d-0000-4000-8000-000000000000_missing.js';
    for (const [method, path] of [
      ['GET', `/jobs/${jobId}`],
      ['PATCH', `/jobs/${jobId}`],
      ['GET', `/jobs/${jobId}/exceptions`],
      ['DELETE', `/jars/${jarId}`],
      ['POST', `/jars/${jarId}/run`],
      ['POST', `/jars/not-an-upload.js/run`],
    ] as const) {
      const reply = await c.call(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.body.errors?.[0]).toMatch(/not found/);
    }
  });

  it('answers 400 with the reason when a jar is not a bundle or its main() fails, and 409 on a taken job ID', async () => {
    const c = await startCluster();
    const malformed = await c.upload('job.js', Buffer.from('export default function main() {}'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]).toMatch(
      /^job\.js is not a job bundle: it does not parse as a CommonJS module/,
    );
    expect(readdirSync(c.jarDir)).toEqual([]);

    const throwing = jarIdOf(
      await c.upload('throwing.js', bundleWithMain("throw new Error('missing --topic');")),
    );
    const failed = await c.run(throwing);
    expect(failed.status).toBe(400);
    expect(failed.body.errors).toEqual(["the job's main() threw: missing --topic"]);

    const idle = jarIdOf(
      await c.upload('idle.js', bundleWithMain('StreamExecutionEnvironment.getExecutionEnvironment();')),
    );
    expect((await c.run(idle)).body.errors?.[0]).toMatch(/without calling execute\(\)/);

    const job = bundleWithMain(
      "const env = StreamExecutionEnvironment.getExecutionEnvironment(); env.fromElements(1).print(); await env.execute('tiny');",
    );
    const jarId = jarIdOf(await c.upload('tiny.js', job));
    const savepointPath = join(c.jarDir, 'no-such-savepoint');
    const savepoint = await c.run(jarId, { savepointPath });
    expect(savepoint.status).toBe(400);
    expect(savepoint.body.errors?.[0]).toMatch(/^cannot find checkpoint metadata file .*no-such-savepoint/);
    expect(c.dispatcher.listJobs()).toHaveLength(0);

    const jobId = JobId.generate();
    expect((await c.run(jarId, { jobId })).body).toEqual({ jobid: jobId });
    const again = await c.run(jarId, { jobId });
    expect(again.status).toBe(409);
    expect(again.body.errors?.[0]).toMatch(/already submitted/);
    expect(c.dispatcher.listJobs()).toHaveLength(1);
  });

  it('answers 409 when cancelling a job that already finished', async () => {
    const c = await startCluster();
    const jarId = jarIdOf(
      await c.upload(
        'tiny.js',
        bundleWithMain(
          "const env = StreamExecutionEnvironment.getExecutionEnvironment(); env.fromElements(1).print(); await env.execute('tiny');",
        ),
      ),
    );
    const jobId = (await c.run(jarId)).body.jobid;
    await waitFor('the job to be deployed', () => c.gateway.submitted.length > 0);
    c.report(jobId, 'FINISHED');
    const overview = (await c.call<{ readonly jobs: readonly JobDetailsJson[] }>('GET', '/jobs/overview'))
      .body.jobs[0]!;
    expect(overview.state).toBe('FINISHED');
    expect(overview['end-time']).toBeGreaterThanOrEqual(overview['start-time']);
    const reply = await c.call('PATCH', `/jobs/${jobId}`);
    expect(reply.status).toBe(409);
    expect(reply.body.errors?.[0]).toMatch(/already ended FINISHED/);
  });

  it('uses the configured parallelism.default when the run request gives none, and hides secrets in /config', async () => {
    const c = await startCluster();
    const jarId = jarIdOf(await c.upload('datagen.js', await datagenBundle()));
    const jobId = (await c.run(jarId)).body.jobid;
    await waitFor('the job to be deployed', () => c.gateway.submitted.length === 6);
    expect(c.gateway.submitted.every((t) => t.job.jobId === jobId && t.parallelism === 3)).toBe(true);

    const config = await c.call<ConfigurationInfoJson>('GET', '/jobmanager/config');
    expect(flinkSpecViolations('/jobmanager/config', 'GET', config.status, config.body)).toEqual([]);
    expect(config.body).toContainEqual({ key: 'rest.auth.token', value: '******' });
    expect(config.body).toContainEqual({ key: 'parallelism.default', value: '3' });
  });
});

/** A TaskManager that accepts deployments but never confirms them. */
class SilentTaskExecutorGateway extends TestingTaskExecutorGateway {
  override submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    this.submitted.push(tdd);
    return new Promise<void>(() => {});
  }
}

describe('DispatcherRestBackend.runJar', () => {
  it('answers with the job ID while the JobMaster is still deploying', async () => {
    const c = await startCluster(new SilentTaskExecutorGateway());
    const jarId = jarIdOf(await c.upload('datagen.js', await datagenBundle()));
    const ran = await c.run(jarId, { parallelism: 1 });
    expect(ran.status).toBe(200);
    // JobMaster.start() is stuck on its first submitTask, yet the job is there.
    expect(c.gateway.submitted).toHaveLength(1);
    expect((await c.call<JobsJson>('GET', '/jobs')).body.jobs).toEqual([
      { id: ran.body.jobid, status: 'RUNNING' },
    ]);
  });

  function stubbedBackend(
    dispatcher: DispatcherRestBackendOptions['dispatcher'],
    onJobStartError?: (jobId: JobId, error: Error) => void,
  ) {
    const jarDir = mkdtempSync(join(tmpdir(), 'freshet-rest-backend-'));
    cleanups.push(() => rmSync(jarDir, { recursive: true, force: true }));
    const jarStore = new JarStore(jarDir);
    const jarId = jarStore.store('job.js', bundleWithMain('')).id;
    const jobGraph = { jobName: 'stub', graphHash: 'h', vertices: [] } as unknown as JobGraph;
    const backend = new DispatcherRestBackend({
      dispatcher,
      slotPool: new SlotPool(),
      jarStore,
      jobGraphBuilder: { build: () => Promise.resolve({ jobGraph }) },
      configuration: new Configuration(),
      versionInfo: { version: 'v', revision: 'r' },
      taskManagers: () => [],
      ...(onJobStartError === undefined ? {} : { onJobStartError }),
    });
    return { backend, jarId };
  }

  it('reports a JobMaster that fails to start after the answer to onJobStartError', async () => {
    const masters: JobView[] = [];
    const failures: { jobId: JobId; error: Error }[] = [];
    const startFailure = new Error('slot request failed');
    const { backend, jarId } = stubbedBackend(
      {
        submitJob: (job) => {
          masters.push({ jobId: job.jobId } as JobView);
          return Promise.reject(startFailure);
        },
        getJob: () => masters[0]!,
        listJobs: () => masters,
      },
      (jobId, error) => failures.push({ jobId, error }),
    );
    const jobId = await backend.runJar(jarId, { programArgsList: [], allowNonRestoredState: false });
    await waitFor('the start failure to be reported', () => failures.length === 1);
    expect(failures).toEqual([{ jobId, error: startFailure }]);
  });

  it('waits for a Dispatcher that registers jobs only once started, and passes its error on', async () => {
    const { backend, jarId } = stubbedBackend({
      submitJob: () => Promise.reject(new UserError('NOT_ENOUGH_SLOTS', 'not enough slots: need 1, have 0')),
      getJob: () => {
        throw new UserError('UNKNOWN_JOB', 'not found');
      },
      listJobs: () => [],
    });
    await expect(
      backend.runJar(jarId, { programArgsList: [], allowNonRestoredState: false }),
    ).rejects.toThrow('not enough slots');
  });
});

describe('DispatcherRestBackend.jobExceptions', () => {
  function backendWithFailures(failureHistory: readonly JobFailure[]) {
    const jobId = JobId.generate();
    const master = {
      jobId,
      status: 'RUNNING',
      job: { jobId, jobName: 'flaky' },
      jobGraph: { vertices: [] } as unknown as JobGraph,
      executionGraph: { statusTimestamps: new Map(), stateCounts: () => ({}) },
      failureHistory,
      cancel: () => {},
    } as unknown as JobView;
    const jarDir = mkdtempSync(join(tmpdir(), 'freshet-rest-backend-'));
    cleanups.push(() => rmSync(jarDir, { recursive: true, force: true }));
    const options: DispatcherRestBackendOptions = {
      dispatcher: {
        getJob: (id) => {
          if (id !== jobId) throw new UserError('UNKNOWN_JOB', `job ${id} not found`);
          return master;
        },
        listJobs: () => [master],
        submitJob: () => Promise.reject(new Error('not here')),
      },
      slotPool: new SlotPool(),
      jarStore: new JarStore(jarDir),
      jobGraphBuilder: { build: () => Promise.reject(new Error('not here')) },
      configuration: new Configuration(),
      versionInfo: { version: 'v', revision: 'r' },
      taskManagers: () => [],
    };
    return { jobId, backend: new DispatcherRestBackend(options) };
  }

  it('lists failures newest first with name, stack and causes, task and location', () => {
    const root = new TypeError('bad record');
    const wrapped = new FreshetError('TASK_FAILED', 'Map (1/2) failed: bad record', { cause: root });
    const concurrent = new Error('downstream gone');
    const first = new Error('first');
    const { jobId, backend } = backendWithFailures([
      { timestamp: 1000, error: first, concurrent: [] },
      {
        timestamp: 2000,
        error: wrapped,
        taskName: 'Map (1/2)',
        taskManagerId: 'tm-1',
        location: '127.0.0.1:41000',
        concurrent: [{ timestamp: 2001, error: concurrent, taskName: 'Sink (2/2)', concurrent: [] }],
      },
    ]);

    const { entries } = backend.jobExceptions(jobId);
    expect(entries.map((e) => e.timestamp)).toEqual([2000, 1000]);
    expect(entries[0]).toMatchObject({
      exceptionName: 'FreshetError',
      taskName: 'Map (1/2)',
      taskManagerId: 'tm-1',
      location: '127.0.0.1:41000',
    });
    expect(entries[0]!.stacktrace).toMatch(/^FreshetError: Map \(1\/2\) failed: bad record\n\s+at /);
    expect(entries[0]!.stacktrace).toContain('\nCaused by: TypeError: bad record\n');
    expect(entries[0]!.concurrentExceptions).toEqual([
      { exceptionName: 'Error', stacktrace: concurrent.stack, timestamp: 2001, taskName: 'Sink (2/2)' },
    ]);
    expect(entries[1]).toEqual({
      exceptionName: 'Error',
      stacktrace: first.stack,
      timestamp: 1000,
      concurrentExceptions: [],
    });
    expect(() => backend.jobExceptions(JobId.generate())).toThrow(/not found/);
  });
});

describe('aggregateJobVertexState', () => {
  it.each([
    [{ RUNNING: 3, FAILED: 1 }, 4, 'FAILED'],
    [{ RUNNING: 3, CANCELING: 1, CANCELED: 1 }, 5, 'CANCELING'],
    [{ FINISHED: 3, CANCELED: 1 }, 4, 'CANCELED'],
    [{ RUNNING: 1, INITIALIZING: 1 }, 2, 'INITIALIZING'],
    [{ RUNNING: 1, DEPLOYING: 1 }, 2, 'RUNNING'],
    [{ RUNNING: 1, FINISHED: 1 }, 2, 'RUNNING'],
    [{ FINISHED: 1, DEPLOYING: 1 }, 2, 'RUNNING'],
    [{ FINISHED: 2 }, 2, 'FINISHED'],
    [{ DEPLOYING: 2 }, 2, 'CREATED'],
    [{ SCHEDULED: 1, CREATED: 1 }, 2, 'CREATED'],
  ] as const)('%j of %i subtasks is %s', (counts, parallelism, expected) => {
    expect(aggregateJobVertexState(counts, parallelism)).toBe(expected);
  });
});
