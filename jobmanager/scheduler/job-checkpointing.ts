/**
 * The checkpointing of one job as the JobMaster drives it: builds the CheckpointCoordinator from the
 * job's effective configuration (cluster keys, overlaid by the submitted and the program's keys),
 * with the checkpoint storage, the tasks of the current attempt, and a gateway that routes each
 * call to the TaskManager running the attempt. On failover the coordinator stops; the restart
 * deploys every subtask with its state from the latest completed checkpoint.
 *
 * As in Flink, every job has a coordinator, so any running job can take a savepoint (or be stopped
 * with one); periodic checkpoints run only when `execution.checkpointing.interval` is set.
 *
 * The job's source coordinators (split enumerators, JobSourceCoordination) are part of every
 * checkpoint and restore with the tasks: reset on each restart, closed with the job.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobGraph, JobVertex } from '../../api/graph/job-graph.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import { CheckpointingOptions } from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { CheckpointProperties } from '../checkpoint/checkpoint-properties.js';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId } from '../../common/ids.js';
import { StopMode, type TriggerCheckpointOptions } from '../../common/protocol/checkpoint-rpc-messages.js';
import type { Logger } from '../../common/logging/logger.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { JobInformation, TaskRestore } from '../../common/protocol/task-deployment.js';
import { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.js';
import { CheckpointCoordinatorConfiguration } from '../checkpoint/checkpoint-coordinator-configuration.js';
import { CheckpointFailureReason } from '../checkpoint/checkpoint-failure-reason.js';
import { CheckpointId } from '../checkpoint/checkpoint-id.js';
import type { CheckpointOptions } from '../checkpoint/checkpoint-options.js';
import type { CheckpointTriggerGateway } from '../checkpoint/checkpoint-trigger-gateway.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import { DefaultCompletedCheckpointStore } from '../checkpoint/completed-checkpoint-store.js';
import type { FileSystemHaServices } from '../ha/file-system-ha-services.js';
import { HaCompletedCheckpointStore } from '../ha/ha-completed-checkpoint-store.js';
import { StorageCoordinatorView } from '../checkpoint/storage-coordinator-view.js';
import { taskRestoreFor } from '../checkpoint/savepoint-restore.js';
import type { TaskSet } from '../checkpoint/task-set.js';
import type { ExecutionGraph } from './execution-graph.js';
import type { SchedulerTimer } from './scheduler-timer.js';
import { overlayJobConfiguration } from './job-scheduler-configuration.js';
import { JobSourceCoordination, type SourceCoordinationServices } from '../source/job-source-coordination.js';
import { silentLogger } from '../../common/logging/logger.js';
import { systemSchedulerTimer } from './scheduler-timer.js';

export interface JobCheckpointingContext {
  readonly job: JobInformation;
  readonly jobGraph: JobGraph;
  readonly executionGraph: ExecutionGraph;
  /** The gateway of the TaskManager running an attempt of the current attempt set. */
  readonly gatewayOf: (attemptId: ExecutionAttemptId) => TaskExecutorGateway | undefined;
  /** Whether the job is RUNNING (checkpoints start only then). */
  readonly isRunning: () => boolean;
  /** Too many checkpoints failed in a row: the job must fail over with this error. */
  readonly onFailureThresholdExceeded: (error: FreshetError) => void;
  /** A source coordinator failed (or lost an event): the job must fail over with this error. */
  readonly onGlobalFailure?: (error: Error) => void;
  /** Where the job's split enumerators can be created (in-process pipelines, bundle modules). */
  readonly sourceCoordination?: SourceCoordinationServices;
  readonly clusterConfiguration?: Configuration;
  /** High availability: completed checkpoints' pointers are kept there. */
  readonly ha?: FileSystemHaServices;
  /** The checkpoint a recovered job resumes from (HA recovery). */
  readonly recoveredCheckpoint?: CompletedCheckpoint;
  readonly clock?: () => number;
  readonly timer?: SchedulerTimer;
  readonly logger?: Logger;
}

/** The job's configuration as checkpointing reads it. */
export function effectiveJobConfiguration(
  cluster: Configuration | undefined,
  job: JobInformation,
  jobGraph: JobGraph,
): Configuration {
  return overlayJobConfiguration(cluster?.clone() ?? new Configuration(), job, jobGraph);
}

