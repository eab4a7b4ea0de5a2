/**
 * Runs one job (Flink's JobMaster + scheduler): waits for slots, deploys every subtask, follows
 * their states, and fails over. A task failure (or a lost TaskManager) cancels the other
 * executions (FAILING); once all are terminal the job either waits the restart strategy's backoff
 * (RESTARTING) and deploys a new attempt of every subtask (RUNNING again), or ends FAILED. The
 * job ends FINISHED when every subtask finished (also after stop-with-savepoint) and CANCELED on
 * request. The decisions live in collaborators: ExecutionFailureHandler (restart or not),
 * requestSlots (slot wait), FailureHistory (what `/jobs/:id/exceptions` shows), JobCheckpointing
 * and StopWithSavepointHandler.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { JobManagerOptions } from '../../common/config/config-options.js';
import { FreshetError, toError } from '../../common/errors/freshet-error.js';
import { deserializeError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId, JobId, ResourceId } from '../../common/ids.js';
import { isGloballyTerminal, isTerminalExecutionState, type JobStatus } from '../../common/job-status.js';
import type { TaskExecutionStateUpdate, TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { Configuration } from '../../common/config/configuration.js';
import type { SerializedError } from '../../common/errors/serialized-error.js';
import type { Logger } from '../../common/logging/logger.js';
import { JobCheckpointing, triggerSavepointOf } from './job-checkpointing.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import type { FileSystemHaServices } from '../ha/file-system-ha-services.js';
import type { AllocatedSlot, SlotPool } from '../resourcemanager/slot-pool.js';
import { ExecutionFailureHandler } from './execution-failure-handler.js';
import { ExecutionGraph, type Execution } from './execution-graph.js';
import { FailureHistory, type FailureReport, type JobFailure } from './failure-history.js';
import { failureReportOf, taskNameOf } from './execution-failure-report.js';
import type { SourceCoordinationServices } from '../source/job-source-coordination.js';
import type { SourceReaderEvent } from '../../common/protocol/operator-events.js';
import { schedulerConfiguration } from './job-scheduler-configuration.js';
import { createRestartBackoffTimeStrategy } from './restart/restart-backoff-time-strategy-factory.js';
import { systemSchedulerTimer, type SchedulerTimer } from './scheduler-timer.js';
import { planSlotSharing, type SlotSharingPlan } from './slot-sharing-placement.js';
import { requestSlots } from './slot-request.js';
import { createTaskDeployment, type SubtaskPlacement } from './task-deployment-factory.js';
import { StopWithSavepointHandler } from './stop-with-savepoint.js';

export interface JobResult {
  readonly jobId: JobId;
  readonly status: JobStatus;
  readonly netRuntime: number;
  readonly failure?: Error;
}

/** What a JobMaster needs from its environment; tests inject a manual clock and timer. */
export interface JobMasterServices extends SourceCoordinationServices {
  readonly clock?: () => number;
  /** Runs the restart backoff and the slot request timeout (setTimeout by default). */
  readonly timer?: SchedulerTimer;
  /** Uniform in [0, 1): exponential-delay's jitter (Math.random by default). */
  readonly random?: () => number;
  /** The cluster's configuration: jobs overlay their keys (checkpoint storage, s3.*, ...). */
  readonly clusterConfiguration?: Configuration;
  readonly logger?: Logger;
  /** High availability: jobs and checkpoint pointers survive the JobManager. */
  readonly ha?: FileSystemHaServices;
}

/** What a job recovered by a new JobManager resumes from. */
export interface JobRecovery {
  readonly checkpoint: CompletedCheckpoint | undefined;
}

export class JobMaster {
  readonly executionGraph: ExecutionGraph;
  readonly result: Promise<JobResult>;
  private resolveResult!: (result: JobResult) => void;
  private readonly clock: () => number;
  private readonly timer: SchedulerTimer;
  private readonly plan: SlotSharingPlan;
  private readonly failureHandler: ExecutionFailureHandler;
  private readonly slotRequestTimeoutMs: number;
  private readonly history = new FailureHistory();
  private readonly clientData = new Map<string, unknown[]>();
  private readonly startTime: number;
  /** The slots of the current attempt, indexed as the slot-sharing plan says. */
  private slots: AllocatedSlot[] = [];
  /** Bumped whenever the current attempt is abandoned, so its pending async work stops. */
  private epoch = 0;
  /** Stops what the job waits on: a slot request or the restart backoff. */
  private cancelPending: (() => void) | undefined;
  /** During FAILING: whether the failover ends in a restart (else FAILED). */
  private restartPending = false;
  private failureCause: Error | undefined;
  private readonly checkpointing: JobCheckpointing;
  private readonly stopHandler: StopWithSavepointHandler;

