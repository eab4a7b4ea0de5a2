/**
 * A hand-written, in-memory RestBackend for tests: jobs and jars live in maps the test fills,
 * calls that change something are recorded, and any method can be told to throw.
 */
import { randomUUID } from 'node:crypto';
import { FreshetError, UserError } from '../../../common/errors/freshet-error.js';
import { JobId } from '../../../common/ids.js';
import { isGloballyTerminal, type ExecutionState } from '../../../common/job-status.js';
import {
  RestErrorCode,
  type ClusterOverview,
  type ConfigurationEntry,
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
  type StoredJar,
  type TaskManagerSummary,
  type VersionInfo,
} from '../rest-backend.js';

/** A savepoint the test ends: `complete(path)` or `fail(error)`. */
export interface TestingSavepoint {
  readonly jobId: JobId;
  readonly request: SavepointTriggerRequest;
  complete(path: string): void;
  fail(error: Error): void;
}

/** A stop-with-savepoint the test ends: `complete(path)` or `fail(error)`. */
export interface TestingStopWithSavepoint {
  readonly jobId: JobId;
  readonly request: StopWithSavepointRequest;
  complete(path: string): void;
  fail(error: Error): void;
}

/** A savepoint disposal the test ends: `complete()` or `fail(error)`. */
export interface TestingSavepointDisposal {
  readonly path: string;
  complete(): void;
  fail(error: Error): void;
}

interface StoredTestingJar {
  readonly file: JarFile;
  readonly bytes: Buffer;
}

export class TestingRestBackend implements RestBackend {
  versionInfo: VersionInfo = { version: 'freshet-0.1.0', revision: 'unknown' };
  overview: ClusterOverview = {
    taskManagers: 2,
    slotsTotal: 4,
    slotsAvailable: 1,
    jobsRunning: 1,
    jobsFinished: 2,
    jobsCancelled: 3,
    jobsFailed: 4,
  };
  configurationEntries: ConfigurationEntry[] = [
    { key: 'rest.port', value: '8081' },
    { key: 'rest.auth.token', value: '******' },
  ];
  taskManagerList: TaskManagerSummary[] = [];
  /** Decides whether an upload is a bundle; rejected ones throw MALFORMED_BUNDLE. */
  isBundle: (bytes: Buffer) => boolean = () => true;
  /** The job ID `runJar` hands out next (unless the request fixes one). */
  nextJobId: JobId = JobId.generate();

  readonly jobsById = new Map<JobId, JobDetails>();
  readonly exceptions = new Map<JobId, JobExceptionHistory>();
  /** Checkpoints of jobs that checkpoint; a job not in here does not. */
  readonly checkpoints = new Map<JobId, JobCheckpoints>();
  readonly jars = new Map<string, StoredTestingJar>();
  readonly cancelled: JobId[] = [];
  readonly runs: { readonly jarId: string; readonly request: JarRunRequest }[] = [];
  readonly deletedJars: string[] = [];
  /** Savepoints triggered (of RUNNING jobs), oldest first. */
  readonly savepoints: TestingSavepoint[] = [];
  /** Stops with a savepoint started (of RUNNING jobs), oldest first. */
  readonly stops: TestingStopWithSavepoint[] = [];
  /** Savepoint disposals started, oldest first. */
  readonly disposals: TestingSavepointDisposal[] = [];
  private readonly failures = new Map<keyof RestBackend, unknown>();
  private clock = 1_700_000_000_000;

  /** Makes every later call of `method` throw `error`. */
  failWith(method: keyof RestBackend, error: unknown): void {
    this.failures.set(method, error);
  }

  addJob(job: JobDetails, exceptions: JobExceptionHistory = { entries: [] }): void {
    this.jobsById.set(job.jobId, job);
    this.exceptions.set(job.jobId, exceptions);
  }

  /** Puts a jar in storage as if it had been uploaded. */
  addJar(id: string, bytes: Buffer = Buffer.from('module.exports.default = () => {};')): void {
    this.jars.set(id, { file: { id, name: id, uploaded: this.clock++, entry: [{ name: 'main' }] }, bytes });
  }

  clusterOverview(): ClusterOverview {
    this.maybeFail('clusterOverview');
    return this.overview;
  }

  configuration(): ConfigurationEntry[] {
    this.maybeFail('configuration');
    return this.configurationEntries;
  }

  taskManagers(): TaskManagerSummary[] {
    this.maybeFail('taskManagers');
    return this.taskManagerList;
  }

  jobs(): JobIdWithStatus[] {
    this.maybeFail('jobs');
    return [...this.jobsById.values()].map((job) => ({ jobId: job.jobId, status: job.status }));
  }

  jobsOverview(): JobOverview[] {
    this.maybeFail('jobsOverview');
    return [...this.jobsById.values()].map((job) => {
      const tasks: Partial<Record<ExecutionState, number>> = {};
      for (const vertex of job.vertices) {
        for (const [state, n] of Object.entries(vertex.tasks) as [ExecutionState, number][]) {
          tasks[state] = (tasks[state] ?? 0) + n;
        }
      }
      const last = Math.max(job.startTime, ...Object.values(job.statusTimestamps));
      return {
        jobId: job.jobId,
        name: job.name,
        status: job.status,
        startTime: job.startTime,
        ...(job.endTime === undefined ? {} : { endTime: job.endTime }),
        lastModification: last,
        tasks,
      };
    });
  }

