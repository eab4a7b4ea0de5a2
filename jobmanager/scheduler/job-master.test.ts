import { describe, expect, it, vi } from 'vitest';
import { StreamExecutionEnvironment, type JobGraph } from 'freshet';
import { FreshetError, IllegalConfigurationError, UserError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import { ResourceId } from '../../common/ids.js';
import type { ExecutionState } from '../../common/job-status.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { TestingTaskExecutorGateway } from '../../test/support/testing-gateways.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import { JobMaster } from './job-master.js';
import { TestingSchedulerTimer } from './testing-scheduler-timer.js';
import { testingJobInformation } from './testing-job-information.js';

/** source (p) --rebalance--> work (p): 2p executions in p shared slots. */
function twoVertexGraph(parallelism = 2): JobGraph {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(parallelism);
  env
    .fromSequence(1, 10)
    .name('source')
    .rebalance()
    .map((x) => x)
    .name('work');
  const graph = env.getPipeline('restart-test').jobGraph;
  expect(graph.vertices.map((v) => v.name)).toEqual(['source', 'work']);
  return graph;
}

const FIXED_DELAY = {
  'restart-strategy.type': 'fixed-delay',
  'restart-strategy.fixed-delay.attempts': '2',
  'restart-strategy.fixed-delay.delay': '5 s',
};

class Harness {
  readonly timer = new TestingSchedulerTimer();
  readonly pool = new SlotPool();
  readonly gateways = new Map<string, TestingTaskExecutorGateway>();
  master!: JobMaster;

  addTaskManager(name: string, slots: number): TestingTaskExecutorGateway {
    const gateway = new TestingTaskExecutorGateway();
    this.gateways.set(name, gateway);
    this.pool.registerTaskManager(ResourceId.of(name), gateway, slots, { host: `${name}.local`, port: 6121 });
    return gateway;
  }

  async submit(configuration: Record<string, string>, graph = twoVertexGraph()): Promise<JobMaster> {
    this.master = new JobMaster(testingJobInformation(configuration, 2), graph, this.pool, {
      clock: this.timer.clock,
      timer: this.timer,
    });
    await this.master.start();
    return this.master;
  }

  submitted(): TaskDeploymentDescriptor[] {
    return [...this.gateways.values()].flatMap((g) => g.submitted);
  }

  /** The deployments of the given attempt number, in submission order. */
  attempt(n: number): TaskDeploymentDescriptor[] {
    return this.submitted().filter((t) => t.attemptNumber === n);
  }

  report(tdd: TaskDeploymentDescriptor, state: ExecutionState, error?: Error): void {
    this.master.updateTaskExecutionState({
      jobId: this.master.jobId,
      executionAttemptId: tdd.executionAttemptId,
      state,
      ...(error === undefined ? {} : { error: serializeError(error) }),
    });
  }

  reportAll(tdds: readonly TaskDeploymentDescriptor[], state: ExecutionState): void {
    for (const tdd of tdds) this.report(tdd, state);
  }

  /** Acknowledges every cancel call sent so far that is still pending. */
  acknowledgeCancels(): void {
    for (const gateway of this.gateways.values()) {
      for (const attemptId of gateway.canceled) {
        const tdd = gateway.submitted.find((t) => t.executionAttemptId === attemptId)!;
        this.report(tdd, 'CANCELED');
      }
    }
  }

  async waitForDeployments(count: number): Promise<void> {
    await vi.waitFor(() => expect(this.submitted()).toHaveLength(count));
  }
}

describe('JobMaster without a restart strategy', () => {
  it('a task failure ends the job FAILED with "<task> failed: <cause>", as before', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit({});
    const first = h.attempt(0);
    expect(first).toHaveLength(4);
    h.reportAll(first, 'RUNNING');
    h.report(first[3]!, 'FAILED', new UserError('USER_CODE', 'boom'));
    expect(master.status).toBe('FAILING');
    h.acknowledgeCancels();
    const result = await master.result;
    expect(result.status).toBe('FAILED');
    expect(result.failure?.message).toBe('work (2/2) failed: boom');
    expect(master.numRestarts).toBe(0);
    expect(h.timer.pendingDelays).toEqual([]);
  });
});

