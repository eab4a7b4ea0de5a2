/**
 * Runs the checkpoints of one job (Flink's CheckpointCoordinator) as a thin orchestrator over
 * small collaborators: CheckpointRequestExecutor (requests → pending checkpoints, using the
 * CheckpointRequestDecider and PendingCheckpointFactory), PendingCheckpoint (acknowledgements),
 * CompletedCheckpointStore (what failover restores), CheckpointOutcomeRecorder (stats, failure
 * count, failure listener), CheckpointMessenger and CheckpointsCleaner (background I/O).
 *
 * Once every task acknowledged, `_metadata` is written, the checkpoint enters the store (the
 * subsumed oldest is deleted), older pending checkpoints are aborted as subsumed and all tasks are
 * notified, so sinks commit. A decline, timeout, failed write or `stop()` aborts it: its files are
 * deleted and the tasks notified. Savepoints, as in Flink, stay out of the store, subsume nothing,
 * and only synchronous ones (stop-with-savepoint) notify the tasks.
 */
import { assertNever, FreshetError, toError } from '../../common/errors/freshet-error.js';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import { silentLogger, type Logger } from '../../common/logging/logger.js';
import { systemSchedulerTimer } from '../scheduler/scheduler-timer.js';
import { BackgroundTasks } from './background-tasks.js';
import type { CheckpointCoordinatorConfiguration } from './checkpoint-coordinator-configuration.js';
import type {
  CheckpointCoordinatorServices,
  ReceiveAcknowledgeResult,
} from './checkpoint-coordinator-services.js';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointFailureManager } from './checkpoint-failure-manager.js';
import { CheckpointFailureReason } from './checkpoint-failure-reason.js';
import { CheckpointId } from './checkpoint-id.js';
import { StandaloneCheckpointIdCounter, type CheckpointIdCounter } from './checkpoint-id-counter.js';
import { CheckpointMessenger, describe } from './checkpoint-messenger.js';
import { CheckpointOutcomeRecorder } from './checkpoint-outcome-recorder.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import { CheckpointRequestDecider } from './checkpoint-request-decider.js';
import { CheckpointRequestExecutor } from './checkpoint-request-executor.js';
import { CheckpointStatsTracker, type CheckpointStatsSnapshot } from './checkpoint-stats-tracker.js';
import {
  createTriggerRequest,
  type SettleableTriggerRequest as Request,
} from './checkpoint-trigger-request.js';
import { CheckpointsCleaner } from './checkpoints-cleaner.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import {
  DefaultCompletedCheckpointStore,
  type CompletedCheckpointStore,
} from './completed-checkpoint-store.js';
import type { PendingCheckpoint } from './pending-checkpoint.js';
import { PendingCheckpointFactory } from './pending-checkpoint-factory.js';
import { PendingCheckpointRegistry, type PendingEntry } from './pending-checkpoint-registry.js';
import { PeriodicCheckpointScheduler } from './periodic-checkpoint-scheduler.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';

export class CheckpointCoordinator {
  readonly jobId: JobId;
  readonly completedCheckpointStore: CompletedCheckpointStore;
  readonly configuration: CheckpointCoordinatorConfiguration;
  private readonly idCounter: CheckpointIdCounter;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly background: BackgroundTasks;
  private readonly messenger: CheckpointMessenger;
  private readonly cleaner: CheckpointsCleaner;
  private readonly periodic: PeriodicCheckpointScheduler | undefined;
  private readonly requests: CheckpointRequestExecutor;
  private readonly outcomes: CheckpointOutcomeRecorder;
  private readonly stats: CheckpointStatsTracker;
  private readonly pendingCheckpoints: PendingCheckpointRegistry<Request>;
  private lastCompletionTimestamp: number | undefined;
  private isShutdown = false;

