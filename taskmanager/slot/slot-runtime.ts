/**
 * Everything that runs inside one slot: its network stack and the tasks deployed into it (one
 * subtask of each vertex under slot sharing). The same class runs in a slot worker thread and,
 * for jobs without a bundle, on the TaskManager's own thread.
 */
import type { Pipeline } from '../../api/environment/execution-context.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutionStateUpdate,
  TaskMetricsReport,
} from '../../common/protocol/gateways.js';
import { isTerminalExecutionState } from '../../common/job-status.js';
import type { JobInformation, TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { NetworkEnvironment } from '../network/network-environment.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import type { NetworkConnection } from '../network/transport/network-connection.js';
import { StreamTask } from '../task/stream-task.js';
import { Configuration } from '../../common/config/configuration.js';
import { TaskManagerOptions } from '../../common/config/config-options.js';
import type { IoConnection } from '../state/rocksdb/rocksdb-io-protocol.js';
import { SlotRocksDB } from '../state/rocksdb/slot-rocksdb.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';

/** The slot's outlets to its TaskManager; checkpoint replies keep the JobMasterGateway's signatures. */
export interface SlotHost extends Pick<
  JobMasterGateway,
  'acknowledgeCheckpoint' | 'declineCheckpoint' | 'sendOperatorEventToCoordinator'
> {
  reportState(update: TaskExecutionStateUpdate): void;
  /** Sends a data-plane message from slot `from` to a slot of another TaskManager. */
  sendRemote?(from: string, to: string, message: NetworkMessage): void;
  writeStdout(text: string): void;
  sendToClient(jobId: JobId, operatorId: string, payload: unknown): void;
}

export interface SlotRuntimeOptions {
  readonly locationKey: string;
  readonly segmentSize: number;
  readonly host: SlotHost;
  readonly resolvePipeline: (job: JobInformation) => Promise<Pipeline>;
  readonly connectionTo: (location: string) => NetworkConnection;
  /** The TaskManager's configuration (tasks overlay their job's keys). */
  readonly configuration: Readonly<Record<string, string>>;
  readonly clock?: () => number;
  /** The slot's line to the process's RocksDB I/O thread (one is made on first use when absent). */
  readonly stateIo?: () => IoConnection;
}

export class SlotRuntime {
  readonly network: NetworkEnvironment;
  private readonly tasks = new Map<ExecutionAttemptId, { task: StreamTask; jobId: JobId }>();
  /** Attempts deployed here whose task object does not exist yet (pipeline still loading). */
  private readonly starting = new Set<ExecutionAttemptId>();
  private readonly cancelledEarly = new Set<ExecutionAttemptId>();
  private readonly pipelines = new Map<JobId, Promise<Pipeline>>();
  private readonly clock: () => number;
  /** The slot's RocksDB instance, opened when a task of a rocksdb job first needs it. */
  private readonly rocksDB: SlotRocksDB;

  constructor(private readonly options: SlotRuntimeOptions) {
    this.network = new NetworkEnvironment(options.locationKey, options.connectionTo);
    this.clock = options.clock ?? Date.now;
    const rootDirs = Configuration.fromMap(options.configuration, 'TaskManager configuration').get(
      TaskManagerOptions.LOCAL_STATE_ROOT_DIRS,
    );
    this.rocksDB = new SlotRocksDB(rootDirs ?? [], options.locationKey, options.stateIo);
  }

  deploy(tdd: TaskDeploymentDescriptor): void {
    void this.run(tdd);
  }

  cancel(executionAttemptId: ExecutionAttemptId): void {
    if (this.starting.has(executionAttemptId)) this.cancelledEarly.add(executionAttemptId);
    this.tasks.get(executionAttemptId)?.task.cancel();
  }

  releaseJob(jobId: JobId): void {
    this.pipelines.delete(jobId);
  }

  triggerCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): void {
    const entry = this.tasks.get(executionAttemptId);
    if (entry !== undefined) entry.task.triggerCheckpoint(checkpointId, timestamp, options);
  }

  notifyCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    outcome: 'complete' | 'final' | 'aborted',
  ): void {
    const task = this.tasks.get(executionAttemptId)?.task;
    if (outcome === 'aborted') task?.notifyCheckpointAborted(checkpointId);
    else task?.notifyCheckpointComplete(checkpointId, outcome === 'final');
  }

  deliverNetworkMessage(message: NetworkMessage): void {
    this.network.onMessage(message);
  }

  /** An event of an operator's coordinator; dropped when the attempt no longer runs here. */
  deliverOperatorEvent(
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceCoordinatorEvent,
  ): void {
    this.tasks.get(executionAttemptId)?.task.dispatchOperatorEvent(operatorId, event);
  }

  runningTasks(): number {
    return this.tasks.size;
  }

  /** The I/O counters of every running task. */
  taskMetrics(): TaskMetricsReport[] {
    const reports: TaskMetricsReport[] = [];
    for (const [executionAttemptId, { task, jobId }] of this.tasks) {
      reports.push({ jobId, executionAttemptId, ...task.ioMetrics() });
    }
    return reports;
  }

  private async run(tdd: TaskDeploymentDescriptor): Promise<void> {
    const report = (state: TaskExecutionStateUpdate['state'], error?: unknown): void => {
      this.options.host.reportState({
        jobId: tdd.job.jobId,
        executionAttemptId: tdd.executionAttemptId,
        state,
        ...(error === undefined ? {} : { error: serializeError(error) }),
        ...(task === undefined || !isTerminalExecutionState(state) ? {} : { ioMetrics: task.ioMetrics() }),
      });
    };
    let task: StreamTask | undefined;
    const attempt = tdd.executionAttemptId;
    this.starting.add(attempt);
    try {
      report('INITIALIZING');
      const pipeline = await this.pipelineFor(tdd.job);
      this.starting.delete(attempt);
      if (this.cancelledEarly.delete(attempt)) {
        report('CANCELED');
        return;
      }
      task = new StreamTask({
        tdd,
        pipeline,
        network: this.network,
        segmentSize: this.options.segmentSize,
        configuration: { ...this.options.configuration, ...tdd.job.configuration },
        slotRocksDB: this.rocksDB,
        checkpointResponder: {
          acknowledgeCheckpoint: (checkpointId, state) =>
            this.options.host.acknowledgeCheckpoint(tdd.job.jobId, attempt, checkpointId, state),
          declineCheckpoint: (checkpointId, reason, error) =>
            this.options.host.declineCheckpoint(
              tdd.job.jobId,
              attempt,
              checkpointId,
              reason,
              error === undefined ? undefined : serializeError(error),
            ),
        },
        clock: this.clock,
        writeStdout: (text) => this.options.host.writeStdout(text),
        sendToClient: (operatorId, payload) =>
          this.options.host.sendToClient(tdd.job.jobId, operatorId, payload),
        sendOperatorEventToCoordinator: (operatorId, event) =>
          this.options.host.sendOperatorEventToCoordinator?.(tdd.job.jobId, attempt, operatorId, event),
      });
      this.tasks.set(tdd.executionAttemptId, { task, jobId: tdd.job.jobId });
      report('RUNNING');
      await task.invoke();
      report(task.isCancelled() ? 'CANCELED' : 'FINISHED');
    } catch (error) {
      if (task?.isCancelled() === true || this.cancelledEarly.delete(attempt)) report('CANCELED');
      else report('FAILED', error);
    } finally {
      this.starting.delete(attempt);
      this.tasks.delete(attempt);
    }
  }

  private pipelineFor(job: JobInformation): Promise<Pipeline> {
    let pipeline = this.pipelines.get(job.jobId);
    if (pipeline === undefined) {
      pipeline = this.options.resolvePipeline(job).then((resolved) => {
        if (resolved.jobGraph.graphHash !== job.graphHash) {
          throw new FreshetError(
            'NON_DETERMINISTIC_GRAPH',
            `the job graph rebuilt in this TaskManager differs from the submitted one (hash ${resolved.jobGraph.graphHash} ` +
              `vs ${job.graphHash}): the job's main() must build the same graph every time it runs ` +
              `(no randomness, clock or environment checks in graph construction)`,
            { domain: 'user' },
          );
        }
        return resolved;
      });
      this.pipelines.set(job.jobId, pipeline);
    }
    return pipeline;
  }
}
