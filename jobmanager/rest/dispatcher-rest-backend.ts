/**
 * The RestBackend of a real JobManager: reads jobs from the Dispatcher's JobMasters (through the
 * narrow `JobView`; checkpoints from a JobMaster's CheckpointCoordinator, savepoints and
 * stop-with-savepoint through it),
 * slots from the SlotPool, jars from the JarStore, disposes savepoints, and runs an uploaded bundle
 * (from a savepoint when asked) by building its JobGraph in a worker thread (JobGraphBuilder) and submitting it —
 * answering with the job ID as soon as the JobMaster exists, not when the job is deployed or done.
 */
import type { JobGraph, JobVertex } from '../../api/graph/job-graph.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import { CoreOptions } from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import { FreshetError, UserError, toError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { ExecutionState, isGloballyTerminal, type JobStatus } from '../../common/job-status.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { JobBundleStore } from '../dispatcher/job-bundle-store.js';
import type { JarStore, StoredJar } from '../dispatcher/jar-store.js';
import type { JobGraphBuildRequest, JobGraphBuildResult } from '../dispatcher/job-graph-builder.js';
import type { SlotPool } from '../resourcemanager/slot-pool.js';
import type { SavepointRestoreSettings } from '../checkpoint/savepoint-restore.js';
import type { JobFailure } from '../scheduler/failure-history.js';
import { rootExceptionInfo } from './failure-exception-info.js';
import { disposeSavepoint } from './dispose-savepoint.js';
import { jobCheckpoints, type CheckpointCoordinatorView } from './job-checkpoints.js';
import { startSavepoint, startStopWithSavepoint, type SavepointJobView } from './job-savepoint-requests.js';
import { planNode } from './job-plan-node.js';
import {
  RestErrorCode,
  type ClusterOverview,
  type ConfigurationEntry,
  type ExecutionStateCounts,
  type JarFile,
  type JarRunRequest,
  type JobCheckpoints,
  type JobDetails,
  type JobExceptionHistory,
  type JobIdWithStatus,
  type JobOverview,
  type RestBackend,
  type SavepointDisposal,
  type SavepointTrigger,
  type SavepointTriggerRequest,
  type StopWithSavepointRequest,
  type TaskManagerSummary,
  type VersionInfo,
  type VertexDetails,
  type VertexIoMetrics,
} from './rest-backend.js';

/**
 * What this backend reads of a job. A JobMaster is one; tests can hand in a plain object.
 */
export interface JobView extends SavepointJobView {
  readonly job: JobInformation;
  readonly jobGraph: JobGraph;
  readonly executionGraph: {
    readonly statusTimestamps: ReadonlyMap<JobStatus, number>;
    stateCounts(vertexId: string): Readonly<Record<ExecutionState, number>>;
  };
  /** Failovers, oldest first, each with its concurrent failures. */
  readonly failureHistory: readonly JobFailure[];
  /** Undefined (or absent) when the job does not checkpoint (a JobMaster always has one). */
  readonly checkpointCoordinator?: CheckpointCoordinatorView | undefined;
  cancel(): void;
}

/** The Dispatcher as this backend uses it. */
export interface DispatcherView {
  /**
   * Registers the job's JobMaster, then starts it (which may wait for slots). From a savepoint,
   * it first loads the savepoint and checks it against the job (rejecting when it does not fit),
   * so the JobMaster only exists once that is done.
   */
  submitJob(
    job: JobInformation,
    jobGraph: JobGraph,
    options?: { readonly savepoint?: SavepointRestoreSettings },
  ): Promise<unknown>;
  /** Throws UNKNOWN_JOB. */
  getJob(jobId: JobId): JobView;
  listJobs(): readonly JobView[];
}

