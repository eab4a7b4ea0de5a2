import { describe, expect, it, vi } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { ResourceId } from '../../common/ids.js';
import { TestingTaskExecutorGateway } from '../../test/support/testing-gateways.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { Dispatcher } from './dispatcher.js';
import { testingJobInformation } from '../scheduler/testing-job-information.js';

function singleVertexGraph(parallelism: number) {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(parallelism);
  env.fromSequence(1, 10).name('source');
  return env.getPipeline().jobGraph;
}

const RESTART = { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.delay': '1 s' };

function setup() {
  const timer = new TestingSchedulerTimer();
  const dispatcher = new Dispatcher(new SlotPool(), { clock: timer.clock, timer });
  return { timer, dispatcher };
}

describe('Dispatcher', () => {
  it('taskManagerRegistered offers slots a waiting job takes', async () => {
    const { dispatcher } = setup();
    const master = await dispatcher.submitJob(testingJobInformation(), singleVertexGraph(2));
    expect(master.status).toBe('RUNNING');
    const gateway = new TestingTaskExecutorGateway();
    dispatcher.taskManagerRegistered(ResourceId.of('tm-a'), gateway, 2, { host: 'a', port: 1 });
    await vi.waitFor(() => expect(gateway.submitted).toHaveLength(2));
    expect(gateway.submitted[0]!.inputGates).toEqual([]);
    expect(dispatcher.slotPool.freeSlots()).toBe(0);
  });

  it('taskManagerLost removes its slots and fails over every job that ran there', async () => {
    const { dispatcher } = setup();
    const a = new TestingTaskExecutorGateway();
    const b = new TestingTaskExecutorGateway();
    dispatcher.taskManagerRegistered(ResourceId.of('tm-a'), a, 1);
    dispatcher.taskManagerRegistered(ResourceId.of('tm-b'), b, 2);
    const onA = await dispatcher.submitJob(testingJobInformation(RESTART), singleVertexGraph(1));
    const onB = await dispatcher.submitJob(testingJobInformation(RESTART), singleVertexGraph(2));
    expect(a.submitted.map((t) => t.job.jobId)).toEqual([onA.jobId]);

    dispatcher.taskManagerLost(ResourceId.of('tm-b'), new Error('heartbeat timed out'));
    expect(dispatcher.slotPool.totalSlots()).toBe(1);
    expect(onA.status).toBe('RUNNING');
    expect(onB.status).toBe('RESTARTING');
    expect(onB.failureHistory[0]).toMatchObject({ taskManagerId: 'tm-b', taskName: 'source (1/2)' });
    expect(b.canceled).toEqual([]);
  });

  it('routes task state updates to the job they belong to', async () => {
    const { dispatcher } = setup();
    const gateway = new TestingTaskExecutorGateway();
    dispatcher.taskManagerRegistered(ResourceId.of('tm-a'), gateway, 1);
    const master = await dispatcher.submitJob(testingJobInformation(), singleVertexGraph(1));
    const [tdd] = gateway.submitted;
    dispatcher.updateTaskExecutionState({
      jobId: master.jobId,
      executionAttemptId: tdd!.executionAttemptId,
      state: 'FINISHED',
    });
    expect((await master.result).status).toBe('FINISHED');
  });

  it('rejects a job with an invalid restart configuration and keeps nothing of it', async () => {
    const { dispatcher } = setup();
    const bad = testingJobInformation({ 'restart-strategy.fixed-delay.delay': 'later' });
    await expect(dispatcher.submitJob(bad, singleVertexGraph(1))).rejects.toThrow(IllegalConfigurationError);
    expect(dispatcher.listJobs()).toEqual([]);
    expect(() => dispatcher.getJob(bad.jobId)).toThrow(/not found/);
  });
});
