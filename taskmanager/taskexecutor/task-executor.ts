/**
 * The TaskManager's core (Flink's TaskExecutor): owns the slots, runs the tasks the JobManager
 * deploys into them, and reports their state back. Slots are worker threads when jobs come as
 * bundles, or run on this thread for programs executed in-process (no bundle to rebuild from).
 */
import { MessageChannel } from 'node:worker_threads';
import type { Pipeline } from '../../api/environment/execution-context.js';
import { connectRocksDBIo } from '../state/rocksdb/rocksdb-io-service.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId, JobId, ResourceId } from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutorGateway,
  TaskMetricsReport,
} from '../../common/protocol/gateways.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { DirectConnection } from '../network/transport/network-connection.js';
import { SlotRuntime, type SlotHost } from '../slot/slot-runtime.js';
import { WorkerSlot } from '../slot/worker-slot.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import { RemoteDataPlane } from './remote-data-plane.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';

export interface TaskExecutorOptions {
  readonly resourceId: ResourceId;
  readonly numberOfSlots: number;
  readonly slotMode: 'worker' | 'inline';
  readonly segmentSize: number;
  /** For worker slots: module URLs provided to bundles as `freshet` and `freshet/connectors`. */
  readonly providedModules: Readonly<Record<string, string>>;
  /** For inline slots: pipelines of in-process jobs, by job ID. */
  readonly inProcessPipelines: ReadonlyMap<string, Pipeline>;
  readonly writeStdout: (text: string) => void;
  /**
   * For bundles stored on a remote JobManager (`code.bundleId` set): where the bundle is on this
   * machine, fetching it first if needed. Without it, `code.path` is used as is.
   */
  readonly resolveBundle?: (bundleId: string) => Promise<string>;
  /** The TaskManager's configuration (tasks overlay their job's keys: checkpoint storage, s3.*). */
  readonly configuration?: Readonly<Record<string, string>>;
  /** Serve result partitions to other TaskManagers over TCP on this address (port 0 = any). */
  readonly dataPlane?: { readonly host: string; readonly port: number };
}

interface Slot {
  taskMetrics(): readonly TaskMetricsReport[];
  deploy(tdd: TaskDeploymentDescriptor): void;
  cancel(id: ExecutionAttemptId): void;
  releaseJob(jobId: JobId): void;
  /** A data-plane message from another TaskManager for this slot. */
  deliverNetworkMessage(message: NetworkMessage): void;
  triggerCheckpoint(
    id: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): void;
  notifyCheckpoint(
    id: ExecutionAttemptId,
    checkpointId: number,
    outcome: 'complete' | 'final' | 'aborted',
  ): void;
  deliverOperatorEvent(id: ExecutionAttemptId, operatorId: string, event: SourceCoordinatorEvent): void;
}

export class TaskExecutor implements TaskExecutorGateway {
  private slots: Slot[] = [];
  private readonly workers: WorkerSlot[] = [];
  private readonly attemptSlots = new Map<
    ExecutionAttemptId,
    { readonly slotIndex: number; readonly jobId: JobId }
  >();
  private jobMaster: JobMasterGateway | undefined;
  private shuttingDown = false;
  private remote: RemoteDataPlane | undefined;
  private boundDataPort: number | undefined;

  constructor(private readonly options: TaskExecutorOptions) {}

  get resourceId(): ResourceId {
    return this.options.resourceId;
  }

  get numberOfSlots(): number {
    return this.options.numberOfSlots;
  }

  /** The TCP port this TaskManager serves result partitions on (after start, with a data plane). */
  get dataPort(): number | undefined {
    return this.boundDataPort;
  }

  /** The I/O counters of the running subtasks (worker slots: as last pushed, at most ~1 s old). */
  taskMetrics(): TaskMetricsReport[] {
    return this.slots.flatMap((slot) => slot.taskMetrics());
  }

  connectToJobMaster(gateway: JobMasterGateway): void {
    this.jobMaster = gateway;
  }

