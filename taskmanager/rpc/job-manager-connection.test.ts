import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { ExecutionAttemptId, JobId, ResourceId } from '../../common/ids.js';
import { waitFor } from '../../test/support/cli.js';
import { RawRpcServer, WAIT_MS, type RawRpcPeer } from '../../test/support/raw-rpc-peer.js';
import {
  TestingTaskExecutorGateway,
  testingTaskDeploymentDescriptor,
} from '../../test/support/testing-gateways.js';
import { JobManagerConnection, type JobManagerConnectionOptions } from './job-manager-connection.js';

const jobId = JobId.parse('0123456789abcdef0123456789abcdef');

interface Harness {
  readonly server: RawRpcServer;
  readonly taskExecutor: TestingTaskExecutorGateway;
  readonly disconnected: FreshetError[];
  readonly errors: FreshetError[];
  readonly options: JobManagerConnectionOptions;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(overrides: Partial<JobManagerConnectionOptions> = {}): Promise<Harness> {
  const server = await RawRpcServer.start();
  cleanups.push(() => server.close());
  const taskExecutor = new TestingTaskExecutorGateway();
  const disconnected: FreshetError[] = [];
  const errors: FreshetError[] = [];
  const options: JobManagerConnectionOptions = {
    url: server.url,
    resourceId: ResourceId.of('tm-1'),
    host: '127.0.0.1',
    dataPort: 41000,
    numberOfSlots: 2,
    taskExecutor,
    onDisconnected: (reason) => disconnected.push(reason),
    onError: (error) => errors.push(error),
    ...overrides,
  };
  return { server, taskExecutor, disconnected, errors, options };
}

/** Connects while the fake JobManager acknowledges the registration. */
async function connected(h: Harness): Promise<{ connection: JobManagerConnection; jm: RawRpcPeer }> {
  const connecting = JobManagerConnection.connect(h.options);
  const jm = await h.server.nextPeer();
  const register = await jm.take('register-task-manager');
  jm.send({ type: 'registration-ack', requestId: register.requestId });
  const connection = await connecting;
  cleanups.push(() => connection.close());
  return { connection, jm };
}

describe('JobManagerConnection', () => {
  it('registers with its resource ID, data address and slots', async () => {
    const h = await harness();
    const connecting = JobManagerConnection.connect(h.options);
    const jm = await h.server.nextPeer();
    expect(await jm.take('register-task-manager')).toEqual({
      type: 'register-task-manager',
      requestId: 1,
      resourceId: 'tm-1',
      host: '127.0.0.1',
      dataPort: 41000,
      numberOfSlots: 2,
    });
    jm.send({ type: 'registration-ack', requestId: 1 });
    const connection = await connecting;
    cleanups.push(() => connection.close());
    expect(connection.slotReport()).toEqual({
      slots: [
        { slotIndex: 0, jobId: null },
        { slotIndex: 1, jobId: null },
      ],
    });
  });

  it('runs submit-task, cancel-task and release-job on the TaskExecutor and acknowledges them', async () => {
    const h = await harness();
    const { jm } = await connected(h);
    const tdd = testingTaskDeploymentDescriptor();
    jm.send({ type: 'submit-task', requestId: 10, tdd });
    expect(await jm.take('ack')).toEqual({ type: 'ack', requestId: 10 });
    expect(h.taskExecutor.submitted).toEqual([tdd]);
    jm.send({ type: 'cancel-task', requestId: 11, executionAttemptId: tdd.executionAttemptId });
    expect(await jm.take('ack')).toEqual({ type: 'ack', requestId: 11 });
    expect(h.taskExecutor.canceled).toEqual([tdd.executionAttemptId]);
    jm.send({ type: 'release-job', requestId: 12, jobId });
    expect(await jm.take('ack')).toEqual({ type: 'ack', requestId: 12 });
    expect(h.taskExecutor.released).toEqual([jobId]);
  });

  it('answers a request the TaskExecutor fails with the serialized error', async () => {
    const h = await harness();
    const { jm } = await connected(h);
    h.taskExecutor.submitTaskError = new UserError('NO_SUCH_SLOT', 'TaskManager tm-1 has no slot 7');
    jm.send({ type: 'submit-task', requestId: 20, tdd: testingTaskDeploymentDescriptor() });
    const failure = await jm.take('failure');
    expect(failure.requestId).toBe(20);
    expect(failure.error).toMatchObject({ name: 'UserError', code: 'NO_SUCH_SLOT', domain: 'user' });

    h.taskExecutor.submitTaskError = undefined;
    h.taskExecutor.submitTaskThrows = new TypeError('slots is undefined');
    jm.send({ type: 'submit-task', requestId: 21, tdd: testingTaskDeploymentDescriptor() });
    expect((await jm.take('failure')).error).toMatchObject({
      name: 'TypeError',
      message: 'slots is undefined',
    });
  });

  it('answers heartbeats with a slot report that follows deployments and releases', async () => {
    const h = await harness();
    const { jm } = await connected(h);
    jm.send({ type: 'submit-task', requestId: 1, tdd: testingTaskDeploymentDescriptor({ slotIndex: 1 }) });
    await jm.take('ack');
    jm.send({ type: 'heartbeat-request', requestId: 100 });
    expect(await jm.take('heartbeat-response')).toEqual({
      type: 'heartbeat-response',
      requestId: 100,
      slotReport: {
        slots: [
          { slotIndex: 0, jobId: null },
          { slotIndex: 1, jobId },
        ],
      },
    });
    jm.send({ type: 'release-job', requestId: 2, jobId });
    await jm.take('ack');
    jm.send({ type: 'heartbeat-request', requestId: 101 });
    const response = await jm.take('heartbeat-response');
    expect(response.slotReport?.slots.every((s) => s.jobId === null)).toBe(true);
  });

  it('sends task state and client data through its JobMasterGateway', async () => {
    const h = await harness();
    const { connection, jm } = await connected(h);
    const update = { jobId, executionAttemptId: ExecutionAttemptId.generate(), state: 'FINISHED' } as const;
    connection.jobMasterGateway.updateTaskExecutionState(update);
    connection.jobMasterGateway.deliverClientData(jobId, 'collect', { words: new Map([['a', 2]]) });
    expect(await jm.take('task-state')).toEqual({ type: 'task-state', update });
    expect(await jm.take('client-data')).toEqual({
      type: 'client-data',
      jobId,
      operatorId: 'collect',
      payload: { words: new Map([['a', 2]]) },
    });
  });

  it('fails to connect when the JobManager rejects the registration', async () => {
    const h = await harness();
    const connecting = JobManagerConnection.connect(h.options);
    const rejected = expect(connecting).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError &&
        e.code === 'REGISTRATION_REJECTED' &&
        e.domain === 'user' &&
        /rejected TaskManager tm-1: resource ID 'tm-1' is taken/.test(e.message),
    );
    const jm = await h.server.nextPeer();
    jm.send({
      type: 'registration-rejected',
      requestId: (await jm.take('register-task-manager')).requestId,
      reason: "resource ID 'tm-1' is taken",
    });
    await rejected;
    expect(h.disconnected).toEqual([]);
  });

  it('fails to connect when nothing listens at the address', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const h = await harness();
    await expect(
      JobManagerConnection.connect({ ...h.options, url: `ws://127.0.0.1:${port}` }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError && e.code === 'JOB_MANAGER_UNREACHABLE' && /ECONNREFUSED/.test(e.message),
    );
  });

  it('fails to connect when the registration is not answered in time', async () => {
    const h = await harness({ registrationTimeoutMs: 100 });
    await expect(JobManagerConnection.connect(h.options)).rejects.toSatisfy(
      (e: unknown) => e instanceof FreshetError && e.code === 'REGISTRATION_TIMEOUT',
    );
  });

  it('calls onDisconnected when the JobManager goes away, and reports messages it cannot send', async () => {
    const h = await harness();
    const { connection, jm } = await connected(h);
    jm.ws.terminate();
    await waitFor(() => h.disconnected.length === 1, WAIT_MS, 'onDisconnected');
    expect(h.disconnected[0]!.code).toBe('JOB_MANAGER_DISCONNECTED');
    expect(h.disconnected[0]!.message).toMatch(/closed the connection \(code 1006\)/);
    connection.jobMasterGateway.updateTaskExecutionState({
      jobId,
      executionAttemptId: ExecutionAttemptId.generate(),
      state: 'FAILED',
    });
    expect(h.errors.map((e) => e.code)).toEqual(['JOB_MANAGER_UNREACHABLE']);
    expect(h.errors[0]!.message).toMatch(/a 'task-state' message was not sent/);
  });

  it('drops a JobManager that sends no heartbeat requests for the timeout', async () => {
    const h = await harness({ heartbeat: { intervalMs: 50, timeoutMs: 300 } });
    const { jm } = await connected(h);
    const since = Date.now();
    await waitFor(() => h.disconnected.length === 1, WAIT_MS, 'onDisconnected');
    expect(Date.now() - since).toBeGreaterThanOrEqual(250);
    expect(h.disconnected[0]!.code).toBe('JOB_MANAGER_LOST');
    expect(h.disconnected[0]!.message).toMatch(/sent no heartbeat for 300 ms/);
    await jm.waitClosed();
  });

  it('drops the connection when the JobManager sends a malformed frame', async () => {
    const h = await harness();
    const { jm } = await connected(h);
    jm.sendRaw(Buffer.from([0x46, 0x52, 1, 77, 0, 0, 0, 0]));
    await waitFor(() => h.disconnected.length === 1, WAIT_MS, 'onDisconnected');
    expect(h.disconnected[0]!.code).toBe('MALFORMED_RPC_MESSAGE');
    expect(h.disconnected[0]!.message).toMatch(/unknown message type id 77/);
    await jm.waitClosed();
  });

  it('drops the connection on a message only a TaskManager sends', async () => {
    const h = await harness();
    const { jm } = await connected(h);
    jm.send({ type: 'ack', requestId: 1 });
    await waitFor(() => h.disconnected.length === 1, WAIT_MS, 'onDisconnected');
    expect(h.disconnected[0]!.code).toBe('UNEXPECTED_RPC_MESSAGE');
  });

  it('closes without calling onDisconnected', async () => {
    const h = await harness();
    const { connection, jm } = await connected(h);
    await connection.close();
    expect((await jm.waitClosed()).code).toBe(1000);
    expect(h.disconnected).toEqual([]);
  });
});
