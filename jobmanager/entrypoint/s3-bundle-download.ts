/**
 * Fetches an application's job bundle from `s3://bucket/key` (application mode's `--bundle`) with
 * the S3 settings checkpoint storage uses: `s3.endpoint`, `s3.region`, `s3.path.style.access`,
 * `s3.access-key`/`s3.secret-key` or else the AWS default credential chain.
 *
 * An object that is missing or may not be read is the operator's mistake (a user error naming the
 * URL); an S3 that cannot be reached or fails on its side stays an external, retryable error.
 */
import { parseCheckpointPath } from '../../common/checkpoint/checkpoint-path.js';
import {
  createS3Client,
  describeS3Endpoint,
  type S3ConnectionOptions,
} from '../../common/checkpoint/s3-client-factory.js';
import { isS3NoSuchKey, s3StorageError } from '../../common/checkpoint/s3-error.js';
import { S3Options } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { loadAwsS3 } from '../../common/lazy-modules.js';

/** Whether `location` names an S3 object rather than a local file. */
export function isS3Url(location: string): boolean {
  return /^s3[ap]?:\/\//i.test(location.trim());
}

/** The S3 connection as configured (the same keys as CheckpointStorageFactory reads). */
export function s3ConnectionOptions(configuration: Configuration): S3ConnectionOptions {
  const endpoint = configuration.get(S3Options.ENDPOINT);
  const region = configuration.get(S3Options.REGION);
  const accessKey = configuration.get(S3Options.ACCESS_KEY);
  const secretKey = configuration.get(S3Options.SECRET_KEY);
  return {
    pathStyleAccess: configuration.get(S3Options.PATH_STYLE_ACCESS),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(accessKey === undefined ? {} : { accessKey }),
    ...(secretKey === undefined ? {} : { secretKey }),
  };
}

/** The object's bytes; throws a UserError naming `url` when it is missing or access is denied. */
export async function downloadS3Bundle(url: string, connection: S3ConnectionOptions): Promise<Buffer> {
  const parsed = parseCheckpointPath(url, '--bundle');
  if (parsed.scheme !== 's3' || parsed.key === '') {
    throw new UserError(
      'INVALID_BUNDLE_URL',
      `--bundle '${url}' must name an object: s3://bucket/path/job.bundle.js`,
    );
  }
  const client = createS3Client(connection);
  const { GetObjectCommand } = loadAwsS3();
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: parsed.bucket, Key: parsed.key }));
    return Buffer.from((await response.Body?.transformToByteArray()) ?? new Uint8Array(0));
  } catch (error) {
    if (isS3NoSuchKey(error)) {
      throw new UserError(
        'JOB_FILE_NOT_FOUND',
        `job bundle not found: ${url} (at ${describeS3Endpoint(connection)})`,
        {
          cause: error,
        },
      );
    }
    const failure = s3StorageError(error, {
      operation: 'reading the job bundle',
      endpoint: describeS3Endpoint(connection),
      bucket: parsed.bucket,
      key: parsed.key,
    });
    if (failure.retryable) throw failure;
    throw new UserError(failure.code, `cannot read the job bundle ${url}: ${failure.message}`, {
      cause: error,
    });
  } finally {
    client.destroy();
  }
}
