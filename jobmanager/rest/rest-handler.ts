/**
 * The shape of one endpoint: a request with its path parameters, query and (lazily read) body in,
 * a status and a JSON body out. Handlers never touch node:http directly.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { JobId } from '../../common/ids.js';
import type { RestBackend } from './rest-backend.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

export interface RestRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Reads the whole body (at most `maxContentLength` bytes, else 413). Once per request. */
  readonly body: () => Promise<Buffer>;
}

export interface RestResponse {
  readonly status: HttpStatus;
  readonly body: unknown;
}

export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export interface RestHandlerContext {
  readonly backend: RestBackend;
  readonly clock: () => number;
}

export function ok(body: unknown): RestResponse {
  return { status: HttpStatus.OK, body };
}

export function pathParam(request: RestRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) {
    throw new RestHandlerError(HttpStatus.INTERNAL_SERVER_ERROR, `route has no path parameter ':${name}'`);
  }
  return value;
}

/** The `:jobid` path parameter; not 32 hex digits → 400 naming the bad value. */
export function jobIdParam(request: RestRequest): JobId {
  return JobId.parse(pathParam(request, 'jobid'));
}

/** The `:jarid` path parameter; a file name, never a path (no separators, no dot segments). */
export function jarIdParam(request: RestRequest): string {
  const jarId = pathParam(request, 'jarid');
  if (/[/\\\0]/.test(jarId) || jarId === '.' || jarId === '..') {
    throw new RestHandlerError(HttpStatus.BAD_REQUEST, `'${jarId}' is not a valid jar ID`);
  }
  return jarId;
}