/** Operator ID → the uid it was derived from, for the operators that have one. */
function uidsOf(jobGraph: JobGraph): Map<string, string> {
  const uids = new Map<string, string>();
  for (const vertex of jobGraph.vertices) {
    for (const op of vertex.operators) if (op.uid !== undefined) uids.set(op.operatorId, op.uid);
  }
  return uids;
}

/** How many checkpoints' alignment durations are kept. */
const RETAINED_ALIGNMENT_CHECKPOINTS = 100;

export class JobCheckpointing {
  readonly coordinator: CheckpointCoordinator;
  /** The job's source coordinators (split enumerators). */
  readonly sourceCoordination: JobSourceCoordination;
  private readonly storage: CheckpointStorage;
  /** The checkpoint the next deployment restores from. */
  private restoreFrom: CompletedCheckpoint | undefined;
  /** Per checkpoint: the attempts that acknowledged it after their input ended. */
  private readonly endOfDataAcks = new Map<number, Set<ExecutionAttemptId>>();
  private readonly numberOfTasks: number;
  /** Per recent checkpoint: the barrier alignment durations its tasks reported, in ms. */
  private readonly alignments = new Map<number, number[]>();
  /** The synchronous savepoints (stop-with-savepoint) triggered at the sources, recent ones. */
  private readonly synchronousSavepoints = new Set<number>();
  private lastDrainTriggered: number | undefined;
  /** The job's `state.savepoints.dir`: where a savepoint without a target directory goes. */
  readonly defaultSavepointDirectory: string | undefined;