describe('JobMaster restarts (fixed-delay)', () => {
  it('fails over, waits the delay, deploys attempt 1 of every subtask, and finishes', async () => {
    const h = new Harness();
    const gateway = h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    const first = h.attempt(0);
    h.reportAll(first, 'RUNNING');

    h.report(first[2]!, 'FAILED', new UserError('USER_CODE', 'boom'));
    expect(master.status).toBe('FAILING');
    expect(new Set(gateway.canceled)).toEqual(
      new Set([first[0], first[1], first[3]].map((t) => t!.executionAttemptId)),
    );
    h.acknowledgeCancels();
    expect(master.status).toBe('RESTARTING');
    expect(master.numRestarts).toBe(1);
    expect(h.pool.freeSlots()).toBe(2);
    expect(gateway.released).toEqual([master.jobId]);

    h.timer.advance(4_999);
    expect(master.status).toBe('RESTARTING');
    expect(h.attempt(1)).toHaveLength(0);
    h.timer.advance(1);
    expect(master.status).toBe('RUNNING');
    await h.waitForDeployments(8);
    const second = h.attempt(1);
    expect(second.map((t) => t.taskName)).toEqual([
      'source (1/2)#1',
      'source (2/2)#1',
      'work (1/2)#1',
      'work (2/2)#1',
    ]);
    const oldIds = new Set(first.map((t) => t.executionAttemptId));
    for (const tdd of second) expect(oldIds.has(tdd.executionAttemptId)).toBe(false);

    // Reports about the superseded attempt change nothing.
    h.report(first[0]!, 'FAILED', new Error('late failure of attempt 0'));
    expect(master.status).toBe('RUNNING');
    expect(master.failureHistory).toHaveLength(1);

    h.reportAll(second, 'RUNNING');
    h.reportAll(second, 'FINISHED');
    const result = await master.result;
    expect(result.status).toBe('FINISHED');
    expect(result.failure).toBeUndefined();
    const [failure] = master.failureHistory;
    expect(failure).toMatchObject({
      taskName: 'work (1/2)',
      taskManagerId: 'tm-a',
      location: 'tm-a.local:6121',
      timestamp: 1_000_000,
      concurrent: [],
    });
    expect(failure!.error.message).toBe('boom');
    expect(failure!.error).toBeInstanceOf(UserError);
  });

  it('attempts=2: the third failure ends the job FAILED with its cause', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    for (let attempt = 0; attempt < 2; attempt++) {
      await h.waitForDeployments(4 * (attempt + 1));
      h.report(h.attempt(attempt)[0]!, 'FAILED', new Error(`failure ${attempt}`));
      h.acknowledgeCancels();
      expect(master.status).toBe('RESTARTING');
      h.timer.advance(5_000);
    }
    await h.waitForDeployments(12);
    h.report(h.attempt(2)[1]!, 'FAILED', new Error('failure 2'));
    h.acknowledgeCancels();
    const result = await master.result;
    expect(result.status).toBe('FAILED');
    expect(result.failure?.message).toBe('source (2/2) failed: failure 2');
    expect(master.numRestarts).toBe(2);
    expect(master.failureHistory.map((f) => f.error.message)).toEqual([
      'failure 0',
      'failure 1',
      'failure 2',
    ]);
    expect(h.timer.pendingDelays).toEqual([]);
  });

  it('folds a failure during the failover into the same restart as a concurrent exception', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    const first = h.attempt(0);
    h.reportAll(first, 'RUNNING');
    h.report(first[0]!, 'FAILED', new Error('root'));
    h.report(first[1]!, 'FAILED', new Error('second'));
    h.acknowledgeCancels();
    expect(master.status).toBe('RESTARTING');
    expect(master.numRestarts).toBe(1);
    expect(master.failureHistory).toHaveLength(1);
    expect(master.failureHistory[0]!.error.message).toBe('root');
    expect(master.failureHistory[0]!.concurrent.map((f) => [f.taskName, f.error.message])).toEqual([
      ['source (2/2)', 'second'],
    ]);
  });

  it('cancel during RESTARTING ends CANCELED and never redeploys', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    h.report(h.attempt(0)[0]!, 'FAILED', new Error('boom'));
    h.acknowledgeCancels();
    expect(master.status).toBe('RESTARTING');
    master.cancel();
    const result = await master.result;
    expect(result.status).toBe('CANCELED');
    expect(result.failure).toBeUndefined();
    h.timer.advance(60_000);
    expect(h.attempt(1)).toHaveLength(0);
    expect(h.pool.freeSlots()).toBe(2);
  });

  it('cancel while cancelling towards a restart ends CANCELED', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    h.reportAll(h.attempt(0), 'RUNNING');
    h.report(h.attempt(0)[0]!, 'FAILED', new Error('boom'));
    expect(master.status).toBe('FAILING');
    master.cancel();
    expect(master.status).toBe('CANCELLING');
    h.acknowledgeCancels();
    expect((await master.result).status).toBe('CANCELED');
    expect(h.timer.pendingDelays).toEqual([]);
  });

  it('a submitTask rejection is a task failure that restarts the job', async () => {
    const h = new Harness();
    const gateway = h.addTaskManager('tm-a', 2);
    gateway.submitTaskError = new FreshetError('RPC_FAILED', 'connection reset', { domain: 'external' });
    const master = await h.submit(FIXED_DELAY);
    expect(master.status).toBe('RESTARTING');
    expect(master.failureHistory[0]!.error.message).toBe('connection reset');
    gateway.submitTaskError = undefined;
    h.timer.advance(5_000);
    await h.waitForDeployments(4);
    expect(h.attempt(1)).toHaveLength(4);
  });

  it('does not restart on an unrecoverable error (the graph rebuilt differently)', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit(FIXED_DELAY);
    h.reportAll(h.attempt(0), 'RUNNING');
    const mismatch = new FreshetError('NON_DETERMINISTIC_GRAPH', 'the job graph differs', { domain: 'user' });
    h.report(h.attempt(0)[0]!, 'FAILED', mismatch);
    h.acknowledgeCancels();
    const result = await master.result;
    expect(result.status).toBe('FAILED');
    expect(result.failure?.message).toBe('source (1/2) failed: the job graph differs');
    expect(master.numRestarts).toBe(0);
  });

  it('with checkpointing enabled and no strategy set, restarts with exponential-delay', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit({
      'execution.checkpointing.interval': '10 s',
      'restart-strategy.exponential-delay.jitter-factor': '0',
    });
    h.report(h.attempt(0)[0]!, 'FAILED', new Error('boom'));
    h.acknowledgeCancels();
    expect(master.status).toBe('RESTARTING');
    expect(h.timer.pendingDelays).toEqual([1_000]);
  });

  it('rejects an invalid restart configuration when the JobMaster is created', () => {
    const create = () =>
      new JobMaster(
        testingJobInformation({ 'restart-strategy.type': 'sometimes' }),
        twoVertexGraph(),
        new SlotPool(),
      );
    expect(create).toThrow(IllegalConfigurationError);
    expect(create).toThrow(/'restart-strategy.type'.*job configuration/);
  });
});

