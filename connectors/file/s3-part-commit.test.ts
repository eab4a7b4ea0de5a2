import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { S3FileSinkCommittable } from './file-sink-committable.js';
import { commitS3Part, uploadETags } from './s3-part-commit.js';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

const committable: S3FileSinkCommittable = {
  kind: 's3',
  bucket: 'out',
  key: 'dir/part-op-0-3',
  uploadId: 'upload-1',
  parts: [
    { partNumber: 1, etag: `"${md5('a')}"` },
    { partNumber: 2, etag: `"${md5('b')}"` },
  ],
};

function s3Error(code: string, status: number): Error {
  return Object.assign(new Error(code), { name: code, $metadata: { httpStatusCode: status } });
}

/** A client whose CompleteMultipartUpload fails with `completeFailure` and whose HeadObject finds `etag`. */
function fakeClient(completeFailure: Error | undefined, etag: string | undefined): S3Client {
  const client = {
    send(command: { constructor: { name: string } }): Promise<unknown> {
      switch (command.constructor.name) {
        case 'CompleteMultipartUploadCommand':
          return completeFailure === undefined ? Promise.resolve({}) : Promise.reject(completeFailure);
        case 'HeadObjectCommand':
          return etag === undefined
            ? Promise.reject(s3Error('NotFound', 404))
            : Promise.resolve({ ETag: `"${etag}"` });
        default:
          return Promise.reject(new Error(`unexpected ${command.constructor.name}`));
      }
    },
  };
  return client as unknown as S3Client;
}

const commit = (client: S3Client): Promise<unknown> =>
  commitS3Part(client, 'http://s3.test', committable).then(
    () => 'committed',
    (error: unknown) => error,
  );

describe('commitS3Part', () => {
  it('computes the multipart ETag (MD5 of the part MD5s, -count)', () => {
    const expected = createHash('md5')
      .update(Buffer.concat([Buffer.from(md5('a'), 'hex'), Buffer.from(md5('b'), 'hex')]))
      .digest('hex');
    expect(uploadETags(committable.parts)).toEqual([`${expected}-2`]);
    expect(uploadETags([{ partNumber: 1, etag: `"${md5('a')}"` }])).toHaveLength(2);
  });

  it('completes the upload', async () => {
    expect(await commit(fakeClient(undefined, undefined))).toBe('committed');
  });

  it('treats NoSuchUpload with an existing object as committed before', async () => {
    expect(await commit(fakeClient(s3Error('NoSuchUpload', 404), 'other'))).toBe('committed');
  });

  it('fails loudly (not retryable) when the upload and the object are both gone', async () => {
    const failure = await commit(fakeClient(s3Error('NoSuchUpload', 404), undefined));
    expect(failure).toBeInstanceOf(FreshetError);
    expect(failure).toMatchObject({ code: 'FILE_SINK_COMMIT_FAILED', domain: 'external', retryable: false });
    expect((failure as Error).message).toMatch(
      /cannot commit s3:\/\/out\/dir\/part-op-0-3: its multipart upload upload-1 no longer exists .* lost/,
    );
  });

  it('after another failure counts as committed only when the object has this upload ETag', async () => {
    const [etag] = uploadETags(committable.parts);
    expect(await commit(fakeClient(s3Error('InternalError', 500), etag))).toBe('committed');
    const failure = await commit(fakeClient(s3Error('InternalError', 500), 'an-older-object'));
    expect(failure).toMatchObject({ code: 'FILE_SINK_COMMIT_FAILED', domain: 'external', retryable: true });
    expect((failure as Error).message).toContain('s3://out/dir/part-op-0-3');
  });
});
