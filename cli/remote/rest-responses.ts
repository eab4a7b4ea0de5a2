/**
 * The parts of Flink's REST responses the CLI reads (`/jobs/overview`, `/jobs/:jobid`,
 * `/jobs/:jobid/exceptions`, `/jars/upload`, `/jars/:jarid/run`), checked and turned into camelCase
 * values. Times are epoch millis; Flink's `-1` ("not known") becomes `undefined`.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { JobStatus } from '../../common/job-status.js';

/** One row of `GET /jobs/overview` (Flink's JobDetails). */
export interface JobOverviewEntry {
  readonly jobId: JobId;
  readonly name: string;
  readonly status: JobStatus;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly duration: number;
}

/** `GET /jobs/:jobid` (Flink's JobDetailsInfo), the fields the CLI uses. */
export interface JobDetailsInfo extends JobOverviewEntry {
  readonly isStoppable: boolean;
}

/** One entry of `exceptionHistory.entries` (newest first). */
export interface JobExceptionEntry {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  readonly taskName: string | undefined;
  readonly location: string | undefined;
}

/** `GET /jobs/:jobid/exceptions` (Flink's JobExceptionsInfoWithHistory). */
export interface JobExceptionsInfo {
  readonly rootException: string | undefined;
  readonly timestamp: number | undefined;
  readonly entries: readonly JobExceptionEntry[];
}

const JOB_STATUSES: ReadonlySet<string> = new Set(Object.values(JobStatus));

/** A body that is not what the REST API promises (e.g. something else listens on the port). */
export function unexpectedResponse(request: string, why: string, cause?: unknown): FreshetError {
  return new FreshetError('UNEXPECTED_REST_RESPONSE', `unexpected answer to ${request}: ${why}`, {
    domain: 'external',
    cause,
  });
}

type Json = Readonly<Record<string, unknown>>;

class Reader {
  constructor(private readonly request: string) {}

  object(value: unknown, what: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw unexpectedResponse(this.request, `${what} is not a JSON object`);
    }
    return value as Json;
  }

  array(value: unknown, what: string): readonly unknown[] {
    if (!Array.isArray(value)) throw unexpectedResponse(this.request, `${what} is not a JSON array`);
    return value;
  }

  string(object: Json, key: string): string {
    const value = object[key];
    if (typeof value !== 'string') throw unexpectedResponse(this.request, `'${key}' is not a string`);
    return value;
  }

  optionalString(object: Json, key: string): string | undefined {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    return this.string(object, key);
  }

  number(object: Json, key: string): number {
    const value = object[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw unexpectedResponse(this.request, `'${key}' is not a number`);
    }
    return value;
  }

  /** Flink writes -1 (or omits the field) for times not known yet. */
  time(object: Json, key: string): number | undefined {
    if (object[key] === undefined || object[key] === null) return undefined;
    const value = this.number(object, key);
    return value < 0 ? undefined : value;
  }

  jobId(object: Json, key: string): JobId {
    const text = this.string(object, key);
    try {
      return JobId.parse(text);
    } catch (error) {
      throw unexpectedResponse(this.request, `'${key}' is not a job ID: '${text}'`, error);
    }
  }

  status(object: Json, key: string): JobStatus {
    const text = this.string(object, key);
    if (!JOB_STATUSES.has(text)) throw unexpectedResponse(this.request, `'${text}' is not a job status`);
    return text as JobStatus;
  }
}

function overviewEntry(read: Reader, value: unknown): JobOverviewEntry {
  const job = read.object(value, 'a job');
  return {
    jobId: read.jobId(job, 'jid'),
    name: read.string(job, 'name'),
    status: read.status(job, 'state'),
    startTime: read.time(job, 'start-time'),
    endTime: read.time(job, 'end-time'),
    duration: read.number(job, 'duration'),
  };
}

export function parseJobsOverview(body: unknown, request: string): JobOverviewEntry[] {
  const read = new Reader(request);
  const jobs = read.array(read.object(body, 'the body').jobs, "'jobs'");
  return jobs.map((job) => overviewEntry(read, job));
}

export function parseJobDetails(body: unknown, request: string): JobDetailsInfo {
  const read = new Reader(request);
  const job = read.object(body, 'the body');
  return { ...overviewEntry(read, job), isStoppable: job.isStoppable === true };
}

export function parseJobExceptions(body: unknown, request: string): JobExceptionsInfo {
  const read = new Reader(request);
  const info = read.object(body, 'the body');
  const history = info.exceptionHistory === undefined ? {} : read.object(info.exceptionHistory, 'history');
  const entries = history.entries === undefined ? [] : read.array(history.entries, "'entries'");
  return {
    rootException: read.optionalString(info, 'root-exception'),
    timestamp: read.time(info, 'timestamp'),
    entries: entries.map((value) => {
      const entry = read.object(value, 'an exception');
      return {
        exceptionName: read.string(entry, 'exceptionName'),
        stacktrace: read.string(entry, 'stacktrace'),
        timestamp: read.number(entry, 'timestamp'),
        taskName: read.optionalString(entry, 'taskName'),
        location: read.optionalString(entry, 'location'),
      };
    }),
  };
}

/** The jar ID of an upload: the last path segment of Flink's `filename`. */
export function parseJarUpload(body: unknown, request: string): string {
  const read = new Reader(request);
  const reply = read.object(body, 'the body');
  const filename = read.string(reply, 'filename');
  if (reply.status !== 'success') {
    throw unexpectedResponse(request, `status is ${JSON.stringify(reply.status)}, not "success"`);
  }
  const jarId = filename.split(/[/\\]/).pop() ?? '';
  if (jarId === '') throw unexpectedResponse(request, `'filename' ${filename} names no file`);
  return jarId;
}

export function parseJarRun(body: unknown, request: string): JobId {
  const read = new Reader(request);
  return read.jobId(read.object(body, 'the body'), 'jobid');
}