describe('JobMaster waiting for slots', () => {
  it('stays RUNNING with SCHEDULED executions until a TaskManager registers, then deploys', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 1);
    const master = await h.submit({});
    expect(master.status).toBe('RUNNING');
    expect(master.executionGraph.all().map((e) => e.state)).toEqual(Array(4).fill('SCHEDULED'));
    expect(h.submitted()).toHaveLength(0);
    h.timer.advance(299_999);
    h.addTaskManager('tm-b', 1);
    await h.waitForDeployments(4);
    expect(new Set(h.submitted().map((t) => t.slotIndex))).toEqual(new Set([0]));
    expect(h.gateways.get('tm-a')!.submitted).toHaveLength(2);
    expect(h.gateways.get('tm-b')!.submitted).toHaveLength(2);
    h.timer.advance(10_000); // the timeout was cancelled
    expect(master.status).toBe('RUNNING');
  });

  it('fails with "not enough slots: need N, have M" when slot.request.timeout passes', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 1);
    const master = await h.submit({ 'slot.request.timeout': '10 s' });
    h.timer.advance(9_999);
    expect(master.status).toBe('RUNNING');
    h.timer.advance(1);
    const result = await master.result;
    expect(result.status).toBe('FAILED');
    expect(result.failure).toBeInstanceOf(FreshetError);
    expect(result.failure?.message).toMatch(/^not enough slots: need 2, have 1 \(/);
    expect(result.failure?.message).toContain('slot.request.timeout 10000 ms; 1 TaskManager registered');
    expect(master.failureHistory[0]!.error).toBe(result.failure);
    expect(h.pool.freeSlots()).toBe(1);
  });

  it('waits 300 s by default', async () => {
    const h = new Harness();
    const master = await h.submit({});
    h.timer.advance(299_999);
    expect(master.status).toBe('RUNNING');
    h.timer.advance(1);
    expect((await master.result).failure?.message).toMatch(/^not enough slots: need 2, have 0 \(/);
  });

  it('cancel while waiting ends CANCELED; a later registration deploys nothing', async () => {
    const h = new Harness();
    const master = await h.submit({});
    master.cancel();
    expect((await master.result).status).toBe('CANCELED');
    h.addTaskManager('tm-a', 2);
    expect(h.submitted()).toHaveLength(0);
    expect(h.pool.freeSlots()).toBe(2);
  });
});

