/**
 * Flink's REST response bodies for the job endpoints (field names exactly as in
 * `rest_v1_dispatcher.yml`), built from RestBackend values. Times are epoch millis, -1 when not
 * (yet) known; durations run to `now` while a job or vertex has not ended, as Flink's do.
 */
import { ExecutionState, JobStatus } from '../../common/job-status.js';
import type {
  ExceptionInfo,
  ExecutionStateCounts,
  JobDetails,
  JobExceptionHistory,
  JobIdWithStatus,
  JobOverview,
  VertexDetails,
  VertexIoMetrics,
} from './rest-backend.js';

const EXECUTION_STATES = Object.values(ExecutionState);
const JOB_STATUSES = Object.values(JobStatus);

/** JobIdsWithStatusOverview (`GET /jobs`). */
export function jobIdsWithStatusJson(jobs: readonly JobIdWithStatus[]): {
  readonly jobs: readonly { readonly id: string; readonly status: JobStatus }[];
} {
  return { jobs: jobs.map((job) => ({ id: job.jobId, status: job.status })) };
}

/** JobDetails (one entry of `GET /jobs/overview`); `tasks` has `total` plus lower-case states. */
export interface JobDetailsJson {
  readonly jid: string;
  readonly name: string;
  readonly state: JobStatus;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
  readonly 'last-modification': number;
  readonly tasks: Readonly<Record<string, number>>;
}

export function multipleJobsDetailsJson(
  jobs: readonly JobOverview[],
  now: number,
): { readonly jobs: readonly JobDetailsJson[] } {
  return {
    jobs: jobs.map((job) => {
      const counts = fullCounts(job.tasks);
      const tasks: Record<string, number> = {
        total: Object.values(counts).reduce((sum, n) => sum + n, 0),
      };
      for (const state of EXECUTION_STATES) tasks[state.toLowerCase()] = counts[state];
      return {
        jid: job.jobId,
        name: job.name,
        state: job.status,
        'start-time': job.startTime,
        'end-time': job.endTime ?? -1,
        duration: duration(job.startTime, job.endTime, now),
        'last-modification': job.lastModification,
        tasks,
      };
    }),
  };
}

/** IOMetricsInfo. */
export interface IoMetricsInfoJson {
  readonly 'read-bytes': number;
  readonly 'read-bytes-complete': boolean;
  readonly 'write-bytes': number;
  readonly 'write-bytes-complete': boolean;
  readonly 'read-records': number;
  readonly 'read-records-complete': boolean;
  readonly 'write-records': number;
  readonly 'write-records-complete': boolean;
  readonly 'accumulated-backpressured-time': number;
  readonly 'accumulated-idle-time': number;
  readonly 'accumulated-busy-time': number;
}

/** JobDetailsVertexInfo. */
export interface JobDetailsVertexInfoJson {
  readonly id: string;
  readonly name: string;
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly status: ExecutionState;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
  readonly tasks: Readonly<Record<ExecutionState, number>>;
  readonly metrics: IoMetricsInfoJson;
}

/** JobDetailsInfo (`GET /jobs/:jobid`). */
export interface JobDetailsInfoJson {
  readonly jid: string;
  readonly name: string;
  readonly isStoppable: boolean;
  readonly state: JobStatus;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
  readonly maxParallelism: number;
  readonly now: number;
  readonly timestamps: Readonly<Record<JobStatus, number>>;
  readonly vertices: readonly JobDetailsVertexInfoJson[];
  readonly 'status-counts': Readonly<Record<ExecutionState, number>>;
  readonly plan: PlanJson;
}

export interface PlanJson {
  readonly jid: string;
  readonly name: string;
  readonly type: 'STREAMING';
  readonly nodes: readonly {
    readonly id: string;
    readonly parallelism: number;
    readonly operator: string;
    readonly operator_strategy: string;
    readonly description: string;
    readonly inputs: readonly {
      readonly num: number;
      readonly id: string;
      readonly ship_strategy: string;
      readonly exchange: string;
    }[];
    readonly optimizer_properties: Readonly<Record<string, never>>;
  }[];
}

