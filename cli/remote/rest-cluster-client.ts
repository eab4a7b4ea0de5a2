/**
 * The CLI's client of the JobManager's REST API (Flink's RestClusterClient), on node's global
 * `fetch`: uploads and runs job bundles (from a savepoint when asked), lists, inspects and cancels
 * jobs, triggers savepoints and disposes them, waiting for either to end. Sends
 * `Authorization: Bearer <rest.auth.token>` when a token is configured.
 *
 * Errors: an error status becomes a RestClientException with the server's message; a server that
 * cannot be reached (or does not answer within `timeoutMs`) a JOBMANAGER_UNREACHABLE error naming
 * the address.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { RestOptions } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import type { JobId } from '../../common/ids.js';
import { resolveJobManagerAddress } from './jobmanager-address.js';
import { RestClientException, jobManagerUnreachable } from './rest-client-exception.js';
import {
  parseJarRun,
  parseJarUpload,
  parseJobDetails,
  parseJobExceptions,
  parseJobsOverview,
  unexpectedResponse,
  type JobDetailsInfo,
  type JobExceptionsInfo,
  type JobOverviewEntry,
} from './rest-responses.js';

/** Flink's `client.timeout` default. */
export const DEFAULT_REST_TIMEOUT_MS = 60_000;
/** Flink's form field name for an uploaded jar (here: a job bundle). */
const JAR_FILE_FIELD = 'jarfile';

export interface RestClusterClientOptions {
  /** Base URL of the REST endpoint, e.g. `http://localhost:8081` (see resolveJobManagerAddress). */
  readonly address: string;
  /** `rest.auth.token`. */
  readonly authToken?: string;
  /** Per request; default DEFAULT_REST_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** Flink's JarRunRequestBody, as far as Freshet has it. */
export interface JarRunOptions {
  readonly programArgsList: readonly string[];
  readonly parallelism?: number;
  readonly savepointPath?: string;
  readonly allowNonRestoredState?: boolean;
  /** The job's own configuration keys (`-D`), sent as Flink's `flinkConfiguration`. */
  readonly flinkConfiguration?: Readonly<Record<string, string>>;
}

/** Flink's SavepointTriggerRequestBody. */
export interface SavepointTriggerOptions {
  /** Absent: the cluster's `state.savepoints.dir`. */
  readonly targetDirectory?: string;
  readonly cancelJob?: boolean;
}

/** `GET /jobs/:jobid/savepoints/:triggerid`: running, or where the savepoint went, or why it failed. */
export type SavepointStatus =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly location: string }
  | { readonly status: 'FAILED'; readonly failure: Error };

/** `GET /savepoint-disposal/:triggerid`: running, done, or why it failed. */
export type SavepointDisposalStatus =
  { readonly status: 'IN_PROGRESS' | 'COMPLETED' } | { readonly status: 'FAILED'; readonly failure: Error };

export interface AwaitSavepointOptions {
  /** Pause between status requests; default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Hears every answer that says the savepoint is still in progress (e.g. to show progress). */
  readonly onInProgress?: (polls: number) => void;
  /** Waits between polls; tests inject their own. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const DEFAULT_SAVEPOINT_POLL_MS = 500;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class RestClusterClient {
  readonly address: string;
  private readonly authToken: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: RestClusterClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.authToken = options.authToken;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
  }

  /** A client for `-m` (when given) or `rest.address`:`rest.port`, with `rest.auth.token`. */
  static fromConfiguration(configuration: Configuration, jobmanager?: string): RestClusterClient {
    const authToken = configuration.get(RestOptions.AUTH_TOKEN);
    return new RestClusterClient({
      address: resolveJobManagerAddress(jobmanager, configuration),
      ...(authToken === undefined || authToken === '' ? {} : { authToken }),
    });
  }

  /** `POST /jars/upload` of the file at `path` (sent under its base name); returns the jar ID. */
  async uploadJar(path: string): Promise<string> {
    const bytes = await readFile(path);
    const form = new FormData();
    form.append(JAR_FILE_FIELD, new Blob([bytes]), basename(path));
    let body: unknown;
    try {
      body = await this.call('POST', '/jars/upload', form);
    } catch (error) {
      if (!connectionDroppedMidRequest(error)) throw error;
      throw await this.uploadRefusal(bytes.length, error);
    }
    return parseJarUpload(body, 'POST /jars/upload');
  }

  /**
   * The server answers a refused upload (401, 413) before reading the body and then drops the
   * connection, so `fetch` may only see the reset. Ask again without a body (which can never be
   * stored): a 401 then comes back whole; anything else points at the size.
   */
  private async uploadRefusal(size: number, dropped: unknown): Promise<unknown> {
    try {
      await this.call('POST', '/jars/upload');
    } catch (probe) {
      if (probe instanceof RestClientException && (probe.httpStatus === 401 || probe.httpStatus === 403)) {
        return probe;
      }
    }
    return new FreshetError(
      'UPLOAD_REJECTED',
      `the JobManager at ${this.address} closed the connection during the upload of the bundle ` +
        `(${size} bytes); it may be larger than the cluster's rest.server.max-content-length`,
      { domain: 'external', cause: dropped },
    );
  }

