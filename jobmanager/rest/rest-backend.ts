/**
 * What the REST endpoints need from the JobManager, and nothing more. The REST server depends on
 * this interface, never on the Dispatcher or ResourceManager directly; an adapter in the
 * JobManager implements it, `TestingRestBackend` fakes it in tests.
 *
 * Values here are plain domain values (camelCase, `undefined` for "not known"); the REST layer
 * turns them into Flink's JSON field names and conventions (`-1` for unknown times and sizes).
 *
 * Errors: methods throw a FreshetError. The server maps its `code` (see `RestErrorCode`) to an HTTP
 * status: UNKNOWN_JOB / UNKNOWN_JAR → 404, DUPLICATE_JOB / JOB_ALREADY_TERMINATED / JOB_NOT_RUNNING →
 * 409, any other
 * error of the `user` domain (e.g. MALFORMED_BUNDLE, a savepoint that does not match) → 400,
 * everything else → 500.
 */
import type { StateBackendType } from '../../common/config/config-options.js';
import type { JobId } from '../../common/ids.js';
import type { ExecutionState, JobStatus } from '../../common/job-status.js';
import type { CheckpointCoordinatorConfiguration } from '../checkpoint/checkpoint-coordinator-configuration.js';
import type { CheckpointStatsSnapshot } from '../checkpoint/checkpoint-stats-tracker.js';

/** Error codes a RestBackend throws that get a status other than 400/500. */
export const RestErrorCode = {
  UNKNOWN_JOB: 'UNKNOWN_JOB',
  UNKNOWN_JAR: 'UNKNOWN_JAR',
  UNKNOWN_TASK_MANAGER: 'UNKNOWN_TASK_MANAGER',
  DUPLICATE_JOB: 'DUPLICATE_JOB',
  JOB_ALREADY_TERMINATED: 'JOB_ALREADY_TERMINATED',
  /** A savepoint was asked of a job that is not RUNNING (the JobMaster's code). */
  JOB_NOT_RUNNING: 'JOB_NOT_RUNNING',
  /** An uploaded file that is not a job bundle (or whose `main` throws when run). */
  MALFORMED_BUNDLE: 'MALFORMED_BUNDLE',
} as const;
export type RestErrorCode = (typeof RestErrorCode)[keyof typeof RestErrorCode];

export type MaybePromise<T> = T | Promise<T>;

export interface VersionInfo {
  /** Shown as Flink's `flink-version`, e.g. `freshet-0.1.0`. */
  readonly version: string;
  /** Shown as `flink-commit` / `flink-revision`; `unknown` when not built from a checkout. */
  readonly revision: string;
}

export interface ClusterOverview {
  readonly taskManagers: number;
  readonly slotsTotal: number;
  readonly slotsAvailable: number;
  readonly jobsRunning: number;
  readonly jobsFinished: number;
  readonly jobsCancelled: number;
  readonly jobsFailed: number;
}

/** One configuration entry; sensitive values are already replaced (`******`). */
export interface ConfigurationEntry {
  readonly key: string;
  readonly value: string;
}

/** Flink's HardwareDescription; absent numbers are shown as -1. */
export interface HardwareDescription {
  readonly cpuCores?: number;
  readonly physicalMemory?: number;
  readonly freeMemory?: number;
  readonly managedMemory?: number;
}

export type MemoryConfigurationField =
  | 'frameworkHeap'
  | 'frameworkOffHeap'
  | 'taskHeap'
  | 'taskOffHeap'
  | 'networkMemory'
  | 'managedMemory'
  | 'jvmMetaspace'
  | 'jvmOverhead'
  | 'totalFlinkMemory'
  | 'totalProcessMemory';

export interface TaskManagerSummary {
  readonly id: string;
  /** Address the JobManager reaches the TaskManager at (Flink's RPC `path`). */
  readonly path: string;
  readonly dataPort: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  /** Epoch millis of the last heartbeat (Flink's `timeSinceLastHeartbeat` holds exactly that). */
  readonly lastHeartbeat: number;
  readonly hardware?: HardwareDescription;
  /** Sizes in bytes, as far as the TaskManager reported them. */
  readonly memoryConfiguration?: Readonly<Partial<Record<MemoryConfigurationField, number>>>;
}

export interface JobIdWithStatus {
  readonly jobId: JobId;
  readonly status: JobStatus;
}

