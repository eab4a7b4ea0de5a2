/**
 * The source coordinators of one job as its JobMaster sees them (Flink's OperatorCoordinatorHolders
 * of the source vertices): routes reader events from the TaskManagers to the job's coordinator
 * host and coordinator events back to the subtasks' current attempts, takes part in every
 * checkpoint (snapshot before the barriers, events held back by an OperatorEventValve until the
 * barriers are injected), and resets the coordinators on failover:
 *
 * - a task failure: every subtask restarts from the checkpoint restored, so the splits assigned
 *   since then go back to the enumerators (`addSplitsBack`) — the enumerators live on;
 * - a global failure (an enumerator failed, too many checkpoints failed): the coordinators are
 *   recreated from the checkpoint restored (`restoreEnumerator`), or fresh without one.
 *
 * The host is started lazily, on the first reader event or checkpoint: jobs without split
 * enumerators then learn it once and never start one again.
 */
import type { Pipeline } from '../../api/environment/execution-context.js';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { ErrorDomain, FreshetError, toError } from '../../common/errors/freshet-error.js';
import { deserializeError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId } from '../../common/ids.js';
import type { Logger } from '../../common/logging/logger.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { SourceCoordinatorEvent, SourceReaderEvent } from '../../common/protocol/operator-events.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import type { OperatorCoordinatorCheckpoints } from '../checkpoint/operator-coordinator-checkpoints.js';
import type { Execution, ExecutionGraph } from '../scheduler/execution-graph.js';
import type { SchedulerTimer } from '../scheduler/scheduler-timer.js';
import { OperatorEventValve } from './operator-event-valve.js';
import type { CoordinatorHostOutput, SourceCoordinatorHost } from './source-coordinator-host.js';
import { SourceCoordinators } from './source-coordinators.js';
import { defaultProvidedModules, WorkerSourceCoordinatorHost } from './worker-source-coordinator-host.js';

/** What the JobManager's environment offers source coordination (JobMasterServices extends it). */
export interface SourceCoordinationServices {
  /** Pipelines of the jobs run in-process (local mode), by job ID: their coordinators run on this thread. */
  readonly inProcessPipelines?: ReadonlyMap<string, Pipeline>;
  /** Module URLs bundles get for `freshet` and `freshet/connectors` (default: this package's). */
  readonly providedModules?: Readonly<Record<string, string>>;
}

export interface JobSourceCoordinationContext {
  readonly job: JobInformation;
  readonly jobGraph: JobGraph;
  readonly executionGraph: ExecutionGraph;
  readonly gatewayOf: (attemptId: ExecutionAttemptId) => TaskExecutorGateway | undefined;
  /** The job's effective configuration, as enumerator contexts show it. */
  readonly configuration: Readonly<Record<string, string>>;
  readonly services: SourceCoordinationServices;
  /** The job must fail over (every task restarts). */
  readonly failJob: (error: Error) => void;
  readonly timer: SchedulerTimer;
  readonly logger: Logger;
  /** Where the coordinators run (undefined: the job's sources cannot be loaded here). Tests replace it. */
  readonly createHost?: (
    onOutput: (output: CoordinatorHostOutput) => void,
  ) => SourceCoordinatorHost | undefined;
}

interface PendingSnapshot {
  readonly remaining: Set<string>;
  readonly states: Map<string, Uint8Array>;
  readonly resolve: (states: ReadonlyMap<string, Uint8Array>) => void;
  readonly reject: (error: Error) => void;
}

const NONE: ReadonlySet<string> = new Set();

export class JobSourceCoordination implements OperatorCoordinatorCheckpoints {
  private host: SourceCoordinatorHost | undefined;
  /** The operators with a coordinator in the current host, once it started. */
  private coordinated: Promise<ReadonlySet<string>> | undefined;
  private started = false;
  /** Learnt once: the job's sources have no split enumerator, no host is needed ever. */
  private withoutCoordinators = false;
  private startError: Error | undefined;
  /** Bumped whenever the host is replaced: outputs of an older one are ignored. */
  private incarnation = 0;
  private restorePoint: CompletedCheckpoint | undefined;
  private resetGlobally = false;
  private closed = false;
  private readonly valves = new Map<string, OperatorEventValve<SourceCoordinatorEvent>>();
  /** Per operator: the attempt whose reader registered, by subtask. */
  private readonly readers = new Map<string, Map<number, ExecutionAttemptId>>();
  private readonly snapshots = new Map<number, PendingSnapshot>();

