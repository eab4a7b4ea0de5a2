/**
 * Maps AWS SDK failures of checkpoint storage to FreshetErrors (domain `external`) whose messages
 * name endpoint, bucket and key and say what to check: an unreachable endpoint (retryable), a
 * missing bucket, denied access or bad credentials (not retryable), throttling and 5xx (retryable).
 */
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';

export interface S3RequestContext {
  /** What was being done: "writing state file", "listing", ... */
  readonly operation: string;
  /** From describeS3Endpoint. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly key?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
]);
const THROTTLED = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'ServiceUnavailable',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** The S3 error code (`NoSuchKey`, `AccessDenied`, ...) or Node network code of a failure. */
export function s3ErrorCode(error: unknown): string | undefined {
  const { name, code, Code } = shape(error);
  for (const candidate of [Code, code, name]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== 'S3ServiceException') {
      return candidate;
    }
  }
  return undefined;
}

export function s3HttpStatus(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Whether the object was not there (not a missing bucket). */
export function isS3NoSuchKey(error: unknown): boolean {
  const code = s3ErrorCode(error);
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || s3HttpStatus(error) === 404;
}

export function s3StorageError(error: unknown, context: S3RequestContext): FreshetError {
  if (error instanceof FreshetError) return error;
  const code = s3ErrorCode(error);
  const status = s3HttpStatus(error);
  const target =
    context.key === undefined ? `s3://${context.bucket}` : `s3://${context.bucket}/${context.key}`;
  const at = `${context.operation} ${target} at ${context.endpoint}`;
  const make = (freshetCode: string, message: string, retryable: boolean): FreshetError =>
    new FreshetError(freshetCode, message, { domain: ErrorDomain.external, retryable, cause: error });

  if (code === 'NoSuchBucket') {
    return make(
      'S3_NO_SUCH_BUCKET',
      `S3 bucket '${context.bucket}' does not exist (${at}); create it or fix the s3:// path ` +
        `(state.checkpoints.dir / state.savepoints.dir) and s3.endpoint`,
      false,
    );
  }
  if ((code !== undefined && ACCESS_DENIED.has(code)) || status === 403) {
    return make(
      'S3_ACCESS_DENIED',
      `S3 denied access (${code ?? 'HTTP 403'}) ${at}; check s3.access-key and s3.secret-key ` +
        `(or the AWS default credential chain) and the bucket policy`,
      false,
    );
  }
  if (code === 'CredentialsProviderError') {
    return make(
      'S3_NO_CREDENTIALS',
      `no S3 credentials for ${at}: set s3.access-key and s3.secret-key or configure the AWS default ` +
        `credential chain (environment, ~/.aws, instance or pod role)`,
      false,
    );
  }
  if (status === undefined && code !== undefined && (NETWORK_CODES.has(code) || code === 'TimeoutError')) {
    return make(
      'S3_UNREACHABLE',
      `cannot reach S3 endpoint ${context.endpoint} (${code}) while ${context.operation} ` +
        `${target}; check s3.endpoint and that the service is running and reachable`,
      true,
    );
  }
  const retryable = (code !== undefined && THROTTLED.has(code)) || (status !== undefined && status >= 500);
  return make(
    'S3_REQUEST_FAILED',
    `S3 request failed (${code ?? 'unknown'}${status === undefined ? '' : `, HTTP ${status}`}) ${at}: ` +
      describe(error),
    retryable,
  );
}

function describe(error: unknown): string {
  const message = shape(error).message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