export interface DispatcherRestBackendOptions {
  readonly dispatcher: DispatcherView;
  readonly slotPool: Pick<SlotPool, 'totalSlots' | 'freeSlots'>;
  readonly jarStore: Pick<JarStore, 'store' | 'list' | 'get' | 'delete'>;
  readonly jobGraphBuilder: { build(request: JobGraphBuildRequest): Promise<JobGraphBuildResult> };
  /** The cluster's configuration: shown (secrets hidden) and handed to every job's program. */
  readonly configuration: Configuration;
  readonly versionInfo: VersionInfo;
  /** The registered TaskManagers (the JobManager process knows their addresses and heartbeats). */
  readonly taskManagers: () => readonly TaskManagerSummary[];
  /** Summed I/O metrics of a vertex when known; unknown ones show zeros marked incomplete. */
  readonly vertexMetrics?: (jobId: JobId, vertexId: string) => VertexIoMetrics | undefined;
  /** For runs that give none; default `parallelism.default` of `configuration`. */
  readonly defaultParallelism?: number;
  /** Hears about a submitted job whose JobMaster failed to start; default: a process warning. */
  readonly onJobStartError?: (jobId: JobId, error: Error) => void;
  /** Where submitted jobs keep their own copy of the jar (TaskManagers fetch it by its ID). */
  readonly jobBundles?: Pick<JobBundleStore, 'retain'>;
}

const UNKNOWN_IO: VertexIoMetrics = {
  readBytes: 0,
  readBytesComplete: false,
  writeBytes: 0,
  writeBytesComplete: false,
  readRecords: 0,
  readRecordsComplete: false,
  writeRecords: 0,
  writeRecordsComplete: false,
};

export class DispatcherRestBackend implements RestBackend {
  readonly versionInfo: VersionInfo;

  constructor(private readonly options: DispatcherRestBackendOptions) {
    this.versionInfo = options.versionInfo;
  }

  clusterOverview(): ClusterOverview {
    const statuses = this.views().map((view) => view.status);
    const count = (status: JobStatus): number => statuses.filter((s) => s === status).length;
    return {
      taskManagers: this.options.taskManagers().length,
      slotsTotal: this.options.slotPool.totalSlots(),
      slotsAvailable: this.options.slotPool.freeSlots(),
      jobsRunning: statuses.filter((s) => !isGloballyTerminal(s)).length,
      jobsFinished: count('FINISHED'),
      jobsCancelled: count('CANCELED'),
      jobsFailed: count('FAILED'),
    };
  }

  configuration(): ConfigurationEntry[] {
    return Object.entries(this.options.configuration.toMap()).map(([key, value]) => ({ key, value }));
  }

  taskManagers(): readonly TaskManagerSummary[] {
    return this.options.taskManagers();
  }

  jobs(): JobIdWithStatus[] {
    return this.views().map((view) => ({ jobId: view.jobId, status: view.status }));
  }

  jobsOverview(): JobOverview[] {
    return this.views().map((view) => {
      const tasks: Partial<Record<ExecutionState, number>> = {};
      for (const vertex of view.jobGraph.vertices) {
        for (const [state, n] of Object.entries(view.executionGraph.stateCounts(vertex.id))) {
          tasks[state as ExecutionState] = (tasks[state as ExecutionState] ?? 0) + n;
        }
      }
      const { startTime, endTime } = jobTimes(view);
      return {
        jobId: view.jobId,
        name: view.job.jobName,
        status: view.status,
        startTime,
        ...(endTime === undefined ? {} : { endTime }),
        lastModification: Math.max(startTime, ...view.executionGraph.statusTimestamps.values()),
        tasks,
      };
    });
  }

  jobDetails(jobId: JobId): JobDetails {
    const view = this.view(jobId);
    const { vertices } = view.jobGraph;
    const { startTime, endTime } = jobTimes(view);
    return {
      jobId,
      name: view.job.jobName,
      status: view.status,
      isStoppable: false,
      startTime,
      ...(endTime === undefined ? {} : { endTime }),
      ...(vertices.length === 0
        ? {}
        : { maxParallelism: Math.max(...vertices.map((v) => v.maxParallelism)) }),
      statusTimestamps: Object.fromEntries(view.executionGraph.statusTimestamps),
      vertices: vertices.map((vertex) => this.vertexDetails(view, vertex)),
      plan: { nodes: vertices.map(planNode) },
    };
  }

  cancelJob(jobId: JobId): void {
    const view = this.view(jobId);
    // As Flink: cancelling a job that is (being) cancelled already is fine.
    if (view.status === 'CANCELED' || view.status === 'CANCELLING') return;
    if (isGloballyTerminal(view.status)) {
      throw new UserError(
        RestErrorCode.JOB_ALREADY_TERMINATED,
        `job ${jobId} already ended ${view.status}; only a job that has not ended can be cancelled`,
      );
    }
    view.cancel();
  }