  jobDetails(jobId: JobId): JobDetails {
    this.maybeFail('jobDetails');
    return this.job(jobId);
  }

  async cancelJob(jobId: JobId): Promise<void> {
    await Promise.resolve();
    this.maybeFail('cancelJob');
    const job = this.job(jobId);
    if (job.status === 'CANCELED') return; // as Flink: cancelling a cancelled job is fine
    if (isGloballyTerminal(job.status)) {
      throw new UserError(RestErrorCode.JOB_ALREADY_TERMINATED, `job ${jobId} already ended ${job.status}`);
    }
    this.cancelled.push(jobId);
    this.jobsById.set(jobId, { ...job, status: 'CANCELLING' });
  }

  jobExceptions(jobId: JobId): JobExceptionHistory {
    this.maybeFail('jobExceptions');
    this.job(jobId);
    return this.exceptions.get(jobId) ?? { entries: [] };
  }

  jobCheckpoints(jobId: JobId): JobCheckpoints | undefined {
    this.maybeFail('jobCheckpoints');
    this.job(jobId);
    return this.checkpoints.get(jobId);
  }

  /** As the real backend: an unknown job is UNKNOWN_JOB, one that is not RUNNING JOB_NOT_RUNNING. */
  triggerSavepoint(jobId: JobId, request: SavepointTriggerRequest): SavepointTrigger {
    this.maybeFail('triggerSavepoint');
    this.runningJob(jobId);
    const { completion, complete, fail } = settleable<string>();
    this.savepoints.push({ jobId, request, complete, fail });
    return { completion };
  }

  /** As `triggerSavepoint`; the stop is recorded in `stops`. */
  stopWithSavepoint(jobId: JobId, request: StopWithSavepointRequest): SavepointTrigger {
    this.maybeFail('stopWithSavepoint');
    this.runningJob(jobId);
    const { completion, complete, fail } = settleable<string>();
    this.stops.push({ jobId, request, complete, fail });
    return { completion };
  }

  disposeSavepoint(path: string): SavepointDisposal {
    this.maybeFail('disposeSavepoint');
    let complete: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    const completion = new Promise<void>((resolve, reject) => {
      complete = resolve;
      fail = reject;
    });
    this.disposals.push({ path, complete, fail });
    return { completion };
  }

  async uploadJar(filename: string, bytes: Buffer): Promise<StoredJar> {
    await Promise.resolve();
    this.maybeFail('uploadJar');
    if (!this.isBundle(bytes)) {
      throw new UserError(RestErrorCode.MALFORMED_BUNDLE, `${filename} is not a job bundle`);
    }
    const id = `${randomUUID()}_${filename}`;
    const file: JarFile = { id, name: filename, uploaded: this.clock++, entry: [{ name: 'main' }] };
    this.jars.set(id, { file, bytes: Buffer.from(bytes) });
    return { id, path: `/tmp/freshet-web-upload/${id}` };
  }

  listJars(): JarFile[] {
    this.maybeFail('listJars');
    return [...this.jars.values()].map((jar) => jar.file);
  }

  deleteJar(jarId: string): void {
    this.maybeFail('deleteJar');
    this.jar(jarId);
    this.jars.delete(jarId);
    this.deletedJars.push(jarId);
  }

  async runJar(jarId: string, request: JarRunRequest): Promise<JobId> {
    await Promise.resolve();
    this.maybeFail('runJar');
    this.jar(jarId);
    this.runs.push({ jarId, request });
    return request.jobId ?? this.nextJobId;
  }

  private runningJob(jobId: JobId): void {
    const job = this.job(jobId);
    if (job.status !== 'RUNNING') {
      throw new UserError(RestErrorCode.JOB_NOT_RUNNING, `job ${jobId} is ${job.status}, not RUNNING`);
    }
  }

  private job(jobId: JobId): JobDetails {
    const job = this.jobsById.get(jobId);
    if (job === undefined) throw new UserError(RestErrorCode.UNKNOWN_JOB, `job ${jobId} not found`);
    return job;
  }

  private jar(jarId: string): StoredTestingJar {
    const jar = this.jars.get(jarId);
    if (jar === undefined) {
      throw new FreshetError(RestErrorCode.UNKNOWN_JAR, `jar ${jarId} not found; upload it first`);
    }
    return jar;
  }

  private maybeFail(method: keyof RestBackend): void {
    if (this.failures.has(method)) throw this.failures.get(method);
  }
}

/** A promise with its resolve and reject at hand. */
function settleable<T>(): {
  completion: Promise<T>;
  complete: (value: T) => void;
  fail: (error: Error) => void;
} {
  let complete: (value: T) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const completion = new Promise<T>((resolve, reject) => {
    complete = resolve;
    fail = reject;
  });
  return { completion, complete, fail };
}
