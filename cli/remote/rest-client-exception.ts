/**
 * Errors of the CLI's REST client: the server's `{"errors": [...]}` answer with its HTTP status
 * (Flink's RestClientException), and a JobManager that cannot be reached at all.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';

/** The REST server answered with an error status. 4xx are the caller's fault (`user`), 5xx not. */
export class RestClientException extends FreshetError {
  readonly httpStatus: number;
  /** The server's `errors` entries (empty when the body had none). */
  readonly serverErrors: readonly string[];

  constructor(httpStatus: number, serverErrors: readonly string[], request: string) {
    super(`REST_${httpStatus}`, describe(httpStatus, serverErrors, request), {
      domain: httpStatus >= 400 && httpStatus < 500 ? ErrorDomain.user : ErrorDomain.external,
      retryable: httpStatus >= 500 || httpStatus === 408 || httpStatus === 429,
    });
    this.name = 'RestClientException';
    this.httpStatus = httpStatus;
    this.serverErrors = serverErrors;
  }
}

function describe(httpStatus: number, serverErrors: readonly string[], request: string): string {
  const message =
    serverErrors.length > 0 ? serverErrors.join('; ') : `${request} was answered with HTTP ${httpStatus}`;
  if (httpStatus === 401) return `${message}; pass the token with -D rest.auth.token=<token>`;
  return message;
}

/** Connection refused, unknown host, no answer in time: the JobManager is out of reach. */
export function jobManagerUnreachable(
  address: string,
  cause: unknown,
  detail: string = networkDetail(cause),
): FreshetError {
  return new FreshetError(
    'JOBMANAGER_UNREACHABLE',
    `could not reach the JobManager at ${address}: ${detail}; is it running? (rest.address/rest.port or -m)`,
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

/** The most telling text of a failed `fetch` (it throws `TypeError: fetch failed` with the cause). */
function networkDetail(error: unknown): string {
  let deepest: unknown = error;
  while (deepest instanceof Error && deepest.cause !== undefined) deepest = deepest.cause;
  if (!(deepest instanceof Error)) return String(deepest);
  const code = (deepest as NodeJS.ErrnoException).code;
  if (deepest.message === 'bad port') {
    return "fetch refuses this port (it is on the Fetch standard's list of bad ports); use another rest.port";
  }
  if (deepest.message !== '') return deepest.message;
  if (deepest instanceof AggregateError) {
    const first: unknown = deepest.errors[0];
    if (first instanceof Error && first.message !== '') return first.message;
  }
  return code ?? deepest.name;
}