  jobExceptions(jobId: JobId): JobExceptionHistory {
    const history = this.view(jobId).failureHistory;
    return { entries: [...history].reverse().map(rootExceptionInfo) };
  }

  jobCheckpoints(jobId: JobId): JobCheckpoints | undefined {
    const view = this.view(jobId);
    const coordinator = view.checkpointCoordinator;
    return coordinator === undefined ? undefined : jobCheckpoints(view.job, view.jobGraph, coordinator);
  }

  /** Checks what it can up front, so that a refusal is the request's answer, not a failed savepoint. */
  triggerSavepoint(jobId: JobId, request: SavepointTriggerRequest): SavepointTrigger {
    return startSavepoint(this.view(jobId), request);
  }

  /** As `triggerSavepoint`; the completion resolves once the job is FINISHED. */
  stopWithSavepoint(jobId: JobId, request: StopWithSavepointRequest): SavepointTrigger {
    return startStopWithSavepoint(this.view(jobId), request);
  }

  /** With a checkpoint storage of the cluster's configuration (`s3.*` keys included). */
  disposeSavepoint(path: string): Promise<SavepointDisposal> {
    return disposeSavepoint(CheckpointStorageFactory.fromConfiguration(this.options.configuration), path);
  }

  uploadJar(filename: string, bytes: Buffer): StoredJar {
    return this.options.jarStore.store(filename, bytes);
  }

  listJars(): JarFile[] {
    // A bundle has one entry point: its default-exported main(args).
    return this.options.jarStore.list().map((jar) => ({ ...jar, entry: [{ name: 'main' }] }));
  }

  deleteJar(jarId: string): void {
    this.options.jarStore.delete(jarId);
  }

  async runJar(jarId: string, request: JarRunRequest): Promise<JobId> {
    const bundlePath = this.options.jarStore.get(jarId);
    const jobId = request.jobId ?? JobId.generate();
    this.checkNotSubmitted(jobId);
    const defaultParallelism =
      request.parallelism ??
      this.options.defaultParallelism ??
      this.options.configuration.get(CoreOptions.DEFAULT_PARALLELISM);
    // As the CLI does: the program sees the cluster configuration, secrets included. The job's own
    // `env.configure` keys travel in jobGraph.config; JobInformation keeps the capture-time context
    // so TaskManagers rebuild exactly this graph.
    const configuration = {
      ...this.options.configuration.toMap({ includeSensitive: true }),
      ...jobConfiguration(request.flinkConfiguration),
    };
    const programArgs = [...request.programArgsList];
    const { jobGraph } = await this.options.jobGraphBuilder.build({
      bundlePath,
      programArgs,
      defaultParallelism,
      configuration,
    });
    const job: JobInformation = {
      jobId,
      jobName: jobGraph.jobName,
      graphHash: jobGraph.graphHash,
      code: this.jobCode(jobId, jarId, bundlePath, programArgs),
      defaultParallelism,
      configuration,
    };
    this.checkNotSubmitted(jobId); // again: another run may have taken the ID while this one built
    const savepoint: SavepointRestoreSettings | undefined =
      request.savepointPath === undefined
        ? undefined
        : { path: request.savepointPath, allowNonRestoredState: request.allowNonRestoredState };
    const submission = this.options.dispatcher.submitJob(
      job,
      jobGraph,
      savepoint === undefined ? {} : { savepoint },
    );
    if (this.hasJob(jobId)) {
      // The JobMaster exists: answer now; starting it (slots, deployment) goes on without the client.
      void submission.then(undefined, (error: unknown) => this.jobStartFailed(jobId, toError(error)));
    } else {
      // Not yet registered (e.g. the savepoint is being loaded): its problems are the answer.
      await submission.catch((error: unknown) => {
        throw savepoint === undefined ? error : savepointRestoreError(savepoint.path, error);
      });
    }
    return jobId;
  }

  /** With a job bundle store, the job runs from its own copy of the jar (which may be deleted). */
  private jobCode(
    jobId: JobId,
    jarId: string,
    jarPath: string,
    programArgs: string[],
  ): JobInformation['code'] {
    const store = this.options.jobBundles;
    if (store === undefined) return { kind: 'bundle', path: jarPath, programArgs, bundleId: jarId };
    const { bundleId, path } = store.retain(jobId, jarPath);
    return { kind: 'bundle', path, programArgs, bundleId };
  }