  /** Throws IllegalConfigurationError for bad settings. */
  static create(context: JobCheckpointingContext): JobCheckpointing {
    const configuration = effectiveJobConfiguration(
      context.clusterConfiguration,
      context.job,
      context.jobGraph,
    );
    const coordinatorConfiguration = CheckpointCoordinatorConfiguration.fromConfiguration(configuration);
    if (configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) === undefined) {
      // Flink keeps checkpoints in the JobManager's memory then; a local directory serves the same.
      configuration.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        `file://${join(tmpdir(), 'freshet-checkpoints')}`,
        'default',
      );
    }
    return new JobCheckpointing(context, configuration, coordinatorConfiguration);
  }

  private constructor(
    private readonly context: JobCheckpointingContext,
    configuration: Configuration,
    coordinatorConfiguration: CheckpointCoordinatorConfiguration,
  ) {
    const { job } = context;
    this.defaultSavepointDirectory = configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY);
    this.numberOfTasks = context.jobGraph.vertices.reduce((sum, v) => sum + v.parallelism, 0);
    this.storage = CheckpointStorageFactory.fromConfiguration(configuration);
    const recovered = context.recoveredCheckpoint === undefined ? [] : [context.recoveredCheckpoint];
    const maxRetained = coordinatorConfiguration.maxRetainedCheckpoints;
    this.sourceCoordination = new JobSourceCoordination({
      job,
      jobGraph: context.jobGraph,
      executionGraph: context.executionGraph,
      gatewayOf: context.gatewayOf,
      configuration: configuration.toMap({ includeSensitive: true }),
      services: context.sourceCoordination ?? {},
      failJob: (error) => context.onGlobalFailure?.(error),
      timer: context.timer ?? systemSchedulerTimer,
      logger: context.logger ?? silentLogger(),
    });
    this.coordinator = new CheckpointCoordinator({
      jobId: job.jobId,
      store:
        context.ha === undefined
          ? new DefaultCompletedCheckpointStore(maxRetained, recovered)
          : new HaCompletedCheckpointStore(maxRetained, recovered, context.ha, job.jobId),
      configuration: coordinatorConfiguration,
      gateway: this.triggerGateway(),
      tasks: () => this.taskSet(),
      storage: new StorageCoordinatorView(this.storage, job.jobId, uidsOf(context.jobGraph)),
      operatorCoordinators: this.sourceCoordination,
      onFailureThresholdExceeded: (error) => {
        this.sourceCoordination.markGlobalFailure();
        context.onFailureThresholdExceeded(error);
      },
      ...(context.clock === undefined ? {} : { clock: context.clock }),
      ...(context.timer === undefined ? {} : { timer: context.timer }),
      ...(context.logger === undefined ? {} : { logger: context.logger }),
    });
    // A recovered job deploys from its checkpoint (recorded as restored, IDs continue after it).
    if (context.recoveredCheckpoint !== undefined) this.restoreFrom = this.coordinator.restoreLatest();
    this.sourceCoordination.setRestorePoint(this.restoreFrom);
  }

  /** The job (re)started running: periodic checkpoints (if configured) begin one interval from now. */
  start(): void {
    if (this.coordinator.isPeriodicCheckpointingConfigured()) this.coordinator.startPeriodicScheduling();
  }

  /**
   * The ID of the latest `stop --drain` savepoint whose trigger went to the sources (which end their
   * input on it, so the job cannot simply go on if that savepoint fails).
   */
  get lastDrainingSavepoint(): number | undefined {
    return this.lastDrainTriggered;
  }

  /** Failover: stop triggering and abort what is pending; remember what to restore from. */
  stopForFailover(): void {
    this.coordinator.stop();
  }

  /** Before a restart deploys: the latest completed checkpoint becomes the restore point. */
  prepareRestore(): void {
    this.restoreFrom = this.coordinator.restoreLatest() ?? this.restoreFrom;
    this.sourceCoordination.onRestart(this.restoreFrom);
  }

  /** The state a subtask of `vertex` starts from, when the job restores. */
  taskRestore(vertex: JobVertex): TaskRestore | undefined {
    const checkpoint = this.restoreFrom;
    if (checkpoint === undefined) return undefined;
    return taskRestoreFor(this.context.job.jobId, checkpoint, vertex);
  }

  acknowledge(
    attemptId: ExecutionAttemptId,
    checkpointId: number,
    state: TaskStateSnapshot | undefined,
  ): void {
    if (state?.alignmentDurationMs !== undefined)
      this.recordAlignment(checkpointId, state.alignmentDurationMs);
    if (state?.endOfData === true) {
      const acks = this.endOfDataAcks.get(checkpointId) ?? new Set<ExecutionAttemptId>();
      acks.add(attemptId);
      this.endOfDataAcks.set(checkpointId, acks);
    }
    this.coordinator.receiveAcknowledge(
      this.context.job.jobId,
      attemptId,
      CheckpointId.of(checkpointId),
      state,
    );
  }

  decline(
    attemptId: ExecutionAttemptId,
    checkpointId: number,
    reason: string,
    error?: SerializedError,
  ): void {
    const known = Object.values(CheckpointFailureReason) as string[];
    const failureReason = known.includes(reason)
      ? (reason as CheckpointFailureReason)
      : CheckpointFailureReason.CHECKPOINT_DECLINED;
    const cause = error === undefined ? undefined : deserializeError(error);
    this.coordinator.receiveDecline(CheckpointId.of(checkpointId), attemptId, failureReason, cause);
  }

  async shutdown(): Promise<void> {
    await this.coordinator.shutdown();
    await this.sourceCoordination.close();
    await this.storage.close();
  }

  /** The alignment durations tasks reported, for the most recent checkpoints (oldest first). */
  alignmentDurations(): { readonly checkpointId: number; readonly durationsMs: readonly number[] }[] {
    return [...this.alignments].map(([checkpointId, durationsMs]) => ({ checkpointId, durationsMs }));
  }

  private recordAlignment(checkpointId: number, durationMs: number): void {
    const durations = this.alignments.get(checkpointId);
    if (durations !== undefined) {
      durations.push(durationMs);
      return;
    }
    this.alignments.set(checkpointId, [durationMs]);
    if (this.alignments.size > RETAINED_ALIGNMENT_CHECKPOINTS) {
      this.alignments.delete(this.alignments.keys().next().value!);
    }
  }

  /**
   * Whether the tasks may finish once the checkpoint completed: every task acknowledged it after its
   * input ended, or it is the savepoint of a stop-with-savepoint.
   */
  private isFinal(checkpointId: number): boolean {
    for (const id of this.endOfDataAcks.keys()) if (id < checkpointId) this.endOfDataAcks.delete(id);
    for (const id of this.synchronousSavepoints) if (id < checkpointId) this.synchronousSavepoints.delete(id);
    return (
      this.synchronousSavepoints.has(checkpointId) ||
      (this.endOfDataAcks.get(checkpointId)?.size ?? 0) === this.numberOfTasks
    );
  }

  /** The options a source is triggered with; a stop-with-savepoint's are remembered. */
  private triggerOptions(checkpointId: number, options: CheckpointOptions): TriggerCheckpointOptions {
    const stopMode =
      options.checkpointType === 'SAVEPOINT_TERMINATE'
        ? StopMode.DRAIN
        : options.checkpointType === 'SAVEPOINT_SUSPEND'
          ? StopMode.NO_DRAIN
          : undefined;
    if (stopMode !== undefined) this.synchronousSavepoints.add(checkpointId);
    if (stopMode === StopMode.DRAIN) this.lastDrainTriggered = checkpointId;
    const barrier = barrierOptions(options);
    return stopMode === undefined ? barrier : { ...barrier, stopMode };
  }

  private taskSet(): TaskSet | { readonly notReady: string } {
    const { executionGraph, jobGraph } = this.context;
    if (!this.context.isRunning()) return { notReady: 'the job is not running' };
    const tasks = [];
    for (const vertex of jobGraph.vertices) {
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const execution = executionGraph.execution(vertex.id, subtask);
        if (execution.state !== 'RUNNING') {
          return { notReady: `${vertex.name} (${subtask + 1}/${vertex.parallelism}) is ${execution.state}` };
        }
        tasks.push({
          attemptId: execution.attemptId,
          vertexId: vertex.id,
          subtaskIndex: subtask,
          parallelism: vertex.parallelism,
          maxParallelism: vertex.maxParallelism,
          operatorIds: vertex.operators.map((op) => op.operatorId),
          isSource: vertex.inputs.length === 0,
        });
      }
    }
    return { tasks };
  }

  private triggerGateway(): CheckpointTriggerGateway {
    const gateway = (attemptId: ExecutionAttemptId): TaskExecutorGateway => {
      const found = this.context.gatewayOf(attemptId);
      if (found === undefined) throw new Error(`attempt ${attemptId} has no TaskManager`);
      return found;
    };
    return {
      triggerCheckpoint: async (attemptId, checkpointId, timestamp, options) =>
        gateway(attemptId).triggerCheckpoint(
          attemptId,
          checkpointId,
          timestamp,
          this.triggerOptions(checkpointId, options),
        ),
      notifyCheckpointComplete: async (attemptId, checkpointId, timestamp) =>
        gateway(attemptId).notifyCheckpointComplete(
          attemptId,
          checkpointId,
          timestamp,
          this.isFinal(checkpointId),
        ),
      notifyCheckpointAborted: async (attemptId, checkpointId, timestamp) =>
        gateway(attemptId).notifyCheckpointAborted(attemptId, checkpointId, timestamp),
    };
  }
}

