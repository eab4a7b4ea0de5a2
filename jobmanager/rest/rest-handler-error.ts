/**
 * Errors of the REST layer (Flink's RestHandlerException) and the one mapping from anything a
 * handler throws to an HTTP status and the `{"errors": [...]}` body.
 */
import { ErrorDomain, FreshetError, toError } from '../../common/errors/freshet-error.js';
import { RestErrorCode } from './rest-backend.js';

export const HttpStatus = {
  OK: 200,
  ACCEPTED: 202,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type HttpStatus = (typeof HttpStatus)[keyof typeof HttpStatus];

export interface RestHandlerErrorOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Close the connection after answering (the request body was not read to its end). */
  readonly closeConnection?: boolean;
  readonly cause?: unknown;
}

/** An error that already knows its HTTP status. */
export class RestHandlerError extends FreshetError {
  readonly httpStatus: HttpStatus;
  readonly headers: Readonly<Record<string, string>>;
  readonly closeConnection: boolean;

  constructor(httpStatus: HttpStatus, message: string, options: RestHandlerErrorOptions = {}) {
    super(`REST_${httpStatus}`, message, {
      domain: httpStatus >= 500 ? ErrorDomain.internal : ErrorDomain.user,
      cause: options.cause,
    });
    this.name = 'RestHandlerError';
    this.httpStatus = httpStatus;
    this.headers = options.headers ?? {};
    this.closeConnection = options.closeConnection ?? false;
  }
}

const STATUS_BY_CODE: ReadonlyMap<string, HttpStatus> = new Map<string, HttpStatus>([
  [RestErrorCode.UNKNOWN_JOB, HttpStatus.NOT_FOUND],
  [RestErrorCode.UNKNOWN_JAR, HttpStatus.NOT_FOUND],
  [RestErrorCode.UNKNOWN_TASK_MANAGER, HttpStatus.NOT_FOUND],
  [RestErrorCode.DUPLICATE_JOB, HttpStatus.CONFLICT],
  [RestErrorCode.JOB_ALREADY_TERMINATED, HttpStatus.CONFLICT],
  [RestErrorCode.JOB_NOT_RUNNING, HttpStatus.CONFLICT],
  [RestErrorCode.MALFORMED_BUNDLE, HttpStatus.BAD_REQUEST],
]);

export interface ErrorResponse {
  readonly status: HttpStatus;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly closeConnection: boolean;
  /** True for 5xx: a bug or an outage the operator should hear about. */
  readonly unexpected: boolean;
}

/** Maps anything thrown while serving a request to the response it gets. Never includes a stack. */
export function toErrorResponse(thrown: unknown): ErrorResponse {
  if (thrown instanceof RestHandlerError) {
    return {
      status: thrown.httpStatus,
      message: thrown.message,
      headers: thrown.headers,
      closeConnection: thrown.closeConnection,
      unexpected: thrown.httpStatus >= 500,
    };
  }
  const base = { headers: {}, closeConnection: false };
  if (thrown instanceof FreshetError) {
    const status = STATUS_BY_CODE.get(thrown.code);
    if (status !== undefined) return { ...base, status, message: thrown.message, unexpected: false };
    if (thrown.domain === ErrorDomain.user) {
      return { ...base, status: HttpStatus.BAD_REQUEST, message: thrown.message, unexpected: false };
    }
  }
  const error = toError(thrown);
  return {
    ...base,
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message: `internal server error: ${error.message}`,
    unexpected: true,
  };
}