  /** Throws an IllegalConfigurationError when the job's restart or slot settings are invalid. */
  constructor(
    readonly job: JobInformation,
    readonly jobGraph: JobGraph,
    private readonly slotPool: SlotPool,
    services: JobMasterServices = {},
    recovery?: JobRecovery,
  ) {
    this.clock = services.clock ?? Date.now;
    this.timer = services.timer ?? systemSchedulerTimer;
    const configuration = schedulerConfiguration(job, jobGraph);
    this.failureHandler = new ExecutionFailureHandler(
      createRestartBackoffTimeStrategy(configuration, {
        clock: this.clock,
        ...(services.random === undefined ? {} : { random: services.random }),
      }),
    );
    this.slotRequestTimeoutMs = configuration.get(JobManagerOptions.SLOT_REQUEST_TIMEOUT);
    this.plan = planSlotSharing(jobGraph.vertices);
    this.executionGraph = new ExecutionGraph(jobGraph, this.clock);
    this.startTime = this.clock();
    this.checkpointing = JobCheckpointing.create({
      job,
      jobGraph,
      executionGraph: this.executionGraph,
      gatewayOf: (attemptId) => {
        const execution = this.executionGraph.byAttemptId(attemptId);
        return execution === undefined ? undefined : this.slotOf(execution)?.gateway;
      },
      isRunning: () => this.status === 'RUNNING',
      onFailureThresholdExceeded: (error) => this.failOverWithRestart(error),
      onGlobalFailure: (error) => this.failOverWithRestart(error),
      sourceCoordination: services,
      clock: this.clock,
      timer: this.timer,
      ...(services.clusterConfiguration === undefined
        ? {}
        : { clusterConfiguration: services.clusterConfiguration }),
      ...(services.logger === undefined ? {} : { logger: services.logger }),
      ...(services.ha === undefined ? {} : { ha: services.ha }),
      ...(recovery?.checkpoint === undefined ? {} : { recoveredCheckpoint: recovery.checkpoint }),
    });
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    this.stopHandler = new StopWithSavepointHandler(this.checkpointing, this, (e) =>
      this.failOverWithRestart(e),
    );
  }

  get jobId(): JobId {
    return this.job.jobId;
  }

  get status(): JobStatus {
    return this.executionGraph.status;
  }

  /** Failovers so far, oldest first (bounded), each with its concurrent failures. */
  get failureHistory(): readonly JobFailure[] {
    return this.history.entries;
  }

  /** The job's checkpoint coordinator (every job has one; periodic checkpoints need an interval). */
  get checkpointCoordinator(): CheckpointCoordinator {
    return this.checkpointing.coordinator;
  }

  /** The job's `state.savepoints.dir`: where savepoints without a target directory go. */
  get defaultSavepointDirectory(): string | undefined {
    return this.checkpointing.defaultSavepointDirectory;
  }

  /** Barrier alignment durations the tasks reported for recent checkpoints (empty without checkpoints). */
  checkpointAlignmentDurations(): ReturnType<JobCheckpointing['alignmentDurations']> {
    return this.checkpointing.alignmentDurations();
  }

  /** Restarts decided so far (Flink's numRestarts). */
  get numRestarts(): number {
    return this.failureHandler.numberOfRestarts;
  }

  /**
   * Moves the job to RUNNING and deploys it when enough slots are free (resolving once every
   * subtask was submitted); otherwise resolves at once and deploys when slots come.
   */
  async start(): Promise<void> {
    if (this.status !== 'CREATED') return;
    this.executionGraph.transition('RUNNING');
    this.checkpointing.start();
    await this.scheduleAndDeploy();
  }

