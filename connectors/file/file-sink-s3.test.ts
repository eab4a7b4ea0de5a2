/** FileSink on s3:// against a real S3-protocol server (s3rver), over HTTP through the AWS SDK. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../common/checkpoint/s3-client-factory.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { startS3TestServer, type S3TestServer } from '../../test/support/s3-test-server.js';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import type { FileSinkCommittable } from './file-sink-committable.js';
import { FileSink } from './file-sink.js';
import { DefaultRollingPolicy } from './rolling-policy.js';

const writeContext = new TestingSinkWriterContext();
let server: S3TestServer;
let configuration: Record<string, string>;
/** A plain SDK client to look at the bucket behind the sink's back. */
let raw: S3Client;

beforeAll(async () => {
  server = await startS3TestServer({ bucket: 'sink-out' });
  configuration = {
    's3.endpoint': server.endpoint,
    's3.path.style.access': 'true',
    's3.access-key': server.accessKey,
    's3.secret-key': server.secretKey,
    's3.region': 'eu-west-1',
  };
  raw = createS3Client({
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    pathStyleAccess: true,
  });
});

afterAll(async () => {
  raw.destroy();
  await server.stop();
});

let prefixCounter = 0;
function nextPrefix(): string {
  prefixCounter += 1;
  return `out-${prefixCounter}`;
}

function context(checkpointingEnabled: boolean): TestingSinkInitContext {
  return new TestingSinkInitContext({
    operatorUidOrId: 'op',
    indexOfSubtask: 1,
    configuration,
    checkpointingEnabled,
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
  return (listed.Contents ?? []).map((entry) => entry.Key ?? '').sort();
}

async function read(key: string): Promise<string> {
  const object = await raw.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}

describe('FileSink on S3', () => {
  it('uploads a part as a multipart upload that becomes visible only on commit, idempotently', async () => {
    const prefix = nextPrefix();
    const sink = FileSink.forRowFormat<number>(`s3://${server.bucket}/${prefix}`, (n) => `${n}\n`)
      .withOutputFileConfig({ partSuffix: '.txt' })
      .build();
    const ctx = context(true);
    const writer = sink.createWriter(ctx);
    writer.write(1, writeContext);
    writer.write(2, writeContext);
    await writer.flush(false);
    await writer.flush(true);
    const committables = await writer.prepareCommit(1);
    expect(committables).toEqual([
      {
        kind: 's3',
        bucket: server.bucket,
        key: `${prefix}/part-op-1-0.txt`,
        uploadId: expect.any(String) as string,
        parts: [{ partNumber: 1, etag: expect.any(String) as string }],
      },
    ]);
    expect(await keysUnder(prefix)).toEqual([]);
    expect(writer.snapshotState(1)).toEqual([{ nextPartCounter: 1 }]);

    const packr = new Packr({ useRecords: false, mapsAsObjects: true });
    const restored = packr.unpack(packr.pack(committables)) as FileSinkCommittable[];
    const committer = sink.createCommitter(ctx);
    await committer.commit(restored);
    expect(await keysUnder(prefix)).toEqual([`${prefix}/part-op-1-0.txt`]);
    expect(await read(`${prefix}/part-op-1-0.txt`)).toBe('1\n2\n');
    await committer.commit(restored); // completed already: the object exists, so this succeeds
    expect(await keysUnder(prefix)).toEqual([`${prefix}/part-op-1-0.txt`]);
    committer.close();
    writer.close();
  });

  it('uploads full 5 MiB parts at flush and the rest as the last part at prepareCommit', async () => {
    const prefix = nextPrefix();
    const sink = FileSink.forRowFormat<string>(`s3://${server.bucket}/${prefix}`, (s) => s).build();
    const ctx = context(true);
    const writer = sink.createWriter(ctx);
    const row = `${'x'.repeat(1023)}\n`;
    const rows = 11 * 1024; // 11 MiB: two full parts and a 1 MiB last part
    for (let i = 0; i < rows; i++) writer.write(row, writeContext);
    await writer.flush(false);
    const committables = await writer.prepareCommit(1);
    expect(committables).toHaveLength(1);
    const [committable] = committables;
    expect(committable?.kind === 's3' ? committable.parts.map((part) => part.partNumber) : []).toEqual([
      1, 2, 3,
    ]);
    expect(await keysUnder(prefix)).toEqual([]);
    await sink.createCommitter(ctx).commit(committables);
    const content = await read(`${prefix}/part-op-1-0`);
    expect(content.length).toBe(rows * 1024);
    expect(content).toBe(row.repeat(rows));
    writer.close();
  });

  it('without checkpoints commits rolled parts at the next flush and the last one at the end of input', async () => {
    const prefix = nextPrefix();
    const sink = FileSink.forRowFormat<string>(`s3://${server.bucket}/${prefix}`, (s) => `${s}\n`)
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(4).build())
      .build();
    const writer = sink.createWriter(context(false));
    writer.write('aaa', writeContext);
    writer.write('bbb', writeContext); // rolls part 0
    expect(await keysUnder(prefix)).toEqual([]);
    await writer.flush(false);
    expect(await keysUnder(prefix)).toEqual([`${prefix}/part-op-1-0`]);
    await writer.flush(true);
    expect(await keysUnder(prefix)).toEqual([`${prefix}/part-op-1-0`, `${prefix}/part-op-1-1`]);
    expect(await read(`${prefix}/part-op-1-1`)).toBe('bbb\n');
    expect(await writer.prepareCommit(1)).toEqual([]);
    writer.close();
  });

  it('fails when neither the upload nor the object exists', async () => {
    const prefix = nextPrefix();
    const sink = FileSink.forRowFormat(`s3://${server.bucket}/${prefix}`).build();
    const committer = sink.createCommitter(context(true));
    const lost: FileSinkCommittable = {
      kind: 's3',
      bucket: server.bucket,
      key: `${prefix}/part-op-1-0`,
      uploadId: 'no-such-upload',
      parts: [{ partNumber: 1, etag: '"0"' }],
    };
    const failure = await committer.commit([lost]).then(
      () => undefined,
      (error: unknown) => error,
    );
    // s3rver answers a completion of an unknown upload with HTTP 500, not NoSuchUpload (see
    // s3-part-commit.test.ts for that case).
    expect(failure).toBeInstanceOf(FreshetError);
    expect(failure).toMatchObject({ code: 'FILE_SINK_COMMIT_FAILED', domain: 'external' });
    expect((failure as Error).message).toContain(`s3://${server.bucket}/${prefix}/part-op-1-0`);
    expect(await keysUnder(prefix)).toEqual([]);
    committer.close();
  });

  it('names the bucket when it does not exist', async () => {
    const sink = FileSink.forRowFormat<number>('s3://no-such-bucket/out').build();
    const writer = sink.createWriter(context(true));
    writer.write(1, writeContext);
    const failure = await writer.flush(false).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'FILE_SINK_IO_FAILED', domain: 'external', retryable: false });
    expect((failure as Error).message).toMatch(
      /S3 bucket 'no-such-bucket' does not exist .*s3:\/\/no-such-bucket\/out\/part-op-1-0/,
    );
    writer.close();
  });
});