  constructor(private readonly context: JobSourceCoordinationContext) {}

  /** The checkpoint the coordinators start from, until a restart says otherwise (recovery, `run -s`). */
  setRestorePoint(checkpoint: CompletedCheckpoint | undefined): void {
    this.restorePoint = checkpoint;
  }

  /** An event of a subtask's reader; events of attempts that are no longer current are dropped. */
  handleEventFromOperator(attemptId: ExecutionAttemptId, operatorId: string, event: SourceReaderEvent): void {
    const execution = this.liveExecution(attemptId);
    if (execution === undefined || this.closed) return;
    if (event.type === 'reader-registration') this.readersOf(operatorId).set(execution.subtask, attemptId);
    const incarnation = this.incarnation;
    void this.ensureStarted().then((operators) => {
      if (this.liveExecution(attemptId) === undefined || incarnation !== this.incarnation) return;
      if (!operators.has(operatorId)) return this.noCoordinatorFor(operatorId);
      this.host?.send({ type: 'event-from-reader', operatorId, subtask: execution.subtask, event });
    });
  }

  async checkpointCoordinators(checkpointId: number): Promise<ReadonlyMap<string, Uint8Array>> {
    const operators = await this.ensureStarted();
    const host = this.host;
    if (operators.size === 0 || host === undefined) return new Map();
    return new Promise((resolve, reject) => {
      this.snapshots.set(checkpointId, { remaining: new Set(operators), states: new Map(), resolve, reject });
      host.send({ type: 'checkpoint', checkpointId });
    });
  }

  afterSourceBarrierInjection(checkpointId: number): void {
    for (const valve of this.valves.values()) valve.openAfter(checkpointId);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (this.started) this.host?.send({ type: 'checkpoint-complete', checkpointId });
  }

  notifyCheckpointAborted(checkpointId: number): void {
    const pending = this.snapshots.get(checkpointId);
    this.snapshots.delete(checkpointId);
    pending?.reject(new FreshetError('CHECKPOINT_ABORTED', `checkpoint ${checkpointId} was aborted`));
    for (const valve of this.valves.values()) valve.openAfter(checkpointId);
  }

  /** The next failover is global: the coordinators are recreated from the checkpoint restored. */
  markGlobalFailure(): void {
    this.resetGlobally = true;
  }

  /**
   * Before a restart deploys: the old attempts are gone (events held back for them are dropped,
   * their readers unregistered) and the coordinators reset to `restoreFrom` (see the file comment).
   */
  onRestart(restoreFrom: CompletedCheckpoint | undefined): void {
    this.dropAttempts();
    this.restorePoint = restoreFrom;
    const global = this.resetGlobally || !this.started;
    this.resetGlobally = false;
    if (this.withoutCoordinators) return;
    // A host that never started (or failed to) is replaced as well: the next start retries.
    if (global) return this.replaceHost();
    const checkpointId = restoreFrom?.checkpointId;
    this.host?.send({ type: 'subtask-reset', ...(checkpointId === undefined ? {} : { checkpointId }) });
  }

  /** The job reached a terminal state. */
  async close(): Promise<void> {
    this.closed = true;
    this.dropAttempts();
    const host = this.host;
    this.replaceHost();
    await host?.close();
  }

  private dropAttempts(): void {
    this.readers.clear();
    for (const valve of this.valves.values()) valve.reset();
    for (const [checkpointId, pending] of this.snapshots) {
      pending.reject(new FreshetError('CHECKPOINT_ABORTED', `checkpoint ${checkpointId} was abandoned`));
    }
    this.snapshots.clear();
  }

  private replaceHost(): void {
    const host = this.host;
    this.host = undefined;
    this.coordinated = undefined;
    this.started = false;
    this.startError = undefined;
    this.incarnation++;
    if (host !== undefined && !this.closed) {
      host
        .close()
        .catch((error: unknown) =>
          this.context.logger.warn({ err: toError(error) }, 'closing the source coordinators failed'),
        );
    }
  }

