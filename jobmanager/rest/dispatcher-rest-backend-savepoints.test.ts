/**
 * DispatcherRestBackend's savepoints: triggering and stop-with-savepoint through a JobView (a
 * JobMaster in production), and running a jar from a savepoint through the Dispatcher's
 * `submitJob` options.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../api/graph/job-graph.js';
import {
  CheckpointMetadataNotFoundError,
  CorruptCheckpointMetadataError,
} from '../../common/checkpoint/checkpoint-storage-errors.js';
import { Configuration } from '../../common/config/configuration.js';
import { ErrorDomain, FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import { CheckpointException } from '../checkpoint/checkpoint-exception.js';
import type { SavepointRestoreSettings } from '../checkpoint/savepoint-restore.js';
import { JarStore } from '../dispatcher/jar-store.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import type { JobMaster } from '../scheduler/job-master.js';
import { DispatcherRestBackend, type DispatcherView, type JobView } from './dispatcher-rest-backend.js';
import type { CheckpointCoordinatorView } from './job-checkpoints.js';
import { RestServer } from './rest-server.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A JobMaster is a JobView: its triggerSavepoint fits the narrow view.
const _jobMasterIsAJobView = (master: JobMaster): JobView => master;

const COORDINATOR = {} as CheckpointCoordinatorView;

interface SavepointCall {
  readonly targetDirectory: string | undefined;
  readonly cancelJob: boolean;
}

interface StopCall {
  readonly targetDirectory: string | undefined;
  readonly drain: boolean;
}

/**
 * A JobView (with `state.savepoints.dir` set) whose savepoints and stops resolve with `outcome` (a
 * path, or the error to reject with).
 */
function view(overrides: Partial<JobView> = {}, outcome: string | Error = '/savepoints/savepoint-1') {
  const calls: SavepointCall[] = [];
  const stops: StopCall[] = [];
  const jobId = JobId.generate();
  const settle = () => (typeof outcome === 'string' ? Promise.resolve(outcome) : Promise.reject(outcome));
  const jobView = {
    jobId,
    status: 'RUNNING',
    checkpointCoordinator: COORDINATOR,
    defaultSavepointDirectory: 'file:///savepoints',
    triggerSavepoint: (targetDirectory: string | undefined, cancelJob: boolean) => {
      calls.push({ targetDirectory, cancelJob });
      return settle();
    },
    stopWithSavepoint: (targetDirectory: string | undefined, drain: boolean) => {
      stops.push({ targetDirectory, drain });
      return settle();
    },
    ...overrides,
  } as JobView;
  return { view: jobView, calls, stops };
}