  /** A task acknowledged a checkpoint with its state. */
  acknowledgeCheckpoint(
    attemptId: ExecutionAttemptId,
    checkpointId: number,
    state: TaskStateSnapshot | undefined,
  ): void {
    this.checkpointing.acknowledge(attemptId, checkpointId, state);
  }

  /** An event of a source reader for its split enumerator (registration, split request, source event). */
  sendOperatorEventToCoordinator(
    attemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceReaderEvent,
  ): void {
    this.checkpointing.sourceCoordination.handleEventFromOperator(attemptId, operatorId, event);
  }

  /** A task declined a checkpoint. */
  declineCheckpoint(
    attemptId: ExecutionAttemptId,
    checkpointId: number,
    reason: string,
    error: SerializedError | undefined,
  ): void {
    this.checkpointing.decline(attemptId, checkpointId, reason, error);
  }

  /**
   * More checkpoints failed in a row than tolerated, or the savepoint of a drained stop failed: the
   * job fails over (and may restart).
   */
  private failOverWithRestart(error: Error): void {
    if (this.status !== 'RUNNING') return;
    const timestamp = this.clock();
    this.history.addRoot({ timestamp, error });
    const decision = this.failureHandler.handleFailure(error, timestamp);
    this.startFailover(decision.kind === 'restart', error);
    this.checkTerminal();
  }

  updateTaskExecutionState(update: TaskExecutionStateUpdate): void {
    const execution = this.executionGraph.byAttemptId(update.executionAttemptId);
    if (execution === undefined || isTerminalExecutionState(execution.state)) return;
    if (update.state === 'FAILED') {
      const cause =
        update.error === undefined ? new Error('unknown failure') : deserializeError(update.error);
      this.executionsFailed([execution], cause);
    } else if (update.state === 'CANCELED' && execution.state !== 'CANCELING') {
      const cause = new FreshetError(
        'TASK_CANCELED_UNEXPECTEDLY',
        'the task was canceled by its TaskManager',
      );
      this.executionsFailed([execution], cause);
    } else if (execution.state !== 'CANCELING' || isTerminalExecutionState(update.state)) {
      execution.state = update.state;
      this.checkTerminal();
    }
  }

  /**
   * A TaskManager is gone: its executions fail with `cause` (those being cancelled count as
   * cancelled — no acknowledgement will come) and the job fails over.
   */
  taskManagerLost(resourceId: ResourceId, cause: Error): void {
    if (isGloballyTerminal(this.status)) return;
    const failed: Execution[] = [];
    for (const execution of this.executionGraph.all()) {
      if (this.slotOf(execution)?.taskManagerId !== resourceId) continue;
      if (isTerminalExecutionState(execution.state)) continue;
      if (execution.state === 'CANCELING') execution.state = 'CANCELED';
      else failed.push(execution);
    }
    if (failed.length > 0) this.executionsFailed(failed, cause);
    else this.checkTerminal();
  }

  deliverClientData(operatorId: string, payload: unknown): void {
    const list = this.clientData.get(operatorId) ?? [];
    list.push(payload);
    this.clientData.set(operatorId, list);
  }

  drainClientData(operatorId: string): unknown[] {
    const list = this.clientData.get(operatorId) ?? [];
    this.clientData.delete(operatorId);
    return list;
  }

  /**
   * Takes a savepoint (aligned, self-contained, never deleted by the runtime) into
   * `targetDirectory` or `state.savepoints.dir`; resolves to its path. With `cancelJob` the job is
   * cancelled once the savepoint completed (Flink's cancel-with-savepoint). Rejects with a
   * FreshetError when the job cannot take one (not running) or the savepoint failed (its message
   * says why).
   */
  async triggerSavepoint(targetDirectory: string | undefined, cancelJob: boolean): Promise<string> {
    const cancel = cancelJob ? () => this.cancel() : undefined;
    return triggerSavepointOf(this.checkpointing, this.jobId, () => this.status, targetDirectory, cancel);
  }

  /**
   * Stop-with-savepoint (`POST /jobs/:jobid/stop`): a synchronous savepoint, after which the sources
   * stop (with `drain` they end their input first, firing every window); resolves to its path once
   * the job is FINISHED. See StopWithSavepointHandler for the failure cases.
   */
  stopWithSavepoint(targetDirectory: string | undefined, drain: boolean): Promise<string> {
    return this.stopHandler.stop(targetDirectory, drain);
  }