describe('JobMaster on TaskManager loss', () => {
  it('fails the executions there, skips their cancel, and restarts on a new TaskManager', async () => {
    const h = new Harness();
    const a = h.addTaskManager('tm-a', 1);
    const b = h.addTaskManager('tm-b', 1);
    const master = await h.submit({ ...FIXED_DELAY, 'slot.request.timeout': '1 min' });
    const first = h.attempt(0);
    h.reportAll(first, 'RUNNING');
    expect(b.submitted.map((t) => t.taskName)).toEqual(['source (2/2)#0', 'work (2/2)#0']);

    h.pool.unregisterTaskManager(ResourceId.of('tm-b'));
    master.taskManagerLost(
      ResourceId.of('tm-b'),
      new FreshetError('TASK_MANAGER_LOST', 'heartbeat timed out'),
    );
    expect(master.status).toBe('FAILING');
    const states = new Map(master.executionGraph.all().map((e) => [e.attemptId, e.state]));
    expect(b.submitted.map((t) => states.get(t.executionAttemptId))).toEqual(['FAILED', 'FAILED']);
    expect(b.canceled).toEqual([]);
    expect(a.canceled).toHaveLength(2);
    const [root] = master.failureHistory;
    expect(root).toMatchObject({
      taskName: 'source (2/2)',
      taskManagerId: 'tm-b',
      location: 'tm-b.local:6121',
    });
    expect(root!.error.message).toBe('heartbeat timed out');
    expect(root!.concurrent.map((f) => [f.taskName, f.taskManagerId])).toEqual([['work (2/2)', 'tm-b']]);

    h.acknowledgeCancels();
    expect(master.status).toBe('RESTARTING');
    expect(b.released).toEqual([]); // nothing is sent to the lost TaskManager
    h.timer.advance(5_000);
    expect(master.status).toBe('RUNNING'); // waiting: one slot left, two needed
    expect(h.attempt(1)).toHaveLength(0);
    const c = h.addTaskManager('tm-c', 1);
    await h.waitForDeployments(8);
    expect(a.submitted.filter((t) => t.attemptNumber === 1)).toHaveLength(2);
    expect(c.submitted.map((t) => t.taskName)).toEqual(['source (2/2)#1', 'work (2/2)#1']);
    h.reportAll(h.attempt(1), 'FINISHED');
    expect((await master.result).status).toBe('FINISHED');
  });

  it('counts executions being cancelled on the lost TaskManager as cancelled at once', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 1);
    h.addTaskManager('tm-b', 1);
    const master = await h.submit(FIXED_DELAY);
    const first = h.attempt(0);
    h.reportAll(first, 'RUNNING');
    h.report(first[0]!, 'FAILED', new Error('boom')); // source (1/2) on tm-a
    const onA = h.gateways.get('tm-a')!.submitted;
    h.report(onA[1]!, 'CANCELED'); // work (1/2) on tm-a acknowledges; tm-b never will
    expect(master.status).toBe('FAILING');
    master.taskManagerLost(ResourceId.of('tm-b'), new Error('connection closed'));
    expect(master.status).toBe('RESTARTING');
    expect(master.failureHistory).toHaveLength(1);
  });

  it('a restart that finds no TaskManager fails after slot.request.timeout', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    const master = await h.submit({ ...FIXED_DELAY, 'slot.request.timeout': '30 s' });
    h.reportAll(h.attempt(0), 'RUNNING');
    h.pool.unregisterTaskManager(ResourceId.of('tm-a'));
    master.taskManagerLost(ResourceId.of('tm-a'), new Error('gone'));
    expect(master.status).toBe('RESTARTING');
    h.timer.advance(5_000);
    h.timer.advance(30_000);
    const result = await master.result;
    expect(result.status).toBe('FAILED');
    expect(result.failure?.message).toMatch(/^not enough slots: need 2, have 0 \(/);
    expect(master.failureHistory.map((f) => f.error.message)).toEqual([
      'gone',
      expect.stringMatching(/^not enough slots/),
    ]);
  });

  it('ignores the loss of a TaskManager it has no executions on', async () => {
    const h = new Harness();
    h.addTaskManager('tm-a', 2);
    h.addTaskManager('tm-idle', 1);
    const master = await h.submit(FIXED_DELAY);
    master.taskManagerLost(ResourceId.of('tm-idle'), new Error('gone'));
    expect(master.status).toBe('RUNNING');
    expect(master.failureHistory).toEqual([]);
  });
});
