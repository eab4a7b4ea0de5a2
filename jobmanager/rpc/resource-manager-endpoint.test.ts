import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import { ExecutionAttemptId, JobId } from '../../common/ids.js';
import { waitFor } from '../../test/support/cli.js';
import { RawRpcPeer, WAIT_MS } from '../../test/support/raw-rpc-peer.js';
import {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  cleanUp,
  endpointOptions,
  onCleanUp,
  registeredPeer,
  registration,
  startEndpoint,
} from '../../test/support/resource-manager-harness.js';
import { testingTaskDeploymentDescriptor } from '../../test/support/testing-gateways.js';
import { ResourceManagerEndpoint } from './resource-manager-endpoint.js';

const jobId = JobId.parse('0123456789abcdef0123456789abcdef');

afterEach(cleanUp);

describe('ResourceManagerEndpoint', () => {
  it('registers a TaskManager and hands on its gateway, slots and data address', async () => {
    const h = await startEndpoint();
    await registeredPeer(h, 'tm-1');
    expect(h.registered.get('tm-1')).toMatchObject({
      numberOfSlots: 2,
      dataAddress: { host: '127.0.0.1', port: 41000 },
    });
    expect(h.endpoint.registeredTaskManagers()).toEqual(['tm-1']);
  });

  it('sends submit-task, cancel-task and release-job as requests that settle on ack', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    const gateway = h.registered.get('tm-1')!.gateway;
    const tdd = testingTaskDeploymentDescriptor();

    const submitted = gateway.submitTask(tdd);
    const submit = await peer.take('submit-task');
    expect(submit.tdd).toEqual(tdd);
    peer.send({ type: 'ack', requestId: submit.requestId });
    await expect(submitted).resolves.toBeUndefined();

    const attempt = ExecutionAttemptId.generate();
    const canceled = gateway.cancelTask(attempt);
    const cancel = await peer.take('cancel-task');
    expect(cancel.executionAttemptId).toBe(attempt);
    const released = gateway.releaseJob(jobId);
    const release = await peer.take('release-job');
    expect(release.jobId).toBe(jobId);
    expect(release.requestId).not.toBe(cancel.requestId);
    // Answers may come in any order.
    peer.send({ type: 'ack', requestId: release.requestId });
    peer.send({ type: 'ack', requestId: cancel.requestId });
    await expect(Promise.all([canceled, released])).resolves.toEqual([undefined, undefined]);
  });

  it('rejects a request with the error the TaskManager sent back, as the same class', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    const submitted = h.registered.get('tm-1')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    const submit = await peer.take('submit-task');
    const error = new UserError('NO_SUCH_SLOT', 'TaskManager tm-1 has no slot 7');
    peer.send({ type: 'failure', requestId: submit.requestId, error: serializeError(error) });
    await expect(submitted).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && e.code === 'NO_SUCH_SLOT' && /no slot 7/.test(e.message),
    );

    const plain = h.registered.get('tm-1')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    const second = await peer.take('submit-task');
    peer.send({
      type: 'failure',
      requestId: second.requestId,
      error: serializeError(new TypeError('x is undefined')),
    });
    await expect(plain).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError &&
        e.code === 'TASK_EXECUTOR_REQUEST_FAILED' &&
        /x is undefined/.test(e.message),
    );
  });

  it('forwards task state and client data to the JobMasterGateway', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    const update = { jobId, executionAttemptId: ExecutionAttemptId.generate(), state: 'RUNNING' } as const;
    peer.send({ type: 'task-state', update });
    peer.send({ type: 'client-data', jobId, operatorId: 'collect', payload: [['a', 1]] });
    await waitFor(() => h.jobMaster.clientData.length === 1, WAIT_MS, 'client data');
    expect(h.jobMaster.updates).toEqual([update]);
    expect(h.jobMaster.clientData).toEqual([{ jobId, operatorId: 'collect', payload: [['a', 1]] }]);
  });

  it('rejects a second TaskManager with the resource ID of a connected one, keeping the first', async () => {
    const h = await startEndpoint();
    const first = await registeredPeer(h, 'tm-1');
    const second = await RawRpcPeer.connect(h.url);
    onCleanUp(() => second.ws.terminate());
    second.send(registration('tm-1'));
    const rejected = await second.take('registration-rejected');
    expect(rejected.requestId).toBe(1);
    expect(rejected.reason).toMatch(/resource ID 'tm-1' is already registered and connected/);
    expect((await second.waitClosed()).code).toBe(1008);
    expect(h.endpoint.registeredTaskManagers()).toEqual(['tm-1']);
    expect(h.lost).toEqual([]);
    // The first one still works.
    const submitted = h.registered.get('tm-1')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    first.send({ type: 'ack', requestId: (await first.take('submit-task')).requestId });
    await expect(submitted).resolves.toBeUndefined();
  });

  it('accepts the resource ID again once the TaskManager holding it is gone', async () => {
    const h = await startEndpoint();
    const first = await registeredPeer(h, 'tm-1');
    first.ws.terminate();
    await waitFor(() => h.lost.length === 1, WAIT_MS, 'tm-1 lost');
    h.registered.clear();
    await registeredPeer(h, 'tm-1');
  });

  it('rejects a TaskManager without slots', async () => {
    const h = await startEndpoint();
    const peer = await RawRpcPeer.connect(h.url);
    onCleanUp(() => peer.ws.terminate());
    peer.send(registration('tm-0', 0));
    expect((await peer.take('registration-rejected')).reason).toMatch(/at least 1 slot/);
  });

  it('reports a TaskManager lost when its connection is destroyed, failing its pending requests', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    const pending = h.registered.get('tm-1')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    const rejection = pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    await peer.take('submit-task');
    (peer.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await waitFor(() => h.lost.length === 1, WAIT_MS, 'tm-1 lost');
    expect(h.lost[0]!.resourceId).toBe('tm-1');
    expect(h.lost[0]!.reason.code).toBe('TASK_MANAGER_LOST');
    expect(h.lost[0]!.reason.message).toMatch(/connection to TaskManager tm-1 \(.*\) closed \(code 1006\)/);
    const error = await rejection;
    expect(error).toBeInstanceOf(FreshetError);
    expect(error).toMatchObject({ code: 'TASK_MANAGER_DISCONNECTED', retryable: true });
    expect(h.endpoint.registeredTaskManagers()).toEqual([]);
    // Calls after the loss fail at once.
    await expect(h.registered.get('tm-1')!.gateway.releaseJob(jobId)).rejects.toThrow(/went away/);
  });

  it('reports a TaskManager that stops answering heartbeats lost within the timeout', async () => {
    const h = await startEndpoint();
    const healthy = await registeredPeer(h, 'tm-healthy');
    const silentSince = Date.now();
    const silent = await registeredPeer(h, 'tm-silent', false);
    await waitFor(() => h.lost.length === 1, WAIT_MS, 'tm-silent lost');
    const lost = h.lost[0]!;
    expect(lost.resourceId).toBe('tm-silent');
    expect(lost.reason.code).toBe('TASK_MANAGER_LOST');
    expect(lost.reason.message).toMatch(/answered no heartbeat for 300 ms \(heartbeat.timeout\)/);
    const elapsed = lost.at - silentSince;
    expect(elapsed).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(HEARTBEAT_TIMEOUT_MS + 4 * HEARTBEAT_INTERVAL_MS + 500);
    // The silent one did get heartbeat requests, and was cut off; the healthy one stays.
    expect(silent.inbox.some((m) => m.type === 'heartbeat-request')).toBe(true);
    await silent.waitClosed();
    expect(h.endpoint.registeredTaskManagers()).toEqual(['tm-healthy']);
    expect(h.slotReports.some((r) => r.resourceId === 'tm-healthy')).toBe(true);
    expect(healthy.closed).toBeUndefined();
    expect(h.lost).toHaveLength(1);
  });

  it.each([
    ['garbage bytes', Buffer.from('not a freshet frame'), /bad magic/],
    ['a text frame', 'hello', /text frame/],
    ['an unknown message type', Buffer.from([0x46, 0x52, 1, 99, 0, 0, 0, 0]), /unknown message type id 99/],
  ])('closes only the connection that sent %s, with an error', async (_what, frame, message) => {
    const h = await startEndpoint();
    const good = await registeredPeer(h, 'tm-good');
    const bad = await registeredPeer(h, 'tm-bad');
    bad.sendRaw(frame);
    expect((await bad.waitClosed()).code).toBe(1002);
    await waitFor(() => h.errors.length > 0, WAIT_MS, 'a connection error');
    expect(h.errors[0]!.code).toBe('MALFORMED_RPC_MESSAGE');
    expect(h.errors[0]!.message).toMatch(message);
    expect(h.errors[0]!.message).toMatch(/tm-bad/);
    await waitFor(() => h.lost.length === 1, WAIT_MS, 'tm-bad lost');
    expect(h.lost[0]!.resourceId).toBe('tm-bad');
    // The other TaskManager is unaffected.
    const submitted = h.registered.get('tm-good')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    good.send({ type: 'ack', requestId: (await good.take('submit-task')).requestId });
    await expect(submitted).resolves.toBeUndefined();
    expect(h.endpoint.registeredTaskManagers()).toEqual(['tm-good']);
  });

  it('closes a connection that sends anything before registering', async () => {
    const h = await startEndpoint();
    const peer = await RawRpcPeer.connect(h.url);
    onCleanUp(() => peer.ws.terminate());
    peer.send({
      type: 'task-state',
      update: { jobId, executionAttemptId: ExecutionAttemptId.generate(), state: 'RUNNING' },
    });
    expect((await peer.waitClosed()).code).toBe(1002);
    expect(h.errors[0]!.code).toBe('UNEXPECTED_RPC_MESSAGE');
    expect(h.errors[0]!.message).toMatch(/unexpected 'task-state' message before registering/);
    expect(h.jobMaster.updates).toEqual([]);
    expect(h.lost).toEqual([]);
  });

  it('closes a connection that acknowledges a request it never got', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    peer.send({ type: 'ack', requestId: 4242 });
    expect((await peer.waitClosed()).code).toBe(1002);
    expect(h.errors[0]!.message).toMatch(/unexpected 'ack' message for unknown request 4242/);
  });

  it('fails with a clear error when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onCleanUp(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const start = ResourceManagerEndpoint.start(endpointOptions(port));
    await expect(start).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof FreshetError && e.code === 'RPC_BIND_FAILED' && /jobmanager\.rpc\.port/.test(e.message),
    );
  });

  it('on close drops the TaskManagers without reporting them lost and fails pending requests', async () => {
    const h = await startEndpoint();
    const peer = await registeredPeer(h, 'tm-1');
    const pending = h.registered.get('tm-1')!.gateway.submitTask(testingTaskDeploymentDescriptor());
    const rejected = expect(pending).rejects.toThrow(/shutting down/);
    await peer.take('submit-task');
    await h.endpoint.close();
    await rejected;
    await peer.waitClosed();
    expect(h.lost).toEqual([]);
  });
});