  private ensureStarted(): Promise<ReadonlySet<string>> {
    if (this.withoutCoordinators || this.closed) return Promise.resolve(NONE);
    if (this.coordinated !== undefined) return this.coordinated;
    const incarnation = this.incarnation;
    let host: SourceCoordinatorHost | undefined;
    try {
      host = this.createHost((output) => {
        if (incarnation === this.incarnation) this.onOutput(output);
      });
    } catch (error) {
      return this.startFailed(toError(error));
    }
    if (host === undefined) {
      this.withoutCoordinators = true;
      return Promise.resolve(NONE);
    }
    this.host = host;
    this.coordinated = host.start(this.restoredStates()).then(
      (operatorIds) => {
        if (incarnation !== this.incarnation) return NONE;
        this.started = true;
        if (operatorIds.length > 0) return new Set(operatorIds);
        this.withoutCoordinators = true;
        this.replaceHost();
        return NONE;
      },
      (error: unknown) => (incarnation === this.incarnation ? this.startFailed(toError(error)) : NONE),
    );
    return this.coordinated;
  }

  /** The sources could not be loaded: known only once a reader of a coordinated source speaks up. */
  private startFailed(error: Error): Promise<ReadonlySet<string>> {
    const host = this.host;
    this.host = undefined;
    host
      ?.close()
      .catch((closeError: unknown) =>
        this.context.logger.warn({ err: toError(closeError) }, 'closing the source coordinators failed'),
      );
    this.startError = error;
    this.context.logger.warn(
      { err: error },
      `the job's split enumerators could not be started: ${error.message}`,
    );
    this.coordinated = Promise.resolve(NONE);
    return this.coordinated;
  }

  private createHost(onOutput: (output: CoordinatorHostOutput) => void): SourceCoordinatorHost | undefined {
    const { job, services, configuration, timer } = this.context;
    if (this.context.createHost !== undefined) return this.context.createHost(onOutput);
    if (job.code.kind === 'in-process') {
      const pipeline = services.inProcessPipelines?.get(job.jobId);
      return pipeline === undefined ? undefined : inProcessHost(pipeline, configuration, timer, onOutput);
    }
    return new WorkerSourceCoordinatorHost(
      {
        bundlePath: job.code.path,
        programArgs: [...job.code.programArgs],
        defaultParallelism: job.defaultParallelism,
        programConfiguration: { ...job.configuration },
        graphHash: job.graphHash,
        providedModules: providedModulesOf(services),
        configuration: { ...configuration },
      },
      onOutput,
    );
  }

  private restoredStates(): ReadonlyMap<string, Uint8Array> {
    const states = new Map<string, Uint8Array>();
    for (const operator of this.restorePoint?.metadata.operatorStates ?? []) {
      if (operator.coordinatorState !== undefined) states.set(operator.operatorId, operator.coordinatorState);
    }
    return states;
  }

  private onOutput(output: CoordinatorHostOutput): void {
    switch (output.type) {
      case 'event-to-reader':
        this.valveOf(output.operatorId).send(output.subtask, output.event);
        return;
      case 'checkpoint-taken': {
        const pending = this.snapshots.get(output.checkpointId);
        if (pending === undefined) return;
        this.valveOf(output.operatorId).markForCheckpoint(output.checkpointId);
        pending.states.set(output.operatorId, output.state);
        pending.remaining.delete(output.operatorId);
        if (pending.remaining.size > 0) return;
        this.snapshots.delete(output.checkpointId);
        pending.resolve(pending.states);
        return;
      }
      case 'checkpoint-failed':
        this.snapshots.get(output.checkpointId)?.reject(deserializeError(output.error));
        this.snapshots.delete(output.checkpointId);
        return;
      case 'coordinator-failed':
        this.resetGlobally = true;
        this.context.failJob(deserializeError(output.error));
        return;
    }
  }

  private valveOf(operatorId: string): OperatorEventValve<SourceCoordinatorEvent> {
    let valve = this.valves.get(operatorId);
    if (valve === undefined) {
      valve = new OperatorEventValve((subtask, event) => this.deliver(operatorId, subtask, event));
      this.valves.set(operatorId, valve);
    }
    return valve;
  }

