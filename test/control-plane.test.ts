/**
 * The JobManager's ResourceManagerEndpoint and the TaskManager's JobManagerConnection talking to
 * each other over a real WebSocket on loopback: registration, deployment round trips, task state,
 * duplicate registration and the loss of a TaskManager.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FreshetError } from '../common/errors/freshet-error.js';
import { JobId, ResourceId } from '../common/ids.js';
import type { TaskExecutorGateway } from '../common/protocol/gateways.js';
import type { SlotReport } from '../common/protocol/rpc-messages.js';
import { ResourceManagerEndpoint } from '../jobmanager/rpc/resource-manager-endpoint.js';
import { JobManagerConnection } from '../taskmanager/rpc/job-manager-connection.js';
import { waitFor } from './support/cli.js';
import { WAIT_MS } from './support/raw-rpc-peer.js';
import {
  TestingJobMasterGateway,
  TestingTaskExecutorGateway,
  testingTaskDeploymentDescriptor,
} from './support/testing-gateways.js';

const jobId = JobId.parse('0123456789abcdef0123456789abcdef');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster() {
  const jobMaster = new TestingJobMasterGateway();
  const gateways = new Map<string, TaskExecutorGateway>();
  const lost: { resourceId: string; reason: FreshetError }[] = [];
  const errors: FreshetError[] = [];
  const slotReports = new Map<string, SlotReport>();
  const heartbeatsAnswered = new Map<string, number>();
  const endpoint = await ResourceManagerEndpoint.start({
    host: '127.0.0.1',
    port: 0,
    heartbeatIntervalMs: 50,
    heartbeatTimeoutMs: 300,
    jobMaster,
    onTaskManagerRegistered: (id, gateway) => gateways.set(id, gateway),
    onTaskManagerLost: (resourceId, reason) => lost.push({ resourceId, reason }),
    onConnectionError: (error) => errors.push(error),
    onSlotReport: (id, report) => {
      slotReports.set(id, report);
      heartbeatsAnswered.set(id, (heartbeatsAnswered.get(id) ?? 0) + 1);
    },
  });
  cleanups.push(() => endpoint.close());
  const disconnected: FreshetError[] = [];
  const startTaskManager = async (resourceId: string, taskExecutor = new TestingTaskExecutorGateway()) => {
    const connection = await JobManagerConnection.connect({
      url: `ws://127.0.0.1:${endpoint.port}`,
      resourceId: ResourceId.of(resourceId),
      host: '127.0.0.1',
      dataPort: 41000,
      numberOfSlots: 2,
      taskExecutor,
      heartbeat: { intervalMs: 50, timeoutMs: 300 },
      onDisconnected: (reason) => disconnected.push(reason),
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => connection.close());
    await waitFor(() => gateways.has(resourceId), WAIT_MS, `${resourceId} registered`);
    return { connection, taskExecutor, gateway: gateways.get(resourceId)! };
  };
  return {
    endpoint,
    jobMaster,
    lost,
    errors,
    slotReports,
    heartbeatsAnswered,
    disconnected,
    startTaskManager,
  };
}

describe('control plane: JobManager endpoint ↔ TaskManager connection', () => {
  it('deploys a task and gets its state back', async () => {
    const c = await cluster();
    const tm = await c.startTaskManager('tm-1');
    const tdd = testingTaskDeploymentDescriptor();
    await tm.gateway.submitTask(tdd);
    expect(tm.taskExecutor.submitted).toEqual([tdd]);

    const update = {
      jobId: tdd.job.jobId,
      executionAttemptId: tdd.executionAttemptId,
      state: 'RUNNING',
    } as const;
    tm.connection.jobMasterGateway.updateTaskExecutionState(update);
    tm.connection.jobMasterGateway.deliverClientData(tdd.job.jobId, 'collect', ['hello', 1]);
    await waitFor(() => c.jobMaster.clientData.length === 1, WAIT_MS, 'client data at the JobManager');
    expect(c.jobMaster.updates).toEqual([update]);
    expect(c.jobMaster.clientData[0]!.payload).toEqual(['hello', 1]);

    await waitFor(
      () => c.slotReports.get('tm-1')?.slots[1]?.jobId === jobId,
      WAIT_MS,
      'a slot report with the job',
    );
    await tm.gateway.cancelTask(tdd.executionAttemptId);
    await tm.gateway.releaseJob(jobId);
    expect(tm.taskExecutor.canceled).toEqual([tdd.executionAttemptId]);
    expect(tm.taskExecutor.released).toEqual([jobId]);
    expect(c.errors).toEqual([]);
  });

  it('hands a TaskExecutor failure back to the caller', async () => {
    const c = await cluster();
    const tm = await c.startTaskManager('tm-1');
    tm.taskExecutor.submitTaskError = new FreshetError('NO_SUCH_SLOT', 'TaskManager tm-1 has no slot 9');
    await expect(tm.gateway.submitTask(testingTaskDeploymentDescriptor({ slotIndex: 9 }))).rejects.toSatisfy(
      (e: unknown) => e instanceof FreshetError && e.code === 'NO_SUCH_SLOT',
    );
  });

  it('rejects a second TaskManager with the same resource ID', async () => {
    const c = await cluster();
    await c.startTaskManager('tm-1');
    await expect(c.startTaskManager('tm-1')).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError &&
        e.code === 'REGISTRATION_REJECTED' &&
        /'tm-1' is already registered and connected/.test(e.message),
    );
    expect(c.endpoint.registeredTaskManagers()).toEqual(['tm-1']);
    expect(c.lost).toEqual([]);
  });

  it('keeps healthy TaskManagers registered across many heartbeat timeouts', async () => {
    const c = await cluster();
    await c.startTaskManager('tm-1');
    await c.startTaskManager('tm-2');
    // 20 answered requests at a 50 ms interval span more than three 300 ms timeouts.
    const answered = (id: string): number => c.heartbeatsAnswered.get(id) ?? 0;
    await waitFor(() => answered('tm-1') >= 20 && answered('tm-2') >= 20, WAIT_MS, '20 heartbeats each');
    expect(c.lost).toEqual([]);
    expect(c.disconnected).toEqual([]);
    expect(c.endpoint.registeredTaskManagers().sort()).toEqual(['tm-1', 'tm-2']);
  });

  it('reports a TaskManager that shuts down lost, and its in-flight requests failed', async () => {
    const c = await cluster();
    const tm = await c.startTaskManager('tm-1', new HangingTaskExecutor());
    const deploying = tm.gateway.submitTask(testingTaskDeploymentDescriptor());
    const failed = expect(deploying).rejects.toThrow(/went away before it could deploy/);
    await waitFor(
      () => (tm.taskExecutor as HangingTaskExecutor).calls > 0,
      WAIT_MS,
      'the deployment to arrive',
    );
    await tm.connection.close();
    await waitFor(() => c.lost.length === 1, WAIT_MS, 'tm-1 lost');
    expect(c.lost[0]!.reason.message).toMatch(/code 1000, TaskManager shutting down/);
    await failed;
  });

  it('tells the TaskManagers when the JobManager goes away', async () => {
    const c = await cluster();
    await c.startTaskManager('tm-1');
    await c.endpoint.close();
    await waitFor(() => c.disconnected.length === 1, WAIT_MS, 'onDisconnected');
    expect(c.disconnected[0]!.code).toBe('JOB_MANAGER_DISCONNECTED');
  });
});

/** Accepts deployments and never finishes them. */
class HangingTaskExecutor extends TestingTaskExecutorGateway {
  calls = 0;

  override submitTask(): Promise<void> {
    this.calls++;
    return new Promise(() => {});
  }
}
