/** Scheme dispatch: checkpoints on S3 (a real S3-protocol server), savepoints on disk, one storage. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../test/support/s3-test-server.js';
import { Configuration } from '../config/configuration.js';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { loadCheckpointMetadata, writeCheckpointMetadata } from './checkpoint-metadata-io.js';
import { stateFileHandlesOf } from './checkpoint-metadata.js';
import { CheckpointStorageFactory } from './checkpoint-storage-factory.js';
import { CheckpointStorageRouter } from './checkpoint-storage-router.js';
import { TESTING_JOB_ID, testingCheckpointMetadata } from './testing-checkpoint-metadata.js';

const JOB = TESTING_JOB_ID;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

let server: S3TestServer;
let root: string;

beforeAll(async () => {
  server = await startS3TestServer();
  root = await mkdtemp(join(tmpdir(), 'freshet-router-'));
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('CheckpointStorageFactory.fromConfiguration', () => {
  it('sends checkpoints to S3 and savepoints to disk, by the scheme of each path', async () => {
    const configuration = Configuration.fromMap({
      'state.checkpoints.dir': `s3://${server.bucket}/ckpt`,
      'state.savepoints.dir': `file://${root}/savepoints`,
      's3.endpoint': server.endpoint,
      's3.path.style.access': 'true',
      's3.access-key': server.accessKey,
      's3.secret-key': server.secretKey,
    });
    const storage = CheckpointStorageFactory.fromConfiguration(configuration);
    try {
      const checkpoint = await storage.initializeLocation(JOB, 1);
      expect(checkpoint.directory).toBe(`s3://${server.bucket}/ckpt/${JOB}/chk-1`);
      const handle = await storage.writeStateFile(checkpoint, 'state-0', bytes('on s3'));
      await writeCheckpointMetadata(storage, checkpoint, {
        ...testingCheckpointMetadata(checkpoint.directory),
        operators: [],
      });
      expect((await storage.listCheckpoints(JOB)).map((entry) => entry.complete)).toEqual([true]);
      expect(text(await storage.readStateFile(handle))).toBe('on s3');

      const savepoint = await storage.initializeSavepointLocation(undefined, JOB);
      expect(savepoint.directory.startsWith(pathToFileURL(join(root, 'savepoints')).href)).toBe(true);
      await storage.writeStateFile(savepoint, 'keyed-0', bytes('on disk'));
      await writeCheckpointMetadata(storage, savepoint, testingCheckpointMetadata(savepoint.directory));
      expect((await readdir(new URL(savepoint.directory))).sort()).toEqual(['_metadata', 'keyed-0']);

      const loaded = await loadCheckpointMetadata(storage, new URL(savepoint.directory).pathname);
      const keyed = stateFileHandlesOf(loaded.metadata)[0]!;
      expect(text(await storage.readStateFile(keyed))).toBe('on disk');
      expect((await loadCheckpointMetadata(storage, checkpoint.directory)).metadata.checkpointId).toBe(7);
    } finally {
      await storage.close();
    }
  });

  it('rejects an unsupported scheme at construction, naming it', () => {
    expect(() => new CheckpointStorageRouter({ checkpointsDirectory: 'hdfs://namenode/ckpt' })).toThrow(
      IllegalConfigurationError,
    );
    expect(() =>
      CheckpointStorageFactory.fromConfiguration(
        Configuration.fromMap({ 'state.savepoints.dir': 'gs://b/p' }),
      ),
    ).toThrow("unsupported scheme 'gs'");
    const storage = CheckpointStorageFactory.create();
    expect(() => storage.resolveLocation('ftp://host/x')).toThrow("unsupported scheme 'ftp'");
  });
});