  private vertexDetails(view: JobView, vertex: JobVertex): VertexDetails {
    const tasks = view.executionGraph.stateCounts(vertex.id);
    return {
      id: vertex.id,
      name: vertex.name,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      status: aggregateJobVertexState(tasks, vertex.parallelism),
      tasks,
      metrics: this.options.vertexMetrics?.(view.jobId, vertex.id) ?? UNKNOWN_IO,
    };
  }

  private jobStartFailed(jobId: JobId, error: Error): void {
    if (this.options.onJobStartError !== undefined) this.options.onJobStartError(jobId, error);
    else
      process.emitWarning(`job ${jobId} failed to start: ${error.stack ?? error.message}`, 'FreshetWarning');
  }

  private checkNotSubmitted(jobId: JobId): void {
    if (this.hasJob(jobId)) {
      throw new UserError(
        RestErrorCode.DUPLICATE_JOB,
        `job ${jobId} was already submitted; leave out jobId to get a fresh one`,
      );
    }
  }

  private hasJob(jobId: JobId): boolean {
    return this.options.dispatcher.listJobs().some((master) => master.jobId === jobId);
  }

  private views(): JobView[] {
    return [...this.options.dispatcher.listJobs()];
  }

  /** Throws UNKNOWN_JOB (the Dispatcher's). */
  private view(jobId: JobId): JobView {
    return this.options.dispatcher.getJob(jobId);
  }
}

/**
 * A corrupt savepoint is the caller's problem here (they chose the path): a user error (400) with
 * the storage's message. Everything else (missing metadata, state that does not match) already is.
 */
function savepointRestoreError(path: string, error: unknown): unknown {
  if (!(error instanceof FreshetError) || error.code !== 'CORRUPT_CHECKPOINT_METADATA') return error;
  return new UserError('INVALID_SAVEPOINT', `cannot restore from savepoint ${path}: ${error.message}`, {
    cause: error,
  });
}

/**
 * A vertex's state from its subtasks' (Flink's ExecutionJobVertex#getAggregateJobVertexState):
 * any FAILED wins, then CANCELING, CANCELED, INITIALIZING, RUNNING; FINISHED only when all are;
 * everything else (created, scheduled, deploying) shows as CREATED.
 */
export function aggregateJobVertexState(counts: ExecutionStateCounts, parallelism: number): ExecutionState {
  const n = (state: ExecutionState): number => counts[state] ?? 0;
  if (n('FAILED') > 0) return ExecutionState.FAILED;
  if (n('CANCELING') > 0) return ExecutionState.CANCELING;
  if (n('CANCELED') > 0) return ExecutionState.CANCELED;
  if (n('INITIALIZING') > 0) return ExecutionState.INITIALIZING;
  if (n('RUNNING') > 0) return ExecutionState.RUNNING;
  if (n('FINISHED') > 0)
    return n('FINISHED') === parallelism ? ExecutionState.FINISHED : ExecutionState.RUNNING;
  return ExecutionState.CREATED;
}

/** Start: when the job was created (Flink: INITIALIZING); end: when it reached its terminal status. */
function jobTimes(view: JobView): { readonly startTime: number; readonly endTime: number | undefined } {
  const timestamps = view.executionGraph.statusTimestamps;
  const startTime =
    timestamps.get('INITIALIZING') ?? timestamps.get('CREATED') ?? Math.min(...timestamps.values());
  return {
    startTime: Number.isFinite(startTime) ? startTime : 0,
    endTime: isGloballyTerminal(view.status) ? timestamps.get(view.status) : undefined,
  };
}

/** The job's `flinkConfiguration` keys, checked like any configuration (a bad value is a 400). */
function jobConfiguration(keys: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (keys === undefined) return {};
  try {
    return Configuration.fromMap(keys, 'the job configuration (flinkConfiguration)').toMap({
      includeSensitive: true,
    });
  } catch (error) {
    throw new RestHandlerError(
      HttpStatus.BAD_REQUEST,
      error instanceof Error ? error.message : String(error),
    );
  }
}