  /** `POST /jars/:jarid/run`; returns the ID of the submitted job. */
  async runJar(jarId: string, options: JarRunOptions): Promise<JobId> {
    const path = `/jars/${encodeURIComponent(jarId)}/run`;
    const body = {
      programArgsList: options.programArgsList,
      ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
      ...(options.savepointPath === undefined ? {} : { savepointPath: options.savepointPath }),
      ...(options.allowNonRestoredState === undefined
        ? {}
        : { allowNonRestoredState: options.allowNonRestoredState }),
      ...(options.flinkConfiguration === undefined ? {} : { flinkConfiguration: options.flinkConfiguration }),
    };
    return parseJarRun(await this.call('POST', path, JSON.stringify(body)), `POST ${path}`);
  }

  /** `DELETE /jars/:jarid`. */
  async deleteJar(jarId: string): Promise<void> {
    await this.call('DELETE', `/jars/${encodeURIComponent(jarId)}`);
  }

  /** `GET /jobs/overview`. */
  async listJobsOverview(): Promise<JobOverviewEntry[]> {
    return parseJobsOverview(await this.call('GET', '/jobs/overview'), 'GET /jobs/overview');
  }

  /** `GET /jobs/:jobid`; an unknown job is a 404 RestClientException. */
  async jobDetails(jobId: JobId): Promise<JobDetailsInfo> {
    const path = `/jobs/${jobId}`;
    return parseJobDetails(await this.call('GET', path), `GET ${path}`);
  }

  /** `GET /jobs/:jobid/exceptions`. */
  async jobExceptions(jobId: JobId): Promise<JobExceptionsInfo> {
    const path = `/jobs/${jobId}/exceptions`;
    return parseJobExceptions(await this.call('GET', path), `GET ${path}`);
  }

  /** `PATCH /jobs/:jobid?mode=cancel`: starts cancelling (the job is CANCELED later). */
  async cancelJob(jobId: JobId): Promise<void> {
    await this.call('PATCH', `/jobs/${jobId}?mode=cancel`);
  }

  /** `POST /jobs/:jobid/savepoints`; returns the trigger ID to ask about it with. */
  async triggerSavepoint(jobId: JobId, options: SavepointTriggerOptions = {}): Promise<string> {
    const path = `/jobs/${jobId}/savepoints`;
    const body = {
      'cancel-job': options.cancelJob ?? false,
      ...(options.targetDirectory === undefined ? {} : { 'target-directory': options.targetDirectory }),
    };
    return triggerIdOf(await this.call('POST', path, JSON.stringify(body)), `POST ${path}`);
  }

  /** `GET /jobs/:jobid/savepoints/:triggerid`. */
  async savepointStatus(jobId: JobId, triggerId: string): Promise<SavepointStatus> {
    const path = `/jobs/${jobId}/savepoints/${encodeURIComponent(triggerId)}`;
    return parseSavepointStatus(await this.call('GET', path), `GET ${path}`);
  }

  /**
   * Asks about a savepoint until it has ended; resolves to its path. A failed savepoint rejects
   * with SAVEPOINT_FAILED whose cause is the server's error (rebuilt as its class).
   */
  async awaitSavepoint(
    jobId: JobId,
    triggerId: string,
    options: AwaitSavepointOptions = {},
  ): Promise<string> {
    const interval = options.pollIntervalMs ?? DEFAULT_SAVEPOINT_POLL_MS;
    const sleep = options.sleep ?? realSleep;
    for (let polls = 1; ; polls++) {
      const answer = await this.savepointStatus(jobId, triggerId);
      if (answer.status === 'COMPLETED') return answer.location;
      if (answer.status === 'FAILED') {
        throw new FreshetError(
          'SAVEPOINT_FAILED',
          `the savepoint of job ${jobId} failed: ${answer.failure.message}`,
          { domain: ErrorDomain.external, cause: answer.failure },
        );
      }
      options.onInProgress?.(polls);
      await sleep(interval);
    }
  }

  /** `POST /savepoint-disposal` of the savepoint at `savepointPath`; returns the trigger ID. */
  async triggerSavepointDisposal(savepointPath: string): Promise<string> {
    const body = JSON.stringify({ 'savepoint-path': savepointPath });
    return triggerIdOf(await this.call('POST', '/savepoint-disposal', body), 'POST /savepoint-disposal');
  }

  /** `GET /savepoint-disposal/:triggerid`. */
  async savepointDisposalStatus(triggerId: string): Promise<SavepointDisposalStatus> {
    const path = `/savepoint-disposal/${encodeURIComponent(triggerId)}`;
    return parseSavepointDisposalStatus(await this.call('GET', path), `GET ${path}`);
  }

