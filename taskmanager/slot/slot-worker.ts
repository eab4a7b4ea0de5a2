/**
 * Entry point of a slot worker thread: one SlotRuntime, peer ports to the other slots of the
 * TaskManager for data, and the parent port for control.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import { bufferBytes } from '../../common/protocol/record-batch-codec.js';
import {
  DirectConnection,
  MessagePortConnection,
  type NetworkConnection,
} from '../network/transport/network-connection.js';
import { resolvePipelineFromBundle } from './bundle-pipeline-resolver.js';
import type { FromSlotWorker, SlotWorkerData, ToSlotWorker } from './slot-protocol.js';
import { SlotRuntime } from './slot-runtime.js';

const data = workerData as SlotWorkerData;
const parent = parentPort as MessagePort;
const send = (message: FromSlotWorker): void => parent.postMessage(message);
const locationKey = `${data.taskManagerId}/${data.slotIndex}`;
const peers = new Map<string, NetworkConnection>();

class ParentRelayConnection implements NetworkConnection {
  constructor(
    private readonly from: string,
    private readonly to: string,
  ) {}

  send(message: NetworkMessage): void {
    if (message.type === 'buffer') {
      const data = bufferBytes(message.data);
      const out: FromSlotWorker = {
        type: 'network-out',
        from: this.from,
        to: this.to,
        message: { ...message, data },
      };
      parent.postMessage(out, [data.buffer as ArrayBuffer]);
    } else {
      parent.postMessage({
        type: 'network-out',
        from: this.from,
        to: this.to,
        message,
      } satisfies FromSlotWorker);
    }
  }
}

let provided: Promise<Record<string, unknown>> | undefined;
function providedModules(): Promise<Record<string, unknown>> {
  provided ??= (async () => {
    const modules: Record<string, unknown> = {};
    for (const [name, url] of Object.entries(data.providedModules)) modules[name] = await import(url);
    return modules;
  })();
  return provided;
}

const runtime: SlotRuntime = new SlotRuntime({
  locationKey,
  segmentSize: data.segmentSize,
  host: {
    reportState: (update) => send({ type: 'task-state', update }),
    writeStdout: (text) => send({ type: 'stdout', text }),
    sendToClient: (jobId, operatorId, payload) => send({ type: 'client-data', jobId, operatorId, payload }),
    acknowledgeCheckpoint: (jobId, executionAttemptId, checkpointId, state) =>
      send({ type: 'acknowledge-checkpoint', jobId, executionAttemptId, checkpointId, state }),
    declineCheckpoint: (jobId, executionAttemptId, checkpointId, reason, error) =>
      send({ type: 'decline-checkpoint', jobId, executionAttemptId, checkpointId, reason, error }),
    sendOperatorEventToCoordinator: (jobId, executionAttemptId, operatorId, event) =>
      send({ type: 'operator-event-to-coordinator', jobId, executionAttemptId, operatorId, event }),
  },
  configuration: data.configuration,
  ...(data.stateIo === undefined ? {} : { stateIo: () => data.stateIo! }),
  resolvePipeline: async (job) => resolvePipelineFromBundle(job, await providedModules()),
  connectionTo: (location) => {
    const peer = peers.get(location);
    if (peer !== undefined) return peer;
    if (location.startsWith(`${data.taskManagerId}/`)) {
      throw new Error(`slot ${locationKey} has no connection to ${location}`);
    }
    // Another TaskManager: the TaskManager's thread owns the TCP connection, relay through it.
    const relay = new ParentRelayConnection(locationKey, location);
    peers.set(location, relay);
    return relay;
  },
});
peers.set(locationKey, new DirectConnection((message) => runtime.network.onMessage(message)));

parent.on('message', (message: ToSlotWorker) => {
  switch (message.type) {
    case 'connect-peer':
      peers.set(message.location, new MessagePortConnection(message.port));
      message.port.on('message', (m: NetworkMessage) => runtime.network.onMessage(m));
      return;
    case 'deploy':
      runtime.deploy(message.tdd);
      return;
    case 'cancel':
      runtime.cancel(message.executionAttemptId);
      return;
    case 'release-job':
      runtime.releaseJob(message.jobId);
      return;
    case 'network-in':
      runtime.network.onMessage(message.message);
      return;
    case 'trigger-checkpoint':
      runtime.triggerCheckpoint(
        message.executionAttemptId,
        message.checkpointId,
        message.timestamp,
        message.options,
      );
      return;
    case 'notify-checkpoint':
      runtime.notifyCheckpoint(message.executionAttemptId, message.checkpointId, message.outcome);
      return;
    case 'operator-event':
      runtime.deliverOperatorEvent(message.executionAttemptId, message.operatorId, message.event);
      return;
  }
});
/** How often the worker pushes its tasks' I/O counters to the TaskManager thread. */
const METRICS_PUSH_INTERVAL_MS = 1000;
setInterval(
  () => send({ type: 'task-metrics', reports: runtime.taskMetrics() }),
  METRICS_PUSH_INTERVAL_MS,
).unref();
// Freshet's own modules load before the slot reports ready, as a TaskManager's framework is in
// place before any job arrives: a job's deployment then pays only for its own bundle. A module
// that fails to load fails the first job that needs it, with the loader's error.
void providedModules().then(
  () => send({ type: 'ready' }),
  () => send({ type: 'ready' }),
);
