/**
 * The CLI's client of the JobManager's REST API (Flink's RestClusterClient), on node's global
 * `fetch`: uploads and runs job bundles, lists, inspects and cancels jobs. Sends
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
import { FreshetError } from '../../common/errors/freshet-error.js';
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
}

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