  /**
   * Asks about a savepoint disposal until it has ended. A failed one rejects with
   * SAVEPOINT_DISPOSAL_FAILED whose cause is the server's error (rebuilt as its class).
   */
  async awaitSavepointDisposal(triggerId: string, options: AwaitSavepointOptions = {}): Promise<void> {
    const interval = options.pollIntervalMs ?? DEFAULT_SAVEPOINT_POLL_MS;
    const sleep = options.sleep ?? realSleep;
    for (let polls = 1; ; polls++) {
      const answer = await this.savepointDisposalStatus(triggerId);
      if (answer.status === 'COMPLETED') return;
      if (answer.status === 'FAILED') {
        throw new FreshetError(
          'SAVEPOINT_DISPOSAL_FAILED',
          `disposing the savepoint failed: ${answer.failure.message}`,
          { domain: ErrorDomain.external, cause: answer.failure },
        );
      }
      options.onInProgress?.(polls);
      await sleep(interval);
    }
  }

  /** Sends one request; returns the parsed JSON body (`undefined` when empty). */
  private async call(method: Method, path: string, body?: FormData | string): Promise<unknown> {
    const request = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    if (this.authToken !== undefined) headers['authorization'] = `Bearer ${this.authToken}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.address}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw timedOut
        ? jobManagerUnreachable(this.address, error, `${request} got no answer within ${this.timeoutMs} ms`)
        : jobManagerUnreachable(this.address, error);
    }
    const json = parseJson(text);
    if (status < 200 || status > 299) throw new RestClientException(status, errorsOf(json), request);
    if (text.trim() === '') return undefined;
    if (json === NOT_JSON) throw unexpectedResponse(request, `the body is not JSON: ${text.slice(0, 200)}`);
    return json;
  }
}

const NOT_JSON = Symbol('not JSON');

function jsonObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Flink's TriggerResponse: `{"request-id": "<32 hex>"}`. */
function triggerIdOf(body: unknown, request: string): string {
  const triggerId = jsonObject(body)?.['request-id'];
  if (typeof triggerId !== 'string' || !/^[0-9a-f]{32}$/.test(triggerId)) {
    throw unexpectedResponse(request, "'request-id' is not a trigger ID");
  }
  return triggerId;
}

/** Flink's AsynchronousOperationResult<AsynchronousOperationInfo>: a null `failure-cause` is success. */
export function parseSavepointDisposalStatus(body: unknown, request: string): SavepointDisposalStatus {
  const id = jsonObject(jsonObject(body)?.['status'])?.['id'];
  if (id === 'IN_PROGRESS') return { status: 'IN_PROGRESS' };
  if (id !== 'COMPLETED') throw unexpectedResponse(request, `'status.id' is ${JSON.stringify(id)}`);
  const cause = jsonObject(jsonObject(jsonObject(body)?.['operation'])?.['failure-cause']);
  return cause === undefined ? { status: 'COMPLETED' } : { status: 'FAILED', failure: failureCause(cause) };
}

/** Flink's AsynchronousOperationResult<SavepointInfo>. */
export function parseSavepointStatus(body: unknown, request: string): SavepointStatus {
  const id = jsonObject(jsonObject(body)?.['status'])?.['id'];
  if (id === 'IN_PROGRESS') return { status: 'IN_PROGRESS' };
  if (id !== 'COMPLETED') throw unexpectedResponse(request, `'status.id' is ${JSON.stringify(id)}`);
  const operation = jsonObject(jsonObject(body)?.['operation']);
  const location = operation?.['location'];
  if (typeof location === 'string') return { status: 'COMPLETED', location };
  const cause = jsonObject(operation?.['failure-cause']);
  if (cause === undefined) {
    throw unexpectedResponse(request, "a completed savepoint has neither 'location' nor 'failure-cause'");
  }
  return { status: 'FAILED', failure: failureCause(cause) };
}

/**
 * Flink's SerializedThrowable: Freshet's `serialized-throwable` is a base64 SerializedError, rebuilt
 * as its class; from another server (or unreadable), the first line of `stack-trace` is the message.
 */
function failureCause(cause: Readonly<Record<string, unknown>>): Error {
  const serialized = cause['serialized-throwable'];
  if (typeof serialized === 'string') {
    try {
      const parsed = JSON.parse(Buffer.from(serialized, 'base64').toString('utf8')) as unknown;
      const error = jsonObject(parsed);
      if (typeof error?.['message'] === 'string' && typeof error['name'] === 'string') {
        return deserializeError(parsed as SerializedError);
      }
    } catch {
      // Not ours (Flink's is a Java-serialized object): fall back to the stack trace below.
    }
  }
  const trace = typeof cause['stack-trace'] === 'string' ? cause['stack-trace'] : '';
  const className = typeof cause['class'] === 'string' ? cause['class'] : 'Error';
  const firstLine = trace.split('\n')[0]?.trim() ?? '';
  const error = new Error(
    firstLine === '' ? `${className} (no details)` : firstLine.replace(/^[\w.$]+: /, ''),
  );
  error.name = className;
  if (trace !== '') error.stack = trace;
  return error;
}

/** True when a connection was made but reset while the request was being sent. */
function connectionDroppedMidRequest(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return true;
  }
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Flink's error body: `{"errors": ["...", ...]}`. */
function errorsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return [];
  const errors: unknown = body.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is string => typeof e === 'string' && e !== '');
}