  /** Cancels a job that is created, running, waiting for slots, or failing over towards a restart. */
  cancel(): void {
    const status = this.status;
    const cancellable =
      status === 'CREATED' ||
      status === 'RUNNING' ||
      status === 'RESTARTING' ||
      (status === 'FAILING' && this.restartPending);
    if (!cancellable) return;
    this.abandonAttempt();
    this.restartPending = false;
    this.failureCause = undefined;
    this.executionGraph.transition('CANCELLING');
    this.cancelAll();
    this.checkTerminal();
  }

  private async scheduleAndDeploy(): Promise<void> {
    for (const execution of this.executionGraph.all()) execution.state = 'SCHEDULED';
    const epoch = this.epoch;
    const spec = { jobId: this.jobId, count: this.plan.slotsNeeded, timeoutMs: this.slotRequestTimeoutMs };
    const request = requestSlots(this.slotPool, spec, this.timer, (outcome) => {
      this.cancelPending = undefined;
      if (outcome.kind === 'timed-out') this.failGlobally(outcome.error);
      else this.deploy(outcome.slots, epoch).catch((error: unknown) => this.failGlobally(toError(error)));
    });
    if (request.kind === 'allocated') await this.deploy(request.slots, epoch);
    else this.cancelPending = request.cancel;
  }

  private async deploy(slots: AllocatedSlot[], epoch: number): Promise<void> {
    this.slots = slots;
    const slotFor = (vertexId: string, subtask: number): AllocatedSlot =>
      slots[this.plan.placement.get(vertexId)![subtask]!]!;
    const placement: SubtaskPlacement = {
      location: slotFor,
      attemptId: (vertexId, subtask) => this.executionGraph.execution(vertexId, subtask).attemptId,
      attemptNumber: (vertexId, subtask) => this.executionGraph.execution(vertexId, subtask).attemptNumber,
    };
    for (const vertex of this.jobGraph.vertices) {
      for (let i = 0; i < vertex.parallelism; i++) {
        if (this.epoch !== epoch || this.status !== 'RUNNING') return;
        const execution = this.executionGraph.execution(vertex.id, i);
        if (execution.state !== 'SCHEDULED') continue;
        const deployment = createTaskDeployment(this.job, this.jobGraph, vertex, i, placement);
        const taskRestore = this.checkpointing.taskRestore(vertex);
        const tdd = taskRestore === undefined ? deployment : { ...deployment, taskRestore };
        execution.state = 'DEPLOYING';
        try {
          await slotFor(vertex.id, i).gateway.submitTask(tdd);
        } catch (error) {
          if (this.executionGraph.isCurrent(execution) && !isTerminalExecutionState(execution.state))
            this.executionsFailed([execution], toError(error));
          return;
        }
      }
    }
  }

  /** Marks the executions FAILED; the first failure starts a failover, the others fold into it. */
  private executionsFailed(executions: readonly Execution[], cause: Error): void {
    for (const execution of executions) execution.state = 'FAILED';
    for (const execution of executions) {
      const taskName = taskNameOf(this.jobGraph, execution);
      this.handleFailure(failureReportOf(taskName, cause, this.slotOf(execution), this.clock()), () => {
        const domain = cause instanceof FreshetError ? cause.domain : 'user';
        return new FreshetError('TASK_FAILED', `${taskName} failed: ${cause.message}`, { domain, cause });
      });
    }
    this.checkTerminal();
  }

  /** A failure of the whole job that no restart can help (slot request timed out, internal error). */
  private failGlobally(error: Error): void {
    if (this.status !== 'RUNNING') return;
    this.history.addRoot({ timestamp: this.clock(), error });
    this.startFailover(false, error);
    this.checkTerminal();
  }

  private handleFailure(report: FailureReport, jobCause: () => Error): void {
    if (this.status === 'FAILING' || this.status === 'RESTARTING') {
      this.history.addConcurrent(report);
      return;
    }
    if (this.status !== 'RUNNING') return; // cancelling or ended: the failure changes nothing
    this.history.addRoot(report);
    const decision = this.failureHandler.handleFailure(report.error, report.timestamp);
    this.startFailover(decision.kind === 'restart', jobCause());
  }