  constructor(private readonly services: CheckpointCoordinatorServices) {
    this.jobId = services.jobId;
    this.configuration = services.configuration;
    this.completedCheckpointStore =
      services.store ?? new DefaultCompletedCheckpointStore(this.configuration.maxRetainedCheckpoints);
    this.idCounter =
      services.idCounter ??
      StandaloneCheckpointIdCounter.after(this.completedCheckpointStore.latest()?.checkpointId);
    this.clock = services.clock ?? Date.now;
    const timer = services.timer ?? systemSchedulerTimer;
    this.logger = services.logger ?? silentLogger();
    this.background = new BackgroundTasks(this.logger);
    this.messenger = new CheckpointMessenger(services.gateway, this.background);
    this.cleaner = new CheckpointsCleaner(services.storage, this.background);
    const interval = this.configuration.checkpointIntervalMs;
    this.periodic =
      interval === undefined
        ? undefined
        : new PeriodicCheckpointScheduler(timer, interval, () => this.triggerPeriodicCheckpoint());
    this.pendingCheckpoints = new PendingCheckpointRegistry(timer, this.configuration.checkpointTimeoutMs);
    const factory = new PendingCheckpointFactory({
      ...services,
      idCounter: this.idCounter,
      cleaner: this.cleaner,
      clock: this.clock,
    });
    this.requests = new CheckpointRequestExecutor(
      new CheckpointRequestDecider<Request>(this.configuration, this.clock),
      factory,
      this.background,
      {
        state: () => ({
          numPendingCheckpoints: this.pendingCheckpoints.size,
          lastCompletionTimestamp: this.lastCompletionTimestamp,
        }),
        onMinPause: (delayMs) => this.periodic?.rescheduleAfter(delayMs),
        onCreated: (pending, options, request) => this.startPendingCheckpoint(pending, options, request),
        onNotStarted: (request, checkpointId, exception) =>
          this.outcomes.notStarted(checkpointId, request.properties, exception),
      },
    );
    this.stats = new CheckpointStatsTracker(services.historySize);
    this.outcomes = new CheckpointOutcomeRecorder(
      this.jobId,
      new CheckpointFailureManager(this.configuration.tolerableCheckpointFailureNumber),
      this.stats,
      this.logger,
      services.onFailureThresholdExceeded,
    );
  }

  isPeriodicCheckpointingConfigured(): boolean {
    return this.periodic !== undefined;
  }

  get numberOfPendingCheckpoints(): number {
    return this.pendingCheckpoints.size;
  }

  get numQueuedRequests(): number {
    return this.requests.numQueuedRequests;
  }

  /** The pending checkpoint with this ID (for inspection; the coordinator drives it). */
  pendingCheckpoint(checkpointId: CheckpointId): PendingCheckpoint | undefined {
    return this.pendingCheckpoints.get(checkpointId)?.pending;
  }

  checkpointStats(): CheckpointStatsSnapshot {
    return this.stats.createSnapshot();
  }

  /** Starts periodic checkpoints: the first one interval from now, then every interval. */
  startPeriodicScheduling(): void {
    if (this.isShutdown || this.periodic === undefined) {
      const why = this.isShutdown
        ? 'the coordinator is shut down'
        : "'execution.checkpointing.interval' is not set";
      throw new FreshetError('ILLEGAL_STATE', `cannot start periodic checkpoints: ${why}`);
    }
    this.periodic.start();
  }