export type ExecutionStateCounts = Readonly<Partial<Record<ExecutionState, number>>>;

/** One row of `/jobs/overview`. Times are epoch millis; `endTime` absent while not terminal. */
export interface JobOverview {
  readonly jobId: JobId;
  readonly name: string;
  readonly status: JobStatus;
  readonly startTime: number;
  readonly endTime?: number;
  readonly lastModification: number;
  /** Subtasks per ExecutionState (missing states count 0). */
  readonly tasks: ExecutionStateCounts;
}

/** Flink's IOMetricsInfo for one vertex, summed over its subtasks. */
export interface VertexIoMetrics {
  readonly readBytes: number;
  readonly readBytesComplete: boolean;
  readonly writeBytes: number;
  readonly writeBytesComplete: boolean;
  readonly readRecords: number;
  readonly readRecordsComplete: boolean;
  readonly writeRecords: number;
  readonly writeRecordsComplete: boolean;
  readonly accumulatedBackpressuredTime?: number;
  readonly accumulatedIdleTime?: number;
  readonly accumulatedBusyTime?: number;
}

export interface VertexDetails {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism?: number;
  /** The vertex's aggregate ExecutionState (Flink's ExecutionJobVertex#getAggregateState). */
  readonly status: ExecutionState;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly tasks: ExecutionStateCounts;
  readonly metrics: VertexIoMetrics;
}

export interface PlanInput {
  readonly id: string;
  readonly num: number;
  /** e.g. `FORWARD`, `HASH`, `REBALANCE`. */
  readonly shipStrategy: string;
  /** e.g. `pipelined_bounded`. */
  readonly exchange: string;
}

export interface PlanNode {
  readonly id: string;
  readonly parallelism: number;
  readonly operator: string;
  readonly operatorStrategy: string;
  readonly description: string;
  readonly inputs: readonly PlanInput[];
}

export interface JobDetails {
  readonly jobId: JobId;
  readonly name: string;
  readonly status: JobStatus;
  readonly isStoppable: boolean;
  readonly startTime: number;
  readonly endTime?: number;
  readonly maxParallelism?: number;
  /** When the job entered each status it has reached (missing ones are shown as 0). */
  readonly statusTimestamps: Readonly<Partial<Record<JobStatus, number>>>;
  readonly vertices: readonly VertexDetails[];
  readonly plan: { readonly nodes: readonly PlanNode[] };
}

/** One failure (Flink's ExceptionInfo). */
export interface ExceptionInfo {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  readonly taskName?: string;
  /** `host:port` of the TaskManager the failure happened on. */
  readonly location?: string;
  readonly taskManagerId?: string;
  readonly failureLabels?: Readonly<Record<string, string>>;
}

/** A failure that caused a restart or the job's end, with failures that happened alongside. */
export interface RootExceptionInfo extends ExceptionInfo {
  readonly concurrentExceptions: readonly ExceptionInfo[];
}

export interface JobExceptionHistory {
  /** Newest first. */
  readonly entries: readonly RootExceptionInfo[];
}

/** Returned by `uploadJar`: the jar ID and where it is stored (Flink's upload `filename`). */
export interface StoredJar {
  readonly id: string;
  /** Stored location whose last path segment is `id`. */
  readonly path: string;
}

export interface JarEntry {
  readonly name: string;
  readonly description?: string;
}

export interface JarFile {
  readonly id: string;
  /** The file name it was uploaded with. */
  readonly name: string;
  /** Epoch millis of the upload. */
  readonly uploaded: number;
  readonly entry: readonly JarEntry[];
}

export interface JarRunRequest {
  readonly programArgsList: readonly string[];
  readonly parallelism?: number;
  readonly savepointPath?: string;
  readonly allowNonRestoredState: boolean;
  /** A fixed job ID (Flink's `jobId` request field); generated when absent. */
  readonly jobId?: JobId;
  /** The job's configuration keys (Flink's `flinkConfiguration`, from `freshet run -D`); win over the cluster's. */
  readonly flinkConfiguration?: Readonly<Record<string, string>>;
}

/** How a job checkpoints: its coordinator's settings plus where its state lives. */
export interface JobCheckpointingConfig extends CheckpointCoordinatorConfiguration {
  /** The job's `state.backend.type`. */
  readonly stateBackend: StateBackendType;
  /**
   * Flink's externalized checkpoints: whether completed checkpoints outlive the job (to restore it
   * with `run -s`), and whether cancelling the job deletes them all the same.
   */
  readonly externalization: { readonly enabled: boolean; readonly deleteOnCancellation: boolean };
}

