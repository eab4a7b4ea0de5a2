/**
 * What `freshet stop` asks of the JobManager's REST API: `POST /jobs/:jobid/stop` (Flink's
 * StopWithSavepointRequestBody: `targetDirectory`, `drain`), then the savepoint's status under
 * `GET /jobs/:jobid/savepoints/:triggerid`, which RestClusterClient already polls. The POST follows
 * RestClusterClient's conventions (bearer token, per-request timeout, `{"errors"}` answers as a
 * RestClientException, an unreachable JobManager as JOBMANAGER_UNREACHABLE).
 */
import { RestOptions } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import type { JobId } from '../../common/ids.js';
import { RestClientException, jobManagerUnreachable } from '../remote/rest-client-exception.js';
import { DEFAULT_REST_TIMEOUT_MS, RestClusterClient } from '../remote/rest-cluster-client.js';
import { unexpectedResponse } from '../remote/rest-responses.js';

export interface StopWithSavepointOptions {
  /** Absent: the job's `state.savepoints.dir`. */
  readonly targetDirectory?: string;
  readonly drain: boolean;
}

export interface StopClient {
  /** `POST /jobs/:jobid/stop`; returns the trigger ID to ask about the savepoint with. */
  triggerStop(jobId: JobId, options: StopWithSavepointOptions): Promise<string>;
  /** Asks about the savepoint until it has ended; resolves to its path (RestClusterClient's). */
  awaitSavepoint: RestClusterClient['awaitSavepoint'];
}

export interface RestStopClientOptions {
  /** `rest.auth.token`. */
  readonly authToken?: string;
  /** Per request; default DEFAULT_REST_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** A StopClient over `client`'s address, with the same token. */
export function restStopClient(client: RestClusterClient, options: RestStopClientOptions = {}): StopClient {
  return {
    triggerStop: (jobId, stop) => postStop(client.address, jobId, stop, options),
    awaitSavepoint: (jobId, triggerId, poll) => client.awaitSavepoint(jobId, triggerId, poll),
  };
}

/** For `-m` (when given) or `rest.address`:`rest.port`, with `rest.auth.token`. */
export function restStopClientFor(configuration: Configuration, jobmanager?: string): StopClient {
  const authToken = configuration.get(RestOptions.AUTH_TOKEN);
  return restStopClient(
    RestClusterClient.fromConfiguration(configuration, jobmanager),
    authToken === undefined || authToken === '' ? {} : { authToken },
  );
}

async function postStop(
  address: string,
  jobId: JobId,
  stop: StopWithSavepointOptions,
  options: RestStopClientOptions,
): Promise<string> {
  const path = `/jobs/${jobId}/stop`;
  const request = `POST ${path}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (options.authToken !== undefined) headers['authorization'] = `Bearer ${options.authToken}`;
  const body = {
    drain: stop.drain,
    ...(stop.targetDirectory === undefined ? {} : { targetDirectory: stop.targetDirectory }),
  };
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${address}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw timedOut
      ? jobManagerUnreachable(address, error, `${request} got no answer within ${timeoutMs} ms`)
      : jobManagerUnreachable(address, error);
  }
  const json = parseJson(text);
  if (status < 200 || status > 299) throw new RestClientException(status, errorsOf(json), request);
  const triggerId = (json as Record<string, unknown> | undefined)?.['request-id'];
  if (typeof triggerId !== 'string' || !/^[0-9a-f]{32}$/.test(triggerId)) {
    throw unexpectedResponse(request, `'request-id' is ${JSON.stringify(triggerId)}`);
  }
  return triggerId;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Flink's error body: `{"errors": ["...", ...]}`. */
function errorsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return [];
  const errors: unknown = body.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is string => typeof e === 'string' && e !== '');
}