  private deliver(operatorId: string, subtask: number, event: SourceCoordinatorEvent): void {
    const attemptId = this.readers.get(operatorId)?.get(subtask);
    if (attemptId === undefined) return; // The reader failed meanwhile; its splits come back on reset.
    const gateway = this.context.gatewayOf(attemptId);
    if (gateway?.sendOperatorEventToTask === undefined) {
      return this.eventLost(attemptId, operatorId, new Error('its TaskManager takes no operator events'));
    }
    gateway
      .sendOperatorEventToTask(attemptId, operatorId, event)
      .catch((error: unknown) => this.eventLost(attemptId, operatorId, toError(error)));
  }

  /** Flink's rule: an event that did not reach a running subtask fails it over, so no split is lost. */
  private eventLost(attemptId: ExecutionAttemptId, operatorId: string, cause: Error): void {
    const execution = this.liveExecution(attemptId);
    if (execution === undefined) return;
    this.context.failJob(
      new FreshetError(
        'OPERATOR_EVENT_LOST',
        `an event of the split enumerator of '${this.operatorName(operatorId)}' did not reach subtask ` +
          `${execution.subtask}: ${cause.message}; the job fails over so that no split is lost`,
        { domain: ErrorDomain.external, retryable: true, cause },
      ),
    );
  }

  private noCoordinatorFor(operatorId: string): void {
    this.resetGlobally = true;
    const name = this.operatorName(operatorId);
    const why =
      this.startError === undefined
        ? 'the JobManager has no split enumerator for it'
        : `the job's split enumerators could not be started on the JobManager: ${this.startError.message}`;
    this.context.failJob(
      new FreshetError(
        'NO_SPLIT_ENUMERATOR',
        `the readers of '${name}' need its split enumerator, but ${why}`,
        {
          domain: this.startError instanceof FreshetError ? this.startError.domain : ErrorDomain.internal,
          ...(this.startError === undefined ? {} : { cause: this.startError }),
        },
      ),
    );
  }

  private liveExecution(attemptId: ExecutionAttemptId): Execution | undefined {
    const { executionGraph } = this.context;
    const execution = executionGraph.byAttemptId(attemptId);
    if (execution === undefined || !executionGraph.isCurrent(execution)) return undefined;
    const live =
      execution.state === 'DEPLOYING' || execution.state === 'INITIALIZING' || execution.state === 'RUNNING';
    return live ? execution : undefined;
  }

  private readersOf(operatorId: string): Map<number, ExecutionAttemptId> {
    let readers = this.readers.get(operatorId);
    if (readers === undefined)
      this.readers.set(operatorId, (readers = new Map<number, ExecutionAttemptId>()));
    return readers;
  }

  private operatorName(operatorId: string): string {
    for (const vertex of this.context.jobGraph.vertices) {
      for (const op of vertex.operators) if (op.operatorId === operatorId) return op.name;
    }
    return operatorId;
  }
}

/** The modules given, or this package's when none are. */
function providedModulesOf(services: SourceCoordinationServices): Record<string, string> {
  const given = services.providedModules;
  return given === undefined || Object.keys(given).length === 0 ? defaultProvidedModules() : { ...given };
}

/**
 * The coordinators of an in-process job, on this thread. Events cross as copies, as they would
 * between processes: a reader that advances a split it got must not move the enumerator's (or the
 * assignment tracker's) copy of it.
 */
function inProcessHost(
  pipeline: Pipeline,
  configuration: Readonly<Record<string, string>>,
  timer: SchedulerTimer,
  onOutput: (output: CoordinatorHostOutput) => void,
): SourceCoordinatorHost {
  const host = new SourceCoordinators({
    pipeline,
    configuration,
    timer,
    onOutput: (output) =>
      onOutput(
        output.type === 'event-to-reader' ? { ...output, event: structuredClone(output.event) } : output,
      ),
  });
  return {
    start: (states) => host.start(states),
    send: (command) =>
      host.send(
        command.type === 'event-from-reader'
          ? { ...command, event: structuredClone(command.event) }
          : command,
      ),
    close: () => host.close(),
  };
}