  /**
   * Stops periodic checkpoints and aborts pending and queued ones (Flink's stopCheckpointScheduler,
   * e.g. on failover); `startPeriodicScheduling` may resume later.
   */
  stop(): void {
    this.abortEverything(new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND));
  }

  /** Stops for good: aborts everything, refuses new requests, waits for outstanding messages and deletions. */
  async shutdown(): Promise<void> {
    this.isShutdown = true;
    this.abortEverything(new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN));
    await this.background.settled();
  }

  /** Resolves once outstanding messages and deletions have settled (tests, shutdown). */
  settled(): Promise<void> {
    return this.background.settled();
  }

  /**
   * Requests a checkpoint or savepoint now (not periodic). Resolves when it completed; rejects with
   * a CheckpointException saying why it failed or never started.
   */
  triggerCheckpoint(properties: CheckpointProperties): Promise<CompletedCheckpoint> {
    return new Promise((resolve, reject) => {
      const request = createTriggerRequest(
        { properties, isPeriodic: false, timestamp: this.clock() },
        resolve,
        reject,
      );
      this.requests.submit(request);
    });
  }

  /** A task acknowledged checkpoint `checkpointId` with its state (undefined: stateless). */
  receiveAcknowledge(
    jobId: JobId,
    attemptId: ExecutionAttemptId,
    checkpointId: CheckpointId,
    state: TaskStateSnapshot | undefined,
  ): ReceiveAcknowledgeResult {
    if (jobId !== this.jobId) {
      this.logger.warn({ jobId, checkpointId }, `acknowledgement for another job (this is ${this.jobId})`);
      return 'wrong-job';
    }
    const entry = this.pendingCheckpoints.get(checkpointId);
    if (entry === undefined) {
      // Late (aborted) or unknown: delete the state so nothing lingers, unless a retained
      // checkpoint may reference it.
      if (!this.completedCheckpointStore.contains(checkpointId)) this.cleaner.discardState(state);
      return this.pendingCheckpoints.wasRecentlyAborted(checkpointId) ? 'discarded' : 'unknown-checkpoint';
    }
    const result = entry.pending.acknowledgeTask(attemptId, state, this.clock());
    switch (result) {
      case 'success':
        if (entry.pending.isFullyAcknowledged()) {
          this.background.run(`completing checkpoint ${checkpointId}`, () =>
            this.completePendingCheckpoint(entry),
          );
        }
        break;
      case 'duplicate':
        break;
      case 'unknown':
      case 'discarded':
        this.cleaner.discardState(state);
        break;
      default:
        assertNever(result, 'acknowledge result');
    }
    return result;
  }

  /** A task declined checkpoint `checkpointId`; returns whether that aborted a pending checkpoint. */
  receiveDecline(
    checkpointId: CheckpointId,
    attemptId: ExecutionAttemptId,
    reason: CheckpointFailureReason,
    cause?: Error,
  ): boolean {
    const entry = this.pendingCheckpoints.get(checkpointId);
    if (entry === undefined) return false;
    const detail = `task attempt ${attemptId}${cause === undefined ? '' : `: ${cause.message}`}`;
    return this.abortPending(entry, new CheckpointException(reason, detail, cause));
  }

  /** A task failed: pending checkpoints it had not acknowledged cannot complete any more. */
  failUnacknowledgedPendingCheckpointsFor(attemptId: ExecutionAttemptId, cause: Error): void {
    for (const entry of this.pendingCheckpoints.all()) {
      if (entry.pending.isAcknowledgedBy(attemptId)) continue;
      const reason = CheckpointFailureReason.TASK_FAILURE;
      this.abortPending(entry, new CheckpointException(reason, `task attempt ${attemptId}`, cause));
    }
  }

  /** The checkpoint to recover from after a failover (the latest completed), recorded as restored. */
  restoreLatest(): CompletedCheckpoint | undefined {
    const latest = this.completedCheckpointStore.latest();
    if (latest === undefined) return undefined;
    this.stats.reportRestored(latest, this.clock());
    if (this.idCounter.get() <= latest.checkpointId) {
      this.idCounter.setCount(CheckpointId.of(latest.checkpointId + 1));
    }
    return latest;
  }

  private triggerPeriodicCheckpoint(): void {
    const request = createTriggerRequest(
      { properties: CheckpointProperties.checkpoint(), isPeriodic: true, timestamp: this.clock() },
      (done) => this.logger.debug({ checkpointId: done.checkpointId }, 'periodic checkpoint completed'),
      (error) =>
        this.logger.debug({ reason: error.reason }, `periodic checkpoint not done: ${error.message}`),
    );
    this.requests.submit(request);
  }

  private startPendingCheckpoint(
    pending: PendingCheckpoint,
    options: CheckpointOptions,
    request: Request,
  ): void {
    const entry = this.pendingCheckpoints.add(pending, request, () => {
      const timeoutMs = this.configuration.checkpointTimeoutMs;
      const detail = `${pending.numberOfAcknowledgedTasks} of ${pending.numberOfTasks} tasks acknowledged within ${timeoutMs} ms`;
      this.abortPending(entry, new CheckpointException(CheckpointFailureReason.CHECKPOINT_EXPIRED, detail));
    });
    this.stats.reportPending(pending);
    const { checkpointId, triggerTimestamp } = pending;
    const reason = CheckpointFailureReason.TRIGGER_CHECKPOINT_FAILURE;
    const triggerSources = (): void =>
      this.messenger.triggerSources(pending.tasks, checkpointId, triggerTimestamp, options, (task, error) => {
        this.abortPending(
          entry,
          new CheckpointException(reason, `${describe(task)}: ${error.message}`, error),
        );
      });
    const coordinators = this.services.operatorCoordinators;
    if (coordinators === undefined) return triggerSources();
    // Flink's order: the operator coordinators' snapshots, then the barriers at the sources.
    this.background.run(
      `checkpointing the operator coordinators for checkpoint ${checkpointId}`,
      async () => {
        const states = await coordinators.checkpointCoordinators(checkpointId);
        // Aborted meanwhile: the events held back since the snapshots may go.
        if (pending.isDisposed) return coordinators.notifyCheckpointAborted(checkpointId);
        for (const [operatorId, state] of states) pending.acknowledgeCoordinatorState(operatorId, state);
        triggerSources();
        coordinators.afterSourceBarrierInjection(checkpointId);
      },
      (error) =>
        this.abortPending(
          entry,
          new CheckpointException(reason, `operator coordinator: ${error.message}`, error),
        ),
    );
  }

  private async completePendingCheckpoint(entry: PendingEntry<Request>): Promise<void> {
    const { pending } = entry;
    const metadata = pending.startFinalizing();
    let externalPointer: string;
    try {
      externalPointer = await this.services.storage.finalizeCheckpoint(pending.location, metadata);
    } catch (thrown) {
      const error = toError(thrown);
      const reason = CheckpointFailureReason.FINALIZE_CHECKPOINT_FAILURE;
      this.abortPending(entry, new CheckpointException(reason, error.message, error));
      this.cleaner.discardLocation(pending.location);
      return;
    }
    if (pending.status === 'ABORTED') {
      // Aborted (expired, stopped, subsumed) while the metadata was written: delete it now.
      this.cleaner.discardLocation(pending.location);
      return;
    }
    const completed = pending.complete(metadata, externalPointer, this.clock());
    this.pendingCheckpoints.remove(pending.checkpointId, false);
    const isSavepoint = CheckpointProperties.isSavepoint(completed.properties);
    if (!isSavepoint) {
      for (const subsumed of this.completedCheckpointStore.addCheckpointAndSubsumeOldestOne(completed)) {
        // A savepoint a job was started from belongs to the user: it is never deleted.
        if (!CheckpointProperties.isSavepoint(subsumed.properties))
          this.cleaner.discardLocation(subsumed.location);
        this.stats.reportDiscarded(subsumed.checkpointId);
      }
    }
    this.outcomes.completed(pending, completed);
    this.lastCompletionTimestamp = this.clock();
    if (!isSavepoint || CheckpointProperties.isSynchronous(completed.properties)) {
      this.dropSubsumedCheckpoints(completed.checkpointId);
      this.services.operatorCoordinators?.notifyCheckpointComplete(completed.checkpointId);
      this.messenger.notifyComplete(pending);
    }
    entry.request.resolve(completed);
    this.requests.executeQueued();
  }

  private dropSubsumedCheckpoints(checkpointId: CheckpointId): void {
    for (const entry of this.pendingCheckpoints.all()) {
      if (entry.pending.checkpointId < checkpointId && entry.pending.canBeSubsumed) {
        const reason = CheckpointFailureReason.CHECKPOINT_SUBSUMED;
        this.abortPending(entry, new CheckpointException(reason, `by checkpoint ${checkpointId}`));
      }
    }
  }

  /** Returns false when the checkpoint was already over. */
  private abortPending(entry: PendingEntry<Request>, exception: CheckpointException): boolean {
    const { pending } = entry;
    const abortedFrom = pending.abort(exception);
    if (abortedFrom === undefined) return false;
    this.pendingCheckpoints.remove(pending.checkpointId, true);
    // While FINALIZING the metadata write is in flight; its continuation deletes the location.
    if (abortedFrom === 'PENDING') this.cleaner.discardLocation(pending.location);
    const latestCompleted = this.completedCheckpointStore.latest()?.checkpointId;
    this.services.operatorCoordinators?.notifyCheckpointAborted(pending.checkpointId);
    this.messenger.notifyAborted(pending, latestCompleted);
    entry.request.reject(exception);
    this.outcomes.aborted(pending, exception, this.clock());
    this.requests.executeQueued();
    return true;
  }

  private abortEverything(exception: CheckpointException): void {
    this.periodic?.stop();
    this.requests.abortAll(exception, this.isShutdown);
    for (const entry of this.pendingCheckpoints.all()) this.abortPending(entry, exception);
  }
}
