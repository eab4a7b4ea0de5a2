/**
 * Uploads one in-memory object as an S3 multipart upload (CreateMultipartUpload, UploadPart with
 * bounded concurrency, CompleteMultipartUpload) and aborts the upload when any step fails, so no
 * parts are left behind (where the service supports aborting).
 */
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';
import { loadAwsS3 } from '../lazy-modules.js';

/** S3's limits: parts of at least 5 MiB (except the last), at most 10,000 parts. */
export const S3_MIN_PART_SIZE = 5 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;

export interface MultipartUploadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly bytes: Uint8Array;
  /** Bytes per part (the last may be smaller). AWS rejects parts below S3_MIN_PART_SIZE. */
  readonly partSize: number;
  /** Parts in flight at once; default 4. */
  readonly concurrency?: number;
}

/** Thrown when the upload failed and aborting it failed too; `cause` is the upload's failure. */
export class MultipartUploadAbortFailedError extends FreshetError {
  constructor(
    readonly key: string,
    uploadFailure: unknown,
    readonly abortFailure: unknown,
  ) {
    super(
      'S3_MULTIPART_ABORT_FAILED',
      `multipart upload of ${key} failed and aborting it failed too (${describe(abortFailure)}); ` +
        `its parts may stay in the bucket: add an AbortIncompleteMultipartUpload lifecycle rule`,
      { domain: ErrorDomain.external, retryable: false, cause: uploadFailure },
    );
    this.name = 'MultipartUploadAbortFailedError';
  }
}

/** Uploads `bytes` in parts; returns the number of parts. Failures are the SDK's errors. */
export async function uploadMultipart(client: S3Client, request: MultipartUploadRequest): Promise<number> {
  const { bucket, key, bytes, partSize } = request;
  if (!Number.isSafeInteger(partSize) || partSize < 1) {
    throw new FreshetError(
      'INVALID_PART_SIZE',
      `multipart part size must be a positive integer, got ${partSize}`,
    );
  }
  const partCount = Math.max(1, Math.ceil(bytes.byteLength / partSize));
  if (partCount > S3_MAX_PARTS) {
    throw new FreshetError(
      'INVALID_PART_SIZE',
      `${bytes.byteLength} bytes in parts of ${partSize} would need ${partCount} parts, more than S3's ${S3_MAX_PARTS}`,
    );
  }
  const {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CreateMultipartUploadCommand,
    UploadPartCommand,
  } = loadAwsS3();
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId;
  if (uploadId === undefined) {
    throw new FreshetError('S3_MULTIPART_NO_UPLOAD_ID', `S3 returned no upload ID for ${key}`, {
      domain: ErrorDomain.external,
    });
  }
  try {
    const parts: CompletedPart[] = new Array<CompletedPart>(partCount);
    let next = 0;
    let failure: { readonly error: unknown } | undefined;
    // Workers stop taking parts after the first failure; all of them settle before the abort.
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < partCount) {
        const index = next++;
        const body = bytes.subarray(index * partSize, Math.min(bytes.byteLength, (index + 1) * partSize));
        try {
          const uploaded = await client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: index + 1,
              Body: body,
            }),
          );
          parts[index] = { PartNumber: index + 1, ETag: uploaded.ETag };
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    const workers = Math.min(partCount, Math.max(1, request.concurrency ?? 4));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure !== undefined) throw failure.error;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return partCount;
  } catch (uploadFailure) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (abortFailure) {
      throw new MultipartUploadAbortFailedError(key, uploadFailure, abortFailure);
    }
    throw uploadFailure;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
