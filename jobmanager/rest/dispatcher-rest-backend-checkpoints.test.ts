/**
 * DispatcherRestBackend.jobCheckpoints over JobViews whose checkpoint coordinator is a real
 * CheckpointCoordinator (the JobMaster's `checkpointCoordinator`), or absent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { Configuration } from '../../common/config/configuration.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { CheckpointId } from '../checkpoint/checkpoint-id.js';
import { TestingCheckpointCoordinator } from '../checkpoint/testing-checkpoint-coordinator.js';
import { JarStore } from '../dispatcher/jar-store.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import type { JobMaster } from '../scheduler/job-master.js';
import { DispatcherRestBackend, type JobView } from './dispatcher-rest-backend.js';
import { testingCheckpointHistory } from './testing/testing-job-checkpoints.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// A JobMaster is a JobView: its `checkpointCoordinator` getter fits the narrow view.
const _jobMasterIsAJobView = (master: JobMaster): JobView => master;

function job(
  overrides: Partial<JobView>,
  configuration: Record<string, string> = {},
  programConfiguration: Record<string, string> = {},
): JobView {
  const jobId = JobId.generate();
  return {
    jobId,
    status: 'RUNNING',
    job: { jobId, jobName: 'summer', configuration },
    jobGraph: { vertices: [], config: { configuration: programConfiguration } } as unknown as JobGraph,
    executionGraph: { statusTimestamps: new Map(), stateCounts: () => ({}) },
    failureHistory: [],
    cancel: () => {},
    ...overrides,
  } as JobView;
}

function backendFor(...views: JobView[]): DispatcherRestBackend {
  const jarDir = mkdtempSync(join(tmpdir(), 'freshet-rest-backend-'));
  cleanups.push(() => rmSync(jarDir, { recursive: true, force: true }));
  return new DispatcherRestBackend({
    dispatcher: {
      getJob: (id) => {
        const view = views.find((v) => v.jobId === id);
        if (view === undefined) throw new UserError('UNKNOWN_JOB', `job ${id} not found`);
        return view;
      },
      listJobs: () => views,
      submitJob: () => Promise.reject(new Error('not here')),
    },
    slotPool: new SlotPool(),
    jarStore: new JarStore(jarDir),
    jobGraphBuilder: { build: () => Promise.reject(new Error('not here')) },
    configuration: new Configuration(),
    versionInfo: { version: 'v', revision: 'r' },
    taskManagers: () => [],
  });
}

describe('DispatcherRestBackend.jobCheckpoints', () => {
  it("reads the coordinator's live statistics and settings, and the job's state backend", async () => {
    const { harness } = await testingCheckpointHistory();
    const view = job({ checkpointCoordinator: harness.coordinator }, { 'state.backend.type': 'rocksdb' });
    const backend = backendFor(view);

    const checkpoints = backend.jobCheckpoints(view.jobId)!;
    expect(checkpoints.stats.counts).toEqual({
      restored: 1,
      total: 4,
      inProgress: 1,
      completed: 2,
      failed: 1,
    });
    expect(checkpoints.config).toEqual({
      ...harness.coordinator.configuration,
      stateBackend: 'rocksdb',
      externalization: { enabled: true, deleteOnCancellation: false },
    });

    // Each call reads the coordinator anew: checkpoint 4 completes.
    expect(harness.ackAll(CheckpointId.of(4))).toEqual(['success', 'success']);
    await harness.coordinator.settled();
    expect(backend.jobCheckpoints(view.jobId)!.stats.counts).toMatchObject({ inProgress: 0, completed: 3 });
  });

  it("lets the program's state backend win, accepts the old key, and parses no other key", () => {
    const { coordinator } = new TestingCheckpointCoordinator();
    const program = job(
      { checkpointCoordinator: coordinator },
      { 'state.backend.type': 'rocksdb', 'execution.checkpointing.interval': 'soon' },
      { 'state.backend.type': 'hashmap' },
    );
    const legacy = job({ checkpointCoordinator: coordinator }, { 'state.backend': 'rocksdb' });
    const unset = job({ checkpointCoordinator: coordinator });
    const backend = backendFor(program, legacy, unset);
    expect(backend.jobCheckpoints(program.jobId)?.config.stateBackend).toBe('hashmap');
    expect(backend.jobCheckpoints(legacy.jobId)?.config.stateBackend).toBe('rocksdb');
    expect(backend.jobCheckpoints(unset.jobId)?.config.stateBackend).toBe('hashmap');
  });

  it('answers undefined for a job without a coordinator, and throws UNKNOWN_JOB for an unknown job', () => {
    const absent = job({});
    const off = job({ checkpointCoordinator: undefined });
    const backend = backendFor(absent, off);
    expect(backend.jobCheckpoints(absent.jobId)).toBeUndefined();
    expect(backend.jobCheckpoints(off.jobId)).toBeUndefined();
    expect(() => backend.jobCheckpoints(JobId.generate())).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_JOB' }),
    );
  });
});