  private startFailover(restart: boolean, cause: Error): void {
    this.abandonAttempt();
    this.checkpointing.stopForFailover();
    this.restartPending = restart;
    this.failureCause = restart ? undefined : cause;
    this.executionGraph.transition('FAILING');
    this.cancelAll();
  }

  private cancelAll(): void {
    for (const execution of this.executionGraph.all()) {
      if (isTerminalExecutionState(execution.state) || execution.state === 'CANCELING') continue;
      if (execution.state === 'CREATED' || execution.state === 'SCHEDULED') {
        execution.state = 'CANCELED';
        continue;
      }
      execution.state = 'CANCELING';
      const gateway = this.slotOf(execution)?.gateway;
      if (gateway === undefined) {
        execution.state = 'CANCELED';
        continue;
      }
      call(() => gateway.cancelTask(execution.attemptId)).catch(() => this.cancelFailed(execution));
    }
  }

  /** Flink's rule: a cancel call that fails leaves nothing to wait for; count the task cancelled. */
  private cancelFailed(execution: Execution): void {
    if (!this.executionGraph.isCurrent(execution) || execution.state !== 'CANCELING') return;
    execution.state = 'CANCELED';
    this.checkTerminal();
  }

  private checkTerminal(): void {
    if (!this.executionGraph.allTerminal()) return;
    switch (this.status) {
      case 'RUNNING':
        if (this.executionGraph.allFinished()) this.finish('FINISHED');
        return;
      case 'CANCELLING':
        this.finish('CANCELED');
        return;
      case 'FAILING':
        if (this.restartPending) this.restartAfterBackoff();
        else this.finish('FAILED');
        return;
      default:
        return;
    }
  }

  private restartAfterBackoff(): void {
    this.restartPending = false;
    this.executionGraph.transition('RESTARTING');
    this.releaseSlots();
    const epoch = this.epoch;
    this.cancelPending = this.timer.schedule(this.failureHandler.backoffTime(), () => {
      this.cancelPending = undefined;
      if (this.epoch !== epoch || this.status !== 'RESTARTING') return;
      this.executionGraph.resetForNewExecutions();
      this.checkpointing.prepareRestore();
      this.executionGraph.transition('RUNNING');
      this.checkpointing.start();
      this.scheduleAndDeploy().catch((error: unknown) => this.failGlobally(toError(error)));
    });
  }

  /** Stops the current attempt's pending work: deployment loops, slot waits, backoff timers. */
  private abandonAttempt(): void {
    this.epoch++;
    this.cancelPending?.();
    this.cancelPending = undefined;
  }

  private finish(status: JobStatus): void {
    this.abandonAttempt();
    this.checkpointing.shutdown().catch(() => {});
    this.executionGraph.transition(status);
    this.releaseSlots();
    this.resolveResult({
      jobId: this.jobId,
      status,
      netRuntime: this.clock() - this.startTime,
      ...(this.failureCause === undefined ? {} : { failure: this.failureCause }),
    });
  }

  /** Gives the slots back and tells the TaskManagers still registered to drop the job's leftovers. */
  private releaseSlots(): void {
    const gateways = new Set<TaskExecutorGateway>();
    for (const slot of this.slots) {
      if (this.slotPool.gatewayOf(slot.taskManagerId) === slot.gateway) gateways.add(slot.gateway);
    }
    this.slots = [];
    this.slotPool.release(this.jobId);
    // Best effort: a TaskManager that cannot be reached frees the job's resources when it goes.
    for (const gateway of gateways) call(() => gateway.releaseJob(this.jobId)).catch(() => {});
  }

  private slotOf(execution: Execution): AllocatedSlot | undefined {
    const index = this.plan.placement.get(execution.vertexId)?.[execution.subtask];
    return index === undefined ? undefined : this.slots[index];
  }
}

/** A gateway call whose synchronous throw (a broken contract) becomes a rejection. */
function call(action: () => Promise<void>): Promise<void> {
  try {
    return action();
  } catch (error) {
    return Promise.reject(toError(error));
  }
}