export function jobDetailsInfoJson(job: JobDetails, now: number): JobDetailsInfoJson {
  const statusCounts = fullCounts({});
  for (const vertex of job.vertices) statusCounts[vertex.status]++;
  const timestamps = {} as Record<JobStatus, number>;
  for (const status of JOB_STATUSES) timestamps[status] = job.statusTimestamps[status] ?? 0;
  return {
    jid: job.jobId,
    name: job.name,
    isStoppable: job.isStoppable,
    state: job.status,
    'start-time': job.startTime,
    'end-time': job.endTime ?? -1,
    duration: duration(job.startTime, job.endTime, now),
    maxParallelism: job.maxParallelism ?? -1,
    now,
    timestamps,
    vertices: job.vertices.map((vertex) => vertexJson(vertex, now)),
    'status-counts': statusCounts,
    plan: {
      jid: job.jobId,
      name: job.name,
      type: 'STREAMING',
      nodes: job.plan.nodes.map((node) => ({
        id: node.id,
        parallelism: node.parallelism,
        operator: node.operator,
        operator_strategy: node.operatorStrategy,
        description: node.description,
        inputs: node.inputs.map((input) => ({
          num: input.num,
          id: input.id,
          ship_strategy: input.shipStrategy,
          exchange: input.exchange,
        })),
        optimizer_properties: {},
      })),
    },
  };
}

function vertexJson(vertex: VertexDetails, now: number): JobDetailsVertexInfoJson {
  const start = vertex.startTime ?? -1;
  return {
    id: vertex.id,
    name: vertex.name,
    maxParallelism: vertex.maxParallelism ?? -1,
    parallelism: vertex.parallelism,
    status: vertex.status,
    'start-time': start,
    'end-time': vertex.endTime ?? -1,
    duration: start < 0 ? -1 : duration(start, vertex.endTime, now),
    tasks: fullCounts(vertex.tasks),
    metrics: ioMetricsJson(vertex.metrics),
  };
}

function ioMetricsJson(m: VertexIoMetrics): IoMetricsInfoJson {
  return {
    'read-bytes': m.readBytes,
    'read-bytes-complete': m.readBytesComplete,
    'write-bytes': m.writeBytes,
    'write-bytes-complete': m.writeBytesComplete,
    'read-records': m.readRecords,
    'read-records-complete': m.readRecordsComplete,
    'write-records': m.writeRecords,
    'write-records-complete': m.writeRecordsComplete,
    'accumulated-backpressured-time': m.accumulatedBackpressuredTime ?? 0,
    'accumulated-idle-time': m.accumulatedIdleTime ?? 0,
    'accumulated-busy-time': m.accumulatedBusyTime ?? 0,
  };
}

/** JobExceptionsInfoWithHistory (`GET /jobs/:jobid/exceptions`). */
export interface JobExceptionsInfoJson {
  readonly 'root-exception': string | null;
  readonly timestamp: number | null;
  readonly 'all-exceptions': readonly {
    readonly exception: string;
    readonly task: string | null;
    readonly location: string | null;
    readonly timestamp: number;
    readonly taskManagerId: string | null;
  }[];
  readonly truncated: boolean;
  readonly exceptionHistory: {
    readonly entries: readonly (ExceptionInfoJson & {
      readonly concurrentExceptions: readonly ExceptionInfoJson[];
    })[];
    readonly truncated: boolean;
  };
}

export interface ExceptionInfoJson {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  readonly taskName: string | null;
  readonly location: string | null;
  readonly taskManagerId: string | null;
  readonly failureLabels: Readonly<Record<string, string>>;
}

/** `maxExceptions` caps the history entries (newest first), as Flink's query parameter does. */
export function jobExceptionsInfoJson(
  history: JobExceptionHistory,
  maxExceptions: number,
): JobExceptionsInfoJson {
  const latest = history.entries[0];
  const entries = history.entries.slice(0, maxExceptions);
  const truncated = entries.length < history.entries.length;
  return {
    'root-exception': latest?.stacktrace ?? null,
    timestamp: latest?.timestamp ?? null,
    'all-exceptions': (latest?.concurrentExceptions ?? []).map((e) => ({
      exception: e.stacktrace,
      task: e.taskName ?? null,
      location: e.location ?? null,
      timestamp: e.timestamp,
      taskManagerId: e.taskManagerId ?? null,
    })),
    truncated,
    exceptionHistory: {
      entries: entries.map((entry) => ({
        ...exceptionInfoJson(entry),
        concurrentExceptions: entry.concurrentExceptions.map(exceptionInfoJson),
      })),
      truncated,
    },
  };
}

function exceptionInfoJson(e: ExceptionInfo): ExceptionInfoJson {
  return {
    exceptionName: e.exceptionName,
    stacktrace: e.stacktrace,
    timestamp: e.timestamp,
    taskName: e.taskName ?? null,
    location: e.location ?? null,
    taskManagerId: e.taskManagerId ?? null,
    failureLabels: { ...(e.failureLabels ?? {}) },
  };
}

function fullCounts(counts: ExecutionStateCounts): Record<ExecutionState, number> {
  const full = {} as Record<ExecutionState, number>;
  for (const state of EXECUTION_STATES) full[state] = counts[state] ?? 0;
  return full;
}

function duration(start: number, end: number | undefined, now: number): number {
  return (end ?? now) - start;
}
