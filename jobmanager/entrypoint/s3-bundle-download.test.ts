/** Application mode's `--bundle s3://...` against a real S3-protocol server (s3rver). */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../test/support/s3-test-server.js';
import { createS3Client, type S3ConnectionOptions } from '../../common/checkpoint/s3-client-factory.js';
import { Configuration } from '../../common/config/configuration.js';
import { downloadS3Bundle, isS3Url, s3ConnectionOptions } from './s3-bundle-download.js';

let server: S3TestServer;
let connection: S3ConnectionOptions;
const BUNDLE = '/* freshet job bundle v1 */\nmodule.exports.default = async () => {};\n';

beforeAll(async () => {
  server = await startS3TestServer({ bucket: 'bundles' });
  connection = {
    endpoint: server.endpoint,
    pathStyleAccess: true,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    maxAttempts: 1,
  };
  const client = createS3Client(connection);
  await client.send(new PutObjectCommand({ Bucket: 'bundles', Key: 'apps/job.bundle.js', Body: BUNDLE }));
  client.destroy();
});

afterAll(async () => {
  await server.stop();
});

describe('downloadS3Bundle', () => {
  it('reads the object with the configured S3 settings', async () => {
    const configured = s3ConnectionOptions(
      Configuration.fromMap({
        's3.endpoint': server.endpoint,
        's3.path.style.access': 'true',
        's3.access-key': server.accessKey,
        's3.secret-key': server.secretKey,
      }),
    );
    const bytes = await downloadS3Bundle('s3://bundles/apps/job.bundle.js', configured);
    expect(bytes.toString('utf8')).toBe(BUNDLE);
  });

  it('names a missing object in a user error', async () => {
    await expect(downloadS3Bundle('s3://bundles/apps/missing.js', connection)).rejects.toMatchObject({
      code: 'JOB_FILE_NOT_FOUND',
      domain: 'user',
      message: expect.stringContaining('s3://bundles/apps/missing.js') as unknown,
    });
  });

  it('names an object in a bucket that does not exist in a user error', async () => {
    await expect(downloadS3Bundle('s3://no-such-bucket/job.bundle.js', connection)).rejects.toMatchObject({
      code: 'S3_NO_SUCH_BUCKET',
      domain: 'user',
      message: expect.stringContaining(
        'cannot read the job bundle s3://no-such-bucket/job.bundle.js',
      ) as unknown,
    });
  });

  it('keeps an unreachable S3 an external, retryable error', async () => {
    const unreachable = { ...connection, endpoint: 'http://127.0.0.1:1', connectionTimeoutMs: 2000 };
    await expect(downloadS3Bundle('s3://bundles/apps/job.bundle.js', unreachable)).rejects.toMatchObject({
      code: 'S3_UNREACHABLE',
      domain: 'external',
      retryable: true,
    });
  });

  it('rejects a URL without an object key', async () => {
    await expect(downloadS3Bundle('s3://bundles', connection)).rejects.toMatchObject({
      code: 'INVALID_BUNDLE_URL',
    });
  });
});

describe('isS3Url', () => {
  it('tells s3:// URLs from local paths', () => {
    expect(isS3Url('s3://bucket/key')).toBe(true);
    expect(isS3Url('S3A://bucket/key')).toBe(true);
    expect(isS3Url('/opt/job.bundle.js')).toBe(false);
    expect(isS3Url('job.ts')).toBe(false);
  });
});
