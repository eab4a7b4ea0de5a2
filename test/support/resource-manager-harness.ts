/**
 * A ResourceManagerEndpoint on loopback (port 0, 50 ms heartbeats, 300 ms timeout) whose
 * callbacks record into arrays, and raw fake TaskManagers to register with it.
 */
import { expect } from 'vitest';
import type { FreshetError } from '../../common/errors/freshet-error.js';
import { ResourceId } from '../../common/ids.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { RegisterTaskManager, SlotReport } from '../../common/protocol/rpc-messages.js';
import {
  ResourceManagerEndpoint,
  type ResourceManagerEndpointOptions,
  type TaskManagerDataAddress,
} from '../../jobmanager/rpc/resource-manager-endpoint.js';
import { waitFor } from './cli.js';
import { RawRpcPeer, WAIT_MS } from './raw-rpc-peer.js';
import { TestingJobMasterGateway } from './testing-gateways.js';

export const HEARTBEAT_INTERVAL_MS = 50;
export const HEARTBEAT_TIMEOUT_MS = 300;

export interface Registered {
  readonly gateway: TaskExecutorGateway;
  readonly numberOfSlots: number;
  readonly dataAddress: TaskManagerDataAddress;
}

export interface Harness {
  readonly endpoint: ResourceManagerEndpoint;
  readonly url: string;
  readonly jobMaster: TestingJobMasterGateway;
  readonly registered: Map<string, Registered>;
  readonly lost: { resourceId: string; reason: FreshetError; at: number }[];
  readonly errors: FreshetError[];
  readonly slotReports: { resourceId: string; report: SlotReport }[];
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Stops everything the harness started; call it in `afterEach`. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Runs `cleanup` at the next {@link cleanUp}. */
export function onCleanUp(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export function endpointOptions(port: number, overrides: Partial<ResourceManagerEndpointOptions> = {}) {
  const noop = (): void => {};
  return {
    host: '127.0.0.1',
    port,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
    jobMaster: new TestingJobMasterGateway(),
    onTaskManagerRegistered: noop,
    onTaskManagerLost: noop,
    onConnectionError: noop,
    ...overrides,
  };
}

export async function startEndpoint(): Promise<Harness> {
  const jobMaster = new TestingJobMasterGateway();
  const h: Omit<Harness, 'endpoint' | 'url'> = {
    jobMaster,
    registered: new Map(),
    lost: [],
    errors: [],
    slotReports: [],
  };
  const endpoint = await ResourceManagerEndpoint.start(
    endpointOptions(0, {
      jobMaster,
      onTaskManagerRegistered: (id, gateway, numberOfSlots, dataAddress) =>
        h.registered.set(id, { gateway, numberOfSlots, dataAddress }),
      onTaskManagerLost: (resourceId, reason) => h.lost.push({ resourceId, reason, at: Date.now() }),
      onConnectionError: (error) => h.errors.push(error),
      onSlotReport: (resourceId, report) => h.slotReports.push({ resourceId, report }),
    }),
  );
  cleanups.push(() => endpoint.close());
  return { ...h, endpoint, url: `ws://127.0.0.1:${endpoint.port}` };
}

export function registration(resourceId: string, numberOfSlots = 2): RegisterTaskManager {
  return {
    type: 'register-task-manager',
    requestId: 1,
    resourceId: ResourceId.of(resourceId),
    host: '127.0.0.1',
    dataPort: 41000,
    numberOfSlots,
  };
}

const FREE_SLOTS: SlotReport = { slots: [{ slotIndex: 0, jobId: null }] };

/** A raw TaskManager (a RawRpcPeer) that registered and answers heartbeats unless told otherwise. */
export async function registeredPeer(
  h: Harness,
  resourceId: string,
  answerHeartbeats = true,
): Promise<RawRpcPeer> {
  const peer = await RawRpcPeer.connect(h.url);
  cleanups.push(() => peer.ws.terminate());
  if (answerHeartbeats) peer.answerHeartbeats = FREE_SLOTS;
  peer.send(registration(resourceId));
  expect(await peer.take('registration-ack')).toEqual({ type: 'registration-ack', requestId: 1 });
  await waitFor(() => h.registered.has(resourceId), WAIT_MS, `${resourceId} registered`);
  return peer;
}