function backendFor(dispatcher: Partial<DispatcherView>, views: JobView[] = []) {
  const jarDir = mkdtempSync(join(tmpdir(), 'freshet-rest-savepoints-'));
  cleanups.push(() => rmSync(jarDir, { recursive: true, force: true }));
  const jarStore = new JarStore(jarDir);
  const jarId = jarStore.store(
    'job.js',
    Buffer.from('/* freshet job bundle v1 */\nmodule.exports.default = async function main() {};\n'),
  ).id;
  const jobGraph = { jobName: 'stub', graphHash: 'h', vertices: [] } as unknown as JobGraph;
  const backend = new DispatcherRestBackend({
    dispatcher: {
      getJob: (id) => {
        const found = views.find((v) => v.jobId === id);
        if (found === undefined) throw new UserError('UNKNOWN_JOB', `job ${id} not found`);
        return found;
      },
      listJobs: () => views,
      submitJob: () => Promise.reject(new Error('not here')),
      ...dispatcher,
    },
    slotPool: new SlotPool(),
    jarStore,
    jobGraphBuilder: { build: () => Promise.resolve({ jobGraph }) },
    configuration: new Configuration(),
    versionInfo: { version: 'v', revision: 'r' },
    taskManagers: () => [],
  });
  return { backend, jarId };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('DispatcherRestBackend.triggerSavepoint', () => {
  it("hands the target directory and cancel flag to the job's JobMaster and passes on its path", async () => {
    const { view: job, calls } = view();
    const { backend } = backendFor({}, [job]);
    const trigger = backend.triggerSavepoint(job.jobId, { targetDirectory: '/sp', cancelJob: true });
    await expect(trigger.completion).resolves.toBe('/savepoints/savepoint-1');
    expect(calls).toEqual([{ targetDirectory: '/sp', cancelJob: true }]);
    backend.triggerSavepoint(job.jobId, { cancelJob: false });
    expect(calls[1]).toEqual({ targetDirectory: undefined, cancelJob: false });
  });

  it('refuses at once (before any savepoint starts) an unknown job, one not running, one without a directory', () => {
    const finished = view({ status: 'FINISHED' });
    const nowhere = view({ defaultSavepointDirectory: undefined });
    const { backend } = backendFor({}, [finished.view, nowhere.view]);
    expect(thrown(() => backend.triggerSavepoint(JobId.generate(), { cancelJob: false }))).toMatchObject({
      code: 'UNKNOWN_JOB',
    });
    const notRunning = thrown(() => backend.triggerSavepoint(finished.view.jobId, { cancelJob: false }));
    expect(notRunning).toMatchObject({ code: 'JOB_NOT_RUNNING', domain: ErrorDomain.user });
    expect((notRunning as Error).message).toContain('is FINISHED: only a running job can take a savepoint');
    const missing = thrown(() => backend.triggerSavepoint(nowhere.view.jobId, { cancelJob: true }));
    expect(missing).toMatchObject({ code: 'SAVEPOINT_DIRECTORY_MISSING', domain: ErrorDomain.user });
    expect((missing as Error).message).toContain(
      "state.savepoints.dir is not set, so the request must give 'target-directory'",
    );
    expect([...finished.calls, ...nowhere.calls]).toEqual([]);
    // A target directory is enough without state.savepoints.dir.
    backend.triggerSavepoint(nowhere.view.jobId, { targetDirectory: '/sp', cancelJob: false });
    expect(nowhere.calls).toEqual([{ targetDirectory: '/sp', cancelJob: false }]);
  });

  it('takes savepoints of a job submitted without a checkpoint interval (no CHECKPOINTING_DISABLED)', async () => {
    // A JobMaster always has a coordinator now; even a view without one is not refused.
    const { view: job, calls } = view({ checkpointCoordinator: undefined });
    const { backend } = backendFor({}, [job]);
    await expect(backend.triggerSavepoint(job.jobId, { cancelJob: false }).completion).resolves.toBe(
      '/savepoints/savepoint-1',
    );
    expect(calls).toEqual([{ targetDirectory: undefined, cancelJob: false }]);
  });

  it("a savepoint that fails rejects its completion with the coordinator's error", async () => {
    const failure = new CheckpointException('IO_EXCEPTION', 'no state.savepoints.dir configured');
    const { view: job } = view({}, failure);
    const { backend } = backendFor({}, [job]);
    await expect(backend.triggerSavepoint(job.jobId, { cancelJob: false }).completion).rejects.toBe(failure);
  });

  it('over HTTP: 202 with a trigger ID, then COMPLETED with the location; 409 for a job not running', async () => {
    const running = view({}, '/savepoints/savepoint-abc');
    const cancelled = view({ status: 'CANCELED' });
    const { backend } = backendFor({}, [running.view, cancelled.view]);
    const server = await RestServer.start({ host: '127.0.0.1', port: 0, backend, maxContentLength: 1 << 20 });
    cleanups.push(() => server.close());
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const triggered = await call('POST', `/jobs/${running.view.jobId}/savepoints`, { 'cancel-job': true });
    expect(triggered.status).toBe(202);
    const triggerId = triggered.body['request-id'] as string;
    const result = await call('GET', `/jobs/${running.view.jobId}/savepoints/${triggerId}`);
    expect(flinkSpecViolations('/jobs/{jobid}/savepoints/{triggerid}', 'GET', 200, result.body)).toEqual([]);
    expect(result.body).toEqual({
      status: { id: 'COMPLETED' },
      operation: { location: '/savepoints/savepoint-abc' },
    });
    expect(running.calls).toEqual([{ targetDirectory: undefined, cancelJob: true }]);

    const refused = await call('POST', `/jobs/${cancelled.view.jobId}/savepoints`);
    expect(refused.status).toBe(409);
    expect(refused.body['errors']).toEqual([expect.stringContaining('is CANCELED')]);
  });
});

describe('DispatcherRestBackend.stopWithSavepoint', () => {
  it("hands the target directory and drain flag to the job's JobMaster and passes on its path", async () => {
    const { view: job, stops, calls } = view({}, '/savepoints/savepoint-stop');
    const { backend } = backendFor({}, [job]);
    const stop = backend.stopWithSavepoint(job.jobId, { targetDirectory: '/sp', drain: true });
    await expect(stop.completion).resolves.toBe('/savepoints/savepoint-stop');
    backend.stopWithSavepoint(job.jobId, { drain: false });
    expect(stops).toEqual([
      { targetDirectory: '/sp', drain: true },
      { targetDirectory: undefined, drain: false },
    ]);
    expect(calls).toEqual([]);
  });

  it('refuses at once an unknown job, one not running, and one with neither target nor state.savepoints.dir', () => {
    const finished = view({ status: 'FINISHED' });
    const nowhere = view({ defaultSavepointDirectory: undefined });
    const { backend } = backendFor({}, [finished.view, nowhere.view]);
    expect(thrown(() => backend.stopWithSavepoint(JobId.generate(), { drain: false }))).toMatchObject({
      code: 'UNKNOWN_JOB',
    });
    const notRunning = thrown(() => backend.stopWithSavepoint(finished.view.jobId, { drain: true }));
    expect(notRunning).toMatchObject({ code: 'JOB_NOT_RUNNING', domain: ErrorDomain.user });
    expect((notRunning as Error).message).toContain(
      'is FINISHED: only a running job can be stopped with a savepoint',
    );
    const missing = thrown(() => backend.stopWithSavepoint(nowhere.view.jobId, { drain: false }));
    expect(missing).toMatchObject({ code: 'SAVEPOINT_DIRECTORY_MISSING', domain: ErrorDomain.user });
    expect((missing as Error).message).toContain("the request must give 'targetDirectory'");
    expect([...finished.stops, ...nowhere.stops]).toEqual([]);
  });

  it("over HTTP: 202, then the status under /savepoints/:triggerid; 404, 409 and 400 with 'errors'", async () => {
    const running = view({}, 'file:///savepoints/savepoint-abc');
    const failing = view({}, new CheckpointException('CHECKPOINT_DECLINED', 'source said no'));
    const finished = view({ status: 'FINISHED' });
    const nowhere = view({ defaultSavepointDirectory: undefined });
    const { backend } = backendFor({}, [running.view, failing.view, finished.view, nowhere.view]);
    const server = await RestServer.start({ host: '127.0.0.1', port: 0, backend, maxContentLength: 1 << 20 });
    cleanups.push(() => server.close());
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const stopped = await call('POST', `/jobs/${running.view.jobId}/stop`, {
      targetDirectory: '/savepoints',
      drain: true,
    });
    expect(stopped.status).toBe(202);
    expect(flinkSpecViolations('/jobs/{jobid}/stop', 'POST', 202, stopped.body)).toEqual([]);
    const triggerId = stopped.body['request-id'] as string;
    const result = await call('GET', `/jobs/${running.view.jobId}/savepoints/${triggerId}`);
    expect(flinkSpecViolations('/jobs/{jobid}/savepoints/{triggerid}', 'GET', 200, result.body)).toEqual([]);
    expect(result.body).toEqual({
      status: { id: 'COMPLETED' },
      operation: { location: 'file:///savepoints/savepoint-abc' },
    });
    expect(running.stops).toEqual([{ targetDirectory: '/savepoints', drain: true }]);

    const failed = await call('POST', `/jobs/${failing.view.jobId}/stop`, {});
    const failedId = failed.body['request-id'] as string;
    const failure = await call('GET', `/jobs/${failing.view.jobId}/savepoints/${failedId}`);
    expect(failure.body['status']).toEqual({ id: 'COMPLETED' });
    const cause = (failure.body['operation'] as Record<string, Record<string, string>>)['failure-cause']!;
    expect(cause['class']).toBe('CheckpointException');
    expect(cause['stack-trace']).toContain('source said no');

    const unknown = await call('POST', `/jobs/${'f'.repeat(32)}/stop`, { drain: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body['errors']).toEqual([expect.stringContaining('not found')]);
    const refused = await call('POST', `/jobs/${finished.view.jobId}/stop`);
    expect(refused.status).toBe(409);
    expect(refused.body['errors']).toEqual([expect.stringContaining('is FINISHED')]);
    const noTarget = await call('POST', `/jobs/${nowhere.view.jobId}/stop`, { drain: false });
    expect(noTarget.status).toBe(400);
    expect(noTarget.body['errors']).toEqual([expect.stringContaining('state.savepoints.dir is not set')]);
    expect([...finished.stops, ...nowhere.stops]).toEqual([]);
  });
});

describe('DispatcherRestBackend.runJar from a savepoint', () => {
  function submissions(outcome: (job: JobInformation) => Promise<unknown>) {
    const calls: { jobId: JobId; savepoint: SavepointRestoreSettings | undefined }[] = [];
    const submitJob: DispatcherView['submitJob'] = (job, _graph, options) => {
      calls.push({ jobId: job.jobId, savepoint: options?.savepoint });
      return outcome(job);
    };
    return { calls, submitJob };
  }

  it('passes savepointPath and allowNonRestoredState to the Dispatcher, and nothing without them', async () => {
    const { calls, submitJob } = submissions(() => Promise.resolve());
    const { backend, jarId } = backendFor({ submitJob });
    const jobId = await backend.runJar(jarId, {
      programArgsList: [],
      savepointPath: '/savepoints/savepoint-1',
      allowNonRestoredState: true,
    });
    await backend.runJar(jarId, { programArgsList: [], allowNonRestoredState: true });
    expect(calls.map((c) => c.savepoint)).toEqual([
      { path: '/savepoints/savepoint-1', allowNonRestoredState: true },
      undefined,
    ]);
    expect(calls[0]?.jobId).toBe(jobId);
  });

  it('answers a savepoint that is missing or does not match with the user error, and a corrupt one as one', async () => {
    const run = async (error: Error) => {
      const { backend, jarId } = backendFor(submissions(() => Promise.reject(error)));
      return backend
        .runJar(jarId, { programArgsList: [], savepointPath: '/sp/1', allowNonRestoredState: false })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    };
    const missing = new CheckpointMetadataNotFoundError('/sp/1/_metadata');
    expect(await run(missing)).toBe(missing);
    const unmatched = new UserError('UNMATCHED_SAVEPOINT_STATE', "state for operator uid 'sessions'");
    expect(await run(unmatched)).toBe(unmatched);

    const corrupt = new CorruptCheckpointMetadataError('/sp/1/_metadata', 'bad magic');
    const answered = await run(corrupt);
    expect(answered).toBeInstanceOf(FreshetError);
    expect(answered).toMatchObject({
      code: 'INVALID_SAVEPOINT',
      domain: ErrorDomain.user,
      cause: corrupt,
    });
    expect((answered as Error).message).toMatch(
      /^cannot restore from savepoint \/sp\/1: checkpoint metadata .* is corrupt/,
    );
  });
});
