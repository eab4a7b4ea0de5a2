/**
 * Commits an S3 part file: completes its multipart upload, idempotently. A part committed before a
 * restore is committed again; S3 then reports its upload gone (`NoSuchUpload`) and the object
 * exists, which is success. Services that report a gone upload differently (s3rver answers HTTP
 * 500) count as committed when the object there has the ETag this upload produces. An upload gone
 * with no object is lost data and fails loudly.
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3NoSuchKey, s3ErrorCode } from '../../common/checkpoint/s3-error.js';
import { loadAwsS3 } from '../../common/lazy-modules.js';
import type { S3FileSinkCommittable, S3UploadedPart } from './file-sink-committable.js';
import { fileSinkDataLostError, FileSinkErrorCode, fileSinkS3Error } from './file-sink-errors.js';

/** `endpoint`: how messages name the service (describeS3Endpoint). */
export async function commitS3Part(
  client: S3Client,
  endpoint: string,
  committable: S3FileSinkCommittable,
): Promise<void> {
  const { bucket, key, uploadId, parts } = committable;
  const { CompleteMultipartUploadCommand } = loadAwsS3();
  try {
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    );
    return;
  } catch (error) {
    const uploadGone = s3ErrorCode(error) === 'NoSuchUpload';
    const etag = await headETag(client, endpoint, bucket, key);
    if (etag !== undefined && (uploadGone || uploadETags(parts).includes(etag))) return;
    if (uploadGone) {
      throw fileSinkDataLostError(
        `FileSink cannot commit s3://${bucket}/${key}: its multipart upload ${uploadId} no longer exists ` +
          'and neither does the object, so the data of this checkpoint is lost (was the upload aborted, ' +
          'e.g. by an AbortIncompleteMultipartUpload lifecycle rule, before the checkpoint was committed?)',
        error,
      );
    }
    throw fileSinkS3Error(FileSinkErrorCode.commitFailed, error, {
      operation: `completing multipart upload ${uploadId} of`,
      endpoint,
      bucket,
      key,
    });
  }
}

/**
 * The ETags an object completed from `parts` may have, without quotes: S3's multipart ETag (MD5 of
 * the parts' MD5s, `-<count>`), and for one part that part's ETag (services storing the plain MD5).
 */
export function uploadETags(parts: readonly S3UploadedPart[]): string[] {
  const partETags = parts.map((part) => unquote(part.etag));
  const md5s = Buffer.concat(partETags.map((etag) => Buffer.from(etag, 'hex')));
  const multipart = `${createHash('md5').update(md5s).digest('hex')}-${parts.length}`;
  return partETags.length === 1 ? [multipart, partETags[0] ?? ''] : [multipart];
}

/** The object's ETag without quotes, or undefined when there is no object. */
async function headETag(
  client: S3Client,
  endpoint: string,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  const { HeadObjectCommand } = loadAwsS3();
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return unquote(head.ETag ?? '');
  } catch (error) {
    if (isS3NoSuchKey(error)) return undefined;
    throw fileSinkS3Error(FileSinkErrorCode.commitFailed, error, {
      operation: 'checking the committed part file',
      endpoint,
      bucket,
      key,
    });
  }
}

function unquote(etag: string): string {
  return etag.replace(/"/g, '');
}