/** A job's checkpoint statistics and settings (`/jobs/:jobid/checkpoints…`). */
export interface JobCheckpoints {
  readonly stats: CheckpointStatsSnapshot;
  readonly config: JobCheckpointingConfig;
}

/** `POST /jobs/:jobid/savepoints` (Flink's SavepointTriggerRequestBody). */
export interface SavepointTriggerRequest {
  /** Where the savepoint goes; absent: the job's `state.savepoints.dir`. */
  readonly targetDirectory?: string;
  /** Cancel the job once the savepoint completed. */
  readonly cancelJob: boolean;
}

/** `POST /jobs/:jobid/stop` (Flink's StopWithSavepointRequestBody). */
export interface StopWithSavepointRequest {
  /** Where the savepoint goes; absent: the job's `state.savepoints.dir`. */
  readonly targetDirectory?: string;
  /** Emit MAX_WATERMARK and end the sources' input before the savepoint (every window fires). */
  readonly drain: boolean;
}

/** A savepoint that has started: `completion` resolves to its path, or rejects with why it failed. */
export interface SavepointTrigger {
  readonly completion: Promise<string>;
}

/** A savepoint disposal that has started: `completion` resolves once it is deleted, or rejects with why not. */
export interface SavepointDisposal {
  readonly completion: Promise<void>;
}

export interface RestBackend {
  readonly versionInfo: VersionInfo;
  clusterOverview(): MaybePromise<ClusterOverview>;
  configuration(): MaybePromise<readonly ConfigurationEntry[]>;
  taskManagers(): MaybePromise<readonly TaskManagerSummary[]>;
  jobs(): MaybePromise<readonly JobIdWithStatus[]>;
  jobsOverview(): MaybePromise<readonly JobOverview[]>;
  /** Throws UNKNOWN_JOB. */
  jobDetails(jobId: JobId): MaybePromise<JobDetails>;
  /** Starts cancelling; throws UNKNOWN_JOB, or JOB_ALREADY_TERMINATED when it ended otherwise. */
  cancelJob(jobId: JobId): MaybePromise<void>;
  /** Throws UNKNOWN_JOB. */
  jobExceptions(jobId: JobId): MaybePromise<JobExceptionHistory>;
  /** Throws UNKNOWN_JOB; undefined when the job does not checkpoint. */
  jobCheckpoints(jobId: JobId): MaybePromise<JobCheckpoints | undefined>;
  /**
   * Starts a savepoint. Throws (synchronously, or as the returned promise's rejection) UNKNOWN_JOB,
   * JOB_NOT_RUNNING, or SAVEPOINT_DIRECTORY_MISSING (no target and no `state.savepoints.dir`) when
   * none can start; how the savepoint itself ends is `completion`'s business.
   */
  triggerSavepoint(jobId: JobId, request: SavepointTriggerRequest): MaybePromise<SavepointTrigger>;
  /**
   * Starts stopping the job with a savepoint; throws as `triggerSavepoint`. `completion` resolves
   * to the savepoint's path once the job is FINISHED, or rejects with why the stop failed.
   */
  stopWithSavepoint(jobId: JobId, request: StopWithSavepointRequest): MaybePromise<SavepointTrigger>;
  /**
   * Starts deleting the savepoint at `path` (its directory or `_metadata`). `completion` rejects with
   * CHECKPOINT_METADATA_NOT_FOUND when `path` holds no `_metadata` (nothing is deleted then).
   */
  disposeSavepoint(path: string): MaybePromise<SavepointDisposal>;
  /** Stores an uploaded bundle; throws MALFORMED_BUNDLE when it is not one. */
  uploadJar(filename: string, bytes: Buffer): MaybePromise<StoredJar>;
  listJars(): MaybePromise<readonly JarFile[]>;
  /** Throws UNKNOWN_JAR. */
  deleteJar(jarId: string): MaybePromise<void>;
  /**
   * Runs the bundle's `main` and submits the job (from `savepointPath` when given); throws
   * UNKNOWN_JAR, MALFORMED_BUNDLE, or a user-domain error for a savepoint that is missing, corrupt or
   * does not match the job.
   */
  runJar(jarId: string, request: JarRunRequest): MaybePromise<JobId>;
}
