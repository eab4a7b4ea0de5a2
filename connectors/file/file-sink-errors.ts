/**
 * The FileSink's failures: FILE_SINK_IO_FAILED (writing or uploading a part file) and
 * FILE_SINK_COMMIT_FAILED (making a closed part visible), both in the `external` domain. Messages
 * name the local path or the `s3://bucket/key`.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { s3ErrorCode, s3StorageError, type S3RequestContext } from '../../common/checkpoint/s3-error.js';

export const FileSinkErrorCode = {
  ioFailed: 'FILE_SINK_IO_FAILED',
  commitFailed: 'FILE_SINK_COMMIT_FAILED',
} as const;
export type FileSinkErrorCode = (typeof FileSinkErrorCode)[keyof typeof FileSinkErrorCode];

/** A local file-system call failed (retryable: the job may restart from its last checkpoint). */
export function fileSinkIoError(
  code: FileSinkErrorCode,
  action: string,
  path: string,
  cause: unknown,
): FreshetError {
  return new FreshetError(code, `FileSink failed to ${action} '${path}': ${String(cause)}`, {
    domain: ErrorDomain.external,
    retryable: true,
    cause,
  });
}

/**
 * A committed part file's data is gone (neither the in-progress data nor the final file exists).
 * Not retryable: a restart would find it gone again, and silently skipping it would lose data.
 */
export function fileSinkDataLostError(message: string, cause?: unknown): FreshetError {
  return new FreshetError(FileSinkErrorCode.commitFailed, message, {
    domain: ErrorDomain.external,
    retryable: false,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * An S3 request failed: classified by the checkpoint storage's S3 error mapping (unreachable
 * endpoint, throttling and 5xx are retryable; denied access and a missing bucket are not).
 */
export function fileSinkS3Error(
  code: FileSinkErrorCode,
  error: unknown,
  context: S3RequestContext,
): FreshetError {
  if (error instanceof FreshetError && Object.values<string>(FileSinkErrorCode).includes(error.code)) {
    return error;
  }
  const mapped = s3StorageError(error, context);
  const target = `s3://${context.bucket}/${context.key ?? ''}`;
  const message =
    s3ErrorCode(error) === 'NoSuchBucket'
      ? `S3 bucket '${context.bucket}' does not exist (${context.operation} ${target} at ` +
        `${context.endpoint}); create it or fix the FileSink path and s3.endpoint`
      : mapped.message;
  return new FreshetError(code, `FileSink: ${message}`, {
    domain: ErrorDomain.external,
    retryable: mapped.retryable,
    cause: mapped,
  });
}
