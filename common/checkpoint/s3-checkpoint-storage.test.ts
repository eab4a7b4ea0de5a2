/** S3CheckpointStorage against a real S3-protocol server (s3rver), over HTTP through the AWS SDK. */
import { createServer } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../test/support/s3-test-server.js';
import { FreshetError } from '../errors/freshet-error.js';
import { loadCheckpointMetadata, writeCheckpointMetadata } from './checkpoint-metadata-io.js';
import { stateFileHandlesOf } from './checkpoint-metadata.js';
import {
  CheckpointMetadataNotFoundError,
  CorruptCheckpointMetadataError,
} from './checkpoint-storage-errors.js';
import { readKeyGroupsState, writeKeyGroupsStateFile } from './key-groups-state-file.js';
import { KeyGroupRange } from '../key-groups.js';
import { createS3Client, type S3ConnectionOptions } from './s3-client-factory.js';
import { S3CheckpointStorage } from './s3-checkpoint-storage.js';
import { TESTING_JOB_ID, testingCheckpointMetadata } from './testing-checkpoint-metadata.js';

const JOB = TESTING_JOB_ID;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

let server: S3TestServer;
let connection: S3ConnectionOptions;
/** A plain SDK client to look at the bucket behind the storage's back. */
let raw: S3Client;

beforeAll(async () => {
  server = await startS3TestServer({ bucket: 'checkpoints' });
  connection = {
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    pathStyleAccess: true,
  };
  raw = createS3Client(connection);
});