/** The coordinator's options as the barrier carries them. */
function barrierOptions(options: CheckpointOptions): TriggerCheckpointOptions {
  return {
    checkpointType: options.checkpointType === 'CHECKPOINT' ? 'checkpoint' : 'savepoint',
    alignment:
      options.alignmentType === 'ALIGNED'
        ? 'aligned'
        : options.alignmentType === 'UNALIGNED'
          ? 'unaligned'
          : 'at-least-once',
    targetLocation: options.targetLocation,
  };
}

/**
 * A savepoint of the job now (aligned, never deleted by the runtime); resolves to its path. With
 * `cancel` (cancel-with-savepoint) the checkpoint scheduler stops first, so no checkpoint commits
 * output after the savepoint; it resumes if the savepoint fails.
 */
export async function triggerSavepointOf(
  checkpointing: JobCheckpointing,
  jobId: string,
  status: () => string,
  targetDirectory: string | undefined,
  cancel?: () => void,
): Promise<string> {
  if (status() !== 'RUNNING') {
    throw new FreshetError(
      'JOB_NOT_RUNNING',
      `job ${jobId} is ${status()}: only a running job can take a savepoint`,
      {
        domain: 'user',
      },
    );
  }
  if (cancel !== undefined) checkpointing.stopForFailover();
  try {
    const properties = CheckpointProperties.savepoint(targetDirectory);
    const path = (await checkpointing.coordinator.triggerCheckpoint(properties)).externalPointer;
    cancel?.();
    return path;
  } catch (error) {
    if (cancel !== undefined && status() === 'RUNNING') checkpointing.start();
    throw error;
  }
}