  async start(): Promise<void> {
    const host: SlotHost = {
      reportState: (update) => {
        if (update.state === 'FINISHED' || update.state === 'FAILED' || update.state === 'CANCELED') {
          this.attemptSlots.delete(update.executionAttemptId);
        }
        this.jobMaster?.updateTaskExecutionState(update);
      },
      writeStdout: (text) => this.options.writeStdout(text),
      sendRemote: (from, to, message) => {
        try {
          this.remote?.connection(from, to).send(message);
        } catch {
          // The connection broke: the data plane already failed the tasks using it, and the
          // JobManager fails the job over; what was still in flight for it has no reader.
        }
      },
      sendToClient: (jobId, operatorId, payload) =>
        this.jobMaster?.deliverClientData(jobId, operatorId, payload),
      acknowledgeCheckpoint: (jobId, attemptId, checkpointId, state) =>
        this.jobMaster?.acknowledgeCheckpoint(jobId, attemptId, checkpointId, state),
      declineCheckpoint: (jobId, attemptId, checkpointId, reason, error) =>
        this.jobMaster?.declineCheckpoint(jobId, attemptId, checkpointId, reason, error),
      sendOperatorEventToCoordinator: (jobId, attemptId, operatorId, event) =>
        this.jobMaster?.sendOperatorEventToCoordinator?.(jobId, attemptId, operatorId, event),
    };
    const dataPlane = this.options.dataPlane;
    if (dataPlane !== undefined) {
      this.remote = new RemoteDataPlane(
        this.resourceId,
        (slotIndex, message) => this.slots[slotIndex]?.deliverNetworkMessage(message),
        (error) => this.failTasksOnDataPlaneError(error),
      );
      this.boundDataPort = await this.remote.listen(dataPlane.host, dataPlane.port);
    }
    if (this.options.slotMode === 'inline') this.startInlineSlots(host);
    else await this.startWorkerSlots(host);
  }

  async submitTask(submitted: TaskDeploymentDescriptor): Promise<void> {
    const slot = this.slots[submitted.slotIndex];
    if (slot === undefined) {
      throw new FreshetError(
        'NO_SUCH_SLOT',
        `TaskManager ${this.resourceId} has no slot ${submitted.slotIndex}`,
      );
    }
    const tdd = await this.withLocalBundle(submitted);
    this.attemptSlots.set(tdd.executionAttemptId, { slotIndex: tdd.slotIndex, jobId: tdd.job.jobId });
    this.remote?.learnAddresses(tdd);
    slot.deploy(tdd);
  }

  private async withLocalBundle(tdd: TaskDeploymentDescriptor): Promise<TaskDeploymentDescriptor> {
    const { code } = tdd.job;
    const resolve = this.options.resolveBundle;
    if (code.kind !== 'bundle' || code.bundleId === undefined || resolve === undefined) return tdd;
    const path = await resolve(code.bundleId);
    return { ...tdd, job: { ...tdd.job, code: { ...code, path } } };
  }

  cancelTask(executionAttemptId: ExecutionAttemptId): Promise<void> {
    const placement = this.attemptSlots.get(executionAttemptId);
    if (placement !== undefined) this.slots[placement.slotIndex]?.cancel(executionAttemptId);
    return Promise.resolve();
  }

  releaseJob(jobId: JobId): Promise<void> {
    for (const slot of this.slots) slot.releaseJob(jobId);
    return Promise.resolve();
  }

  triggerCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): Promise<void> {
    const slot = this.slotRunning(executionAttemptId, `trigger checkpoint ${checkpointId}`);
    if (slot instanceof Error) return Promise.reject(slot);
    slot?.triggerCheckpoint(executionAttemptId, checkpointId, timestamp, options);
    return Promise.resolve();
  }

  notifyCheckpointComplete(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    _timestamp: number,
    final?: boolean,
  ): Promise<void> {
    this.notifyCheckpoint(executionAttemptId, checkpointId, final === true ? 'final' : 'complete');
    return Promise.resolve();
  }

  notifyCheckpointAborted(executionAttemptId: ExecutionAttemptId, checkpointId: number): Promise<void> {
    this.notifyCheckpoint(executionAttemptId, checkpointId, 'aborted');
    return Promise.resolve();
  }

  sendOperatorEventToTask(
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceCoordinatorEvent,
  ): Promise<void> {
    const slot = this.slotRunning(executionAttemptId, 'deliver an operator event');
    if (slot instanceof Error) return Promise.reject(slot);
    slot?.deliverOperatorEvent(executionAttemptId, operatorId, event);
    return Promise.resolve();
  }

  private notifyCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    outcome: 'complete' | 'final' | 'aborted',
  ): void {
    const placement = this.attemptSlots.get(executionAttemptId);
    if (placement !== undefined)
      this.slots[placement.slotIndex]?.notifyCheckpoint(executionAttemptId, checkpointId, outcome);
  }

  /** The slot running `executionAttemptId`, or the error saying `action` cannot happen because none does. */
  private slotRunning(
    executionAttemptId: ExecutionAttemptId,
    action: string,
  ): Slot | undefined | FreshetError {
    const placement = this.attemptSlots.get(executionAttemptId);
    if (placement === undefined) {
      return new FreshetError(
        'TASK_NOT_RUNNING',
        `cannot ${action}: attempt ${executionAttemptId} is not running on TaskManager ${this.resourceId}`,
      );
    }
    return this.slots[placement.slotIndex];
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    await this.remote?.close();
  }

  private startInlineSlots(host: SlotHost): void {
    const runtimes: SlotRuntime[] = [];
    for (let i = 0; i < this.options.numberOfSlots; i++) {
      runtimes.push(
        new SlotRuntime({
          locationKey: `${this.resourceId}/${i}`,
          segmentSize: this.options.segmentSize,
          configuration: this.options.configuration ?? {},
          host,
          resolvePipeline: (job) => {
            const pipeline = this.options.inProcessPipelines.get(job.jobId);
            if (pipeline === undefined) {
              return Promise.reject(
                new FreshetError('UNKNOWN_JOB', `no in-process pipeline for job ${job.jobId}`),
              );
            }
            return Promise.resolve(pipeline);
          },
          connectionTo: (location) => {
            const local = `${this.resourceId}/${i}`;
            if (this.remote?.isRemote(location) === true) return this.remote.connection(local, location);
            const target = runtimes.find((r) => r.network.localLocation === location);
            if (target === undefined) throw new FreshetError('UNKNOWN_LOCATION', `no slot at ${location}`);
            return new DirectConnection((message) => target.network.onMessage(message));
          },
        }),
      );
    }
    this.slots = runtimes;
  }

  private async startWorkerSlots(host: SlotHost): Promise<void> {
    for (let i = 0; i < this.options.numberOfSlots; i++) {
      this.workers.push(
        new WorkerSlot(
          i,
          {
            taskManagerId: this.resourceId,
            slotIndex: i,
            segmentSize: this.options.segmentSize,
            providedModules: this.options.providedModules,
            configuration: this.options.configuration ?? {},
            // The `rocksdb` addon loads in one thread per process: the slots reach it over lines.
            stateIo: connectRocksDBIo(),
          },
          host,
          (slot, error) => {
            if (!this.shuttingDown && error !== undefined) this.onWorkerLost(slot, error);
          },
        ),
      );
    }
    await Promise.all(this.workers.map((w) => w.whenReady()));
    // A full mesh of ports between slot workers for the data plane.
    for (let a = 0; a < this.workers.length; a++) {
      for (let b = a + 1; b < this.workers.length; b++) {
        const { port1, port2 } = new MessageChannel();
        this.workers[a]!.connectPeer(`${this.resourceId}/${b}`, port1);
        this.workers[b]!.connectPeer(`${this.resourceId}/${a}`, port2);
      }
    }
    this.slots = this.workers;
  }

  /** Cancels every running task and frees the slots (the JobManager that deployed them is gone). */
  cancelAllTasks(): void {
    const jobs = new Set([...this.attemptSlots.values()].map((placement) => placement.jobId));
    for (const [attempt, placement] of this.attemptSlots) this.slots[placement.slotIndex]?.cancel(attempt);
    this.attemptSlots.clear();
    for (const jobId of jobs) for (const slot of this.slots) slot.releaseJob(jobId);
  }

  /** A broken TaskManager-to-TaskManager connection breaks the channels over it: fail the tasks. */
  private failTasksOnDataPlaneError(error: FreshetError): void {
    this.failAttempts(() => true, error);
  }

  private onWorkerLost(slot: WorkerSlot, error: Error): void {
    const lost = new FreshetError('SLOT_WORKER_LOST', error.message, { retryable: true, cause: error });
    this.failAttempts((slotIndex) => slotIndex === slot.slotIndex, lost);
  }

  /** Reports the attempts in the matching slots as FAILED (retryable: the job may restart them). */
  private failAttempts(inSlot: (slotIndex: number) => boolean, error: FreshetError): void {
    for (const [attempt, placement] of this.attemptSlots) {
      if (!inSlot(placement.slotIndex)) continue;
      this.attemptSlots.delete(attempt);
      this.jobMaster?.updateTaskExecutionState({
        jobId: placement.jobId,
        executionAttemptId: attempt,
        state: 'FAILED',
        error: serializeError(error),
      });
    }
  }
}
