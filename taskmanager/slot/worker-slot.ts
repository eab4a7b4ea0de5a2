/** A slot backed by a worker thread (the TaskManager-side handle). */
import { Worker, type MessagePort } from 'node:worker_threads';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { TaskMetricsReport } from '../../common/protocol/gateways.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import { bufferBytes } from '../../common/protocol/record-batch-codec.js';
import type { SlotHost } from './slot-runtime.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import type { FromSlotWorker, SlotWorkerData, ToSlotWorker } from './slot-protocol.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';

/** The compiled worker entry; from TypeScript sources (tests), the build output of the same file. */
export function slotWorkerEntry(): URL {
  return compiledModuleUrl('./slot-worker.js', import.meta.url);
}

export class WorkerSlot {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private exitError: Error | undefined;
  private latestMetrics: readonly TaskMetricsReport[] = [];

  constructor(
    readonly slotIndex: number,
    data: SlotWorkerData,
    private readonly host: SlotHost,
    onExit: (slot: WorkerSlot, error: Error | undefined) => void,
  ) {
    this.worker = new Worker(slotWorkerEntry(), {
      workerData: data,
      transferList: data.stateIo === undefined ? [] : [data.stateIo.port],
      stdout: false,
      stderr: false,
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: FromSlotWorker): void => {
        if (message.type === 'ready') resolve();
        else this.onMessage(message);
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', (error) => {
        this.exitError = error;
        reject(error);
      });
    });
    this.worker.once('exit', (code) => {
      onExit(
        this,
        this.exitError ??
          (code === 0
            ? undefined
            : new FreshetError('SLOT_WORKER_EXIT', `slot worker ${slotIndex} exited with code ${code}`)),
      );
    });
  }

  /** The I/O counters the worker last pushed for its running tasks. */
  taskMetrics(): readonly TaskMetricsReport[] {
    return this.latestMetrics;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  connectPeer(location: string, port: MessagePort): void {
    this.post({ type: 'connect-peer', location, port }, [port]);
  }

  deploy(tdd: TaskDeploymentDescriptor): void {
    this.post({ type: 'deploy', tdd });
  }

  cancel(executionAttemptId: ExecutionAttemptId): void {
    this.post({ type: 'cancel', executionAttemptId });
  }

  releaseJob(jobId: JobId): void {
    this.post({ type: 'release-job', jobId });
  }

  triggerCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): void {
    this.post({ type: 'trigger-checkpoint', executionAttemptId, checkpointId, timestamp, options });
  }

  notifyCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    outcome: 'complete' | 'final' | 'aborted',
  ): void {
    this.post({ type: 'notify-checkpoint', executionAttemptId, checkpointId, outcome });
  }

  deliverOperatorEvent(
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceCoordinatorEvent,
  ): void {
    this.post({ type: 'operator-event', executionAttemptId, operatorId, event });
  }

  deliverNetworkMessage(message: NetworkMessage): void {
    if (message.type === 'buffer') {
      const data = bufferBytes(message.data);
      const envelope: ToSlotWorker = { type: 'network-in', message: { ...message, data } };
      this.worker.postMessage(envelope, [data.buffer as ArrayBuffer]);
    } else {
      this.worker.postMessage({ type: 'network-in', message } satisfies ToSlotWorker);
    }
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: ToSlotWorker, transfer?: MessagePort[]): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(message: FromSlotWorker): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'task-state':
        this.host.reportState(message.update);
        return;
      case 'stdout':
        this.host.writeStdout(message.text);
        return;
      case 'task-metrics':
        this.latestMetrics = message.reports;
        return;
      case 'client-data':
        this.host.sendToClient(message.jobId, message.operatorId, message.payload);
        return;
      case 'acknowledge-checkpoint':
        this.host.acknowledgeCheckpoint(
          message.jobId,
          message.executionAttemptId,
          message.checkpointId,
          message.state,
        );
        return;
      case 'decline-checkpoint':
        this.host.declineCheckpoint(
          message.jobId,
          message.executionAttemptId,
          message.checkpointId,
          message.reason,
          message.error,
        );
        return;
      case 'network-out':
        this.host.sendRemote?.(message.from, message.to, message.message);
        return;
      case 'operator-event-to-coordinator':
        this.host.sendOperatorEventToCoordinator?.(
          message.jobId,
          message.executionAttemptId,
          message.operatorId,
          message.event,
        );
        return;
    }
  }
}