afterAll(async () => {
  raw.destroy();
  await server.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((entry) => entry.Key!).sort();
}

/** A fresh prefix per test, so tests do not see each other's objects. */
let prefix = 0;
function nextPrefix(): string {
  prefix += 1;
  return `run-${prefix}`;
}

describe('S3CheckpointStorage', () => {
  let base: string;
  let storage: S3CheckpointStorage;

  beforeEach(() => {
    base = nextPrefix();
    storage = new S3CheckpointStorage({
      ...connection,
      checkpointsDirectory: `s3://${server.bucket}/${base}/checkpoints`,
      savepointsDirectory: `s3://${server.bucket}/${base}/savepoints`,
    });
  });

  afterEach(async () => {
    await storage.close();
  });

  it('writes state files and _metadata under <dir>/<jobId>/chk-<n>/ and reads them back', async () => {
    const location = await storage.initializeLocation(JOB, 1);
    expect(location.directory).toBe(`s3://${server.bucket}/${base}/checkpoints/${JOB}/chk-1`);
    const handle = await storage.writeStateFile(location, 'state-0', bytes('hello s3'));
    expect(handle).toEqual({ path: `${location.directory}/state-0`, size: 8 });
    expect(text(await storage.readStateFile(handle))).toBe('hello s3');
    expect(text(await storage.readStateFileRange(handle, 6, 2))).toBe('s3');

    const metadata = testingCheckpointMetadata(location.directory);
    const pointer = await writeCheckpointMetadata(storage, location, metadata);
    expect(pointer).toBe(location.directory);
    expect(await keysUnder(`${base}/`)).toEqual([
      `${base}/checkpoints/${JOB}/chk-1/_metadata`,
      `${base}/checkpoints/${JOB}/chk-1/state-0`,
    ]);
    for (const p of [pointer, `${pointer}/_metadata`, `${pointer}/`]) {
      expect((await loadCheckpointMetadata(storage, p)).metadata).toEqual(metadata);
    }
    await expect(storage.writeMetadata(location, bytes('again'))).rejects.toMatchObject({
      code: 'CHECKPOINT_METADATA_EXISTS',
    });
  });

  it('lists chk-<n> prefixes and reports one without _metadata as incomplete', async () => {
    const done = await storage.initializeLocation(JOB, 1);
    await storage.writeStateFile(done, 'state-0', bytes('1'));
    await storage.writeMetadata(done, bytes('m'));
    const crashed = await storage.initializeLocation(JOB, 2);
    await storage.writeStateFile(crashed, 'state-0', bytes('2'));
    const bigger = await storage.initializeLocation(JOB, 10);
    await storage.writeMetadata(bigger, bytes('m'));

    const listed = await storage.listCheckpoints(JOB);
    expect(listed.map(({ checkpointId, complete }) => [checkpointId, complete])).toEqual([
      [1, true],
      [2, false],
      [10, true],
    ]);
    expect(listed[1]?.location).toEqual(crashed);
    await expect(storage.readMetadata(crashed.directory)).rejects.toBeInstanceOf(
      CheckpointMetadataNotFoundError,
    );
  });

  it('uploads a state file above the threshold in parts, and reads ranges across part boundaries', async () => {
    const client = createS3Client(connection);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize' },
    );
    const small = new S3CheckpointStorage({
      client,
      checkpointsDirectory: `s3://${server.bucket}/${base}/checkpoints`,
      multipartThreshold: 64 * 1024,
      partSize: 40 * 1024,
    });
    const location = await small.initializeLocation(JOB, 1);
    const content = Buffer.from(Uint8Array.from({ length: 150 * 1024 + 7 }, (_, i) => (i * 31) % 256));

    const handle = await small.writeStateFile(location, 'big', content);
    expect(handle.size).toBe(content.byteLength);
    expect(commands).toEqual([
      'CreateMultipartUploadCommand',
      ...Array<string>(4).fill('UploadPartCommand'),
      'CompleteMultipartUploadCommand',
    ]);
    expect(Buffer.from(await small.readStateFile(handle)).equals(content)).toBe(true);
    const across = await small.readStateFileRange(handle, 40 * 1024 - 10, 20);
    expect(Buffer.from(across).equals(content.subarray(40 * 1024 - 10, 40 * 1024 + 10))).toBe(true);

    commands.length = 0;
    await small.writeStateFile(location, 'small', content.subarray(0, 64 * 1024));
    expect(commands).toEqual(['PutObjectCommand']);
    await small.close();
    client.destroy();
  });

  it('aborts a multipart upload when a part fails, and leaves no object behind', async () => {
    const client = createS3Client(connection);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        const name = context.commandName ?? '?';
        commands.push(name);
        if (name === 'UploadPartCommand' && commands.filter((c) => c === name).length === 2) {
          return Promise.reject(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const failing = new S3CheckpointStorage({
      client,
      checkpointsDirectory: `s3://${server.bucket}/${base}/checkpoints`,
      multipartThreshold: 1024,
      partSize: 1024,
    });
    const location = await failing.initializeLocation(JOB, 1);
    const error = await failing
      .writeStateFile(location, 'big', new Uint8Array(10 * 1024))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FreshetError);
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    // s3rver does not implement AbortMultipartUpload, so the error says parts may linger.
    expect(error).toMatchObject({ code: 'S3_MULTIPART_ABORT_FAILED' });
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNRESET');
    expect(await keysUnder(`${base}/`)).toEqual([]);
    await failing.close();
    client.destroy();
  });

  it('reads only the requested key groups with a ranged GET', async () => {
    const location = await storage.initializeLocation(JOB, 3);
    const sections = [...new KeyGroupRange(0, 15)].map((g) => [g, bytes(`group-${g};`)] as const);
    const handle = await writeKeyGroupsStateFile(
      storage,
      location,
      'keyed',
      new KeyGroupRange(0, 15),
      sections,
    );
    const restored = await readKeyGroupsState(storage, handle, new KeyGroupRange(8, 11));
    expect([...restored].map(([g, b]) => [g, text(b)])).toEqual([
      [8, 'group-8;'],
      [9, 'group-9;'],
      [10, 'group-10;'],
      [11, 'group-11;'],
    ]);
    await expect(storage.readStateFileRange(handle, handle.size - 2, 10)).rejects.toMatchObject({
      code: 'CHECKPOINT_STATE_FILE_TRUNCATED',
    });
  });

  it('discards every key under the location prefix and nothing else', async () => {
    const one = await storage.initializeLocation(JOB, 1);
    const ten = await storage.initializeLocation(JOB, 10);
    for (const name of ['a', 'b', 'c']) await storage.writeStateFile(one, name, bytes(name));
    await storage.writeMetadata(one, bytes('m'));
    await storage.writeStateFile(ten, 'a', bytes('a'));

    await storage.discardLocation(one);
    expect(await keysUnder(`${base}/checkpoints/${JOB}/chk-1/`)).toEqual([]);
    expect(await keysUnder(`${base}/checkpoints/${JOB}/chk-10/`)).toEqual([
      `${base}/checkpoints/${JOB}/chk-10/a`,
    ]);
    await storage.discardLocation(one);

    const [handle] = [{ path: `${ten.directory}/a`, size: 1 }];
    await storage.discardStateFile(handle);
    expect(await keysUnder(`${base}/checkpoints/${JOB}/`)).toEqual([]);
  });

  it('names savepoints savepoint-<6 hex>-<12 hex> and keeps them readable after moving them', async () => {
    const location = await storage.initializeSavepointLocation(undefined, JOB);
    expect(location.directory).toMatch(
      new RegExp(`^s3://${server.bucket}/${base}/savepoints/savepoint-${JOB.slice(0, 6)}-[0-9a-f]{12}$`),
    );
    const target = await storage.initializeSavepointLocation(`s3://${server.bucket}/${base}/elsewhere/`, JOB);
    expect(target.directory.startsWith(`s3://${server.bucket}/${base}/elsewhere/savepoint-`)).toBe(true);

    const handle = await storage.writeStateFile(location, 'op-0', bytes('savepoint state'));
    const metadata = { ...testingCheckpointMetadata(location.directory), operators: [] };
    const withState = {
      ...metadata,
      operators: [
        {
          operatorId: testingCheckpointMetadata(location.directory).operators[1]!.operatorId,
          parallelism: 1,
          maxParallelism: 128,
          subtaskStates: [
            {
              subtask: 0,
              operatorState: { listStates: { s: { mode: 'union' as const, handles: [handle] } } },
            },
          ],
        },
      ],
    };
    await writeCheckpointMetadata(storage, location, withState);

    // Move every object of the savepoint to another prefix with plain S3 calls, then read it there.
    const fromKey = location.directory.slice(`s3://${server.bucket}/`.length);
    const toKey = `${base}/moved/my-savepoint`;
    for (const key of await keysUnder(`${fromKey}/`)) {
      const object = await raw.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
      const body = await object.Body!.transformToByteArray();
      await raw.send(
        new PutObjectCommand({
          Bucket: server.bucket,
          Key: `${toKey}/${key.slice(fromKey.length + 1)}`,
          Body: body,
        }),
      );
    }
    await storage.discardLocation(location);

    const loaded = await loadCheckpointMetadata(storage, `s3://${server.bucket}/${toKey}`);
    const [moved] = stateFileHandlesOf(loaded.metadata);
    expect(moved?.path).toBe(`s3://${server.bucket}/${toKey}/op-0`);
    expect(text(await storage.readStateFile(moved!))).toBe('savepoint state');
  });

  it('reports a corrupt or missing _metadata naming its S3 path', async () => {
    const location = await storage.initializeLocation(JOB, 5);
    const missing = await storage.readMetadata(location.directory).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CheckpointMetadataNotFoundError);
    expect((missing as Error).message).toContain(location.metadataPath);

    const good = await writeCheckpointMetadata(
      storage,
      location,
      testingCheckpointMetadata(location.directory),
    );
    const key = location.metadataPath.slice(`s3://${server.bucket}/`.length);
    const stored = await (
      await raw.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }))
    ).Body!.transformToByteArray();
    await raw.send(
      new PutObjectCommand({
        Bucket: server.bucket,
        Key: key,
        Body: stored.subarray(0, stored.byteLength - 5),
      }),
    );
    const corrupt = await loadCheckpointMetadata(storage, good).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(CorruptCheckpointMetadataError);
    expect((corrupt as Error).message).toContain(location.metadataPath);
  });

  it('maps a missing bucket and bad credentials to clear external errors', async () => {
    const noBucket = await storage
      .writeStateFile(
        { directory: 's3://no-such-bucket/x', metadataPath: 's3://no-such-bucket/x/_metadata' },
        'a',
        bytes('a'),
      )
      .catch((e: unknown) => e);
    expect(noBucket).toMatchObject({ code: 'S3_NO_SUCH_BUCKET', domain: 'external', retryable: false });
    expect((noBucket as Error).message).toContain("'no-such-bucket'");
    expect((noBucket as Error).message).toContain(server.endpoint);

    const denied = new S3CheckpointStorage({ ...connection, accessKey: 'NOT-A-KEY', maxAttempts: 1 });
    const error = await denied.readMetadata(`s3://${server.bucket}/${base}/x`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'S3_ACCESS_DENIED', domain: 'external', retryable: false });
    expect((error as Error).message).toContain('s3.access-key');
    await denied.close();
  });
});

describe('S3CheckpointStorage with an unreachable endpoint', () => {
  it('fails with a retryable external error naming endpoint, bucket and key', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const storage = new S3CheckpointStorage({
      endpoint,
      pathStyleAccess: true,
      accessKey: 'k',
      secretKey: 's',
      maxAttempts: 1,
      checkpointsDirectory: 's3://checkpoints/ckpt',
    });
    const location = await storage.initializeLocation(JOB, 1);
    const error = await storage.writeStateFile(location, 'state-0', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FreshetError);
    expect(error).toMatchObject({ code: 'S3_UNREACHABLE', domain: 'external', retryable: true });
    const message = (error as Error).message;
    expect(message).toContain(endpoint);
    expect(message).toContain(`s3://checkpoints/ckpt/${JOB}/chk-1/state-0`);
    expect(message).toContain('s3.endpoint');
    await storage.close();
  });
});

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve, reject) => probe.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
