import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshetError, IllegalConfigurationError } from '../errors/freshet-error.js';
import { loadCheckpointMetadata, writeCheckpointMetadata } from './checkpoint-metadata-io.js';
import { stateFileHandlesOf, type CheckpointMetadata } from './checkpoint-metadata.js';
import {
  CheckpointMetadataNotFoundError,
  CorruptCheckpointMetadataError,
} from './checkpoint-storage-errors.js';
import { FileSystemCheckpointStorage } from './file-system-checkpoint-storage.js';
import { TESTING_JOB_ID } from './testing-checkpoint-metadata.js';

const JOB = TESTING_JOB_ID;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

function metadataWith(directory: string, checkpointId: number, names: readonly string[]): CheckpointMetadata {
  return {
    checkpointId,
    jobId: JOB,
    timestamp: 1,
    isSavepoint: false,
    operators: [
      {
        operatorId:
          '0123456789abcdef0123456789abcdef' as CheckpointMetadata['operators'][number]['operatorId'],
        parallelism: 1,
        maxParallelism: 128,
        subtaskStates: [
          {
            subtask: 0,
            operatorState: {
              listStates: {
                s: {
                  mode: 'split',
                  handles: names.map((name) => ({ path: `${directory}/${name}`, size: 5 })),
                },
              },
            },
          },
        ],
      },
    ],
  };
}

describe('FileSystemCheckpointStorage', () => {
  let root: string;
  let storage: FileSystemCheckpointStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-fs-ckpt-'));
    storage = new FileSystemCheckpointStorage({
      checkpointsDirectory: `file://${root}/checkpoints`,
      savepointsDirectory: join(root, 'savepoints'),
    });
  });

  afterEach(async () => {
    await storage.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lays checkpoints out as <dir>/<jobId>/chk-<n>/ with state files and _metadata', async () => {
    const location = await storage.initializeLocation(JOB, 3);
    const directory = join(root, 'checkpoints', JOB, 'chk-3');
    expect(location.directory).toBe(pathToFileURL(directory).href);
    expect(location.metadataPath).toBe(`${location.directory}/_metadata`);
    expect((await stat(directory)).isDirectory()).toBe(true);

    const handle = await storage.writeStateFile(location, 'state-0', bytes('hello'));
    expect(handle).toEqual({ path: `${location.directory}/state-0`, size: 5 });
    expect(await readFile(join(directory, 'state-0'), 'utf8')).toBe('hello');
    expect(text(await storage.readStateFile(handle))).toBe('hello');
    expect(text(await storage.readStateFileRange(handle, 1, 3))).toBe('ell');

    const pointer = await writeCheckpointMetadata(
      storage,
      location,
      metadataWith(location.directory, 3, ['state-0']),
    );
    expect(pointer).toBe(location.directory);
    expect((await readdir(directory)).sort()).toEqual(['_metadata', 'state-0']);

    for (const p of [pointer, directory, join(directory, '_metadata'), `${pointer}/_metadata`]) {
      const loaded = await loadCheckpointMetadata(storage, p);
      expect(loaded.metadata.checkpointId).toBe(3);
      expect(stateFileHandlesOf(loaded.metadata)).toEqual([handle]);
    }
  });

  it('does not report a checkpoint whose _metadata was never written as complete (crash before finalize)', async () => {
    const completed = await storage.initializeLocation(JOB, 1);
    await storage.writeStateFile(completed, 'state-0', bytes('one'));
    await writeCheckpointMetadata(storage, completed, metadataWith(completed.directory, 1, ['state-0']));

    const crashed = await storage.initializeLocation(JOB, 2);
    await storage.writeStateFile(crashed, 'state-0', bytes('two'));
    // A crash between writing the temporary metadata file and renaming it leaves only the temp file.
    await writeFile(join(root, 'checkpoints', JOB, 'chk-2', '._metadata.inprogress-0123456789ab'), 'partial');

    const listed = await storage.listCheckpoints(JOB);
    expect(listed.map(({ checkpointId, complete }) => ({ checkpointId, complete }))).toEqual([
      { checkpointId: 1, complete: true },
      { checkpointId: 2, complete: false },
    ]);
    await expect(storage.readMetadata(crashed.directory)).rejects.toBeInstanceOf(
      CheckpointMetadataNotFoundError,
    );
  });

  it('lists checkpoints by ascending ID, ignoring other entries, and nothing for an unknown job', async () => {
    for (const id of [10, 2, 1]) await storage.initializeLocation(JOB, id);
    await writeFile(join(root, 'checkpoints', JOB, 'chk-5'), 'a file, not a directory');
    await storage.initializeSavepointLocation(undefined, JOB);
    expect((await storage.listCheckpoints(JOB)).map((entry) => entry.checkpointId)).toEqual([1, 2, 10]);
    expect(await storage.listCheckpoints('ffffffffffffffffffffffffffffffff' as typeof JOB)).toEqual([]);
  });

  it('never overwrites a completed checkpoint and leaves no temporary files', async () => {
    const location = await storage.initializeLocation(JOB, 1);
    await storage.writeMetadata(location, bytes('first'));
    const again = storage.writeMetadata(location, bytes('second'));
    await expect(again).rejects.toMatchObject({ code: 'CHECKPOINT_METADATA_EXISTS' });
    expect(text(await storage.readMetadata(location.directory))).toBe('first');
    expect(await readdir(join(root, 'checkpoints', JOB, 'chk-1'))).toEqual(['_metadata']);
  });

  it('gives a not-found error naming the path for a missing _metadata or directory', async () => {
    const missing = join(root, 'nowhere', 'chk-9');
    const error = await storage.readMetadata(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMetadataNotFoundError);
    expect((error as FreshetError).code).toBe('CHECKPOINT_METADATA_NOT_FOUND');
    expect((error as Error).message).toContain(join(missing, '_metadata'));
    expect((error as Error).message).toContain('completed checkpoint or savepoint');
  });

  it('reports a truncated or altered _metadata on disk as corrupt', async () => {
    const location = await storage.initializeLocation(JOB, 4);
    await writeCheckpointMetadata(storage, location, metadataWith(location.directory, 4, []));
    const file = join(root, 'checkpoints', JOB, 'chk-4', '_metadata');
    const size = (await stat(file)).size;
    await truncate(file, size - 3);
    const error = await loadCheckpointMetadata(storage, location.directory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptCheckpointMetadataError);
    expect((error as Error).message).toContain(file);

    await writeFile(file, 'not a metadata file at all');
    await expect(loadCheckpointMetadata(storage, file)).rejects.toMatchObject({
      code: 'CORRUPT_CHECKPOINT_METADATA',
    });
  });

  it('names savepoint directories savepoint-<6 hex of jobId>-<12 hex>, each fresh', async () => {
    const first = await storage.initializeSavepointLocation(undefined, JOB);
    const second = await storage.initializeSavepointLocation(`file://${root}/other`, JOB);
    const pattern = new RegExp(`/savepoint-${JOB.slice(0, 6)}-[0-9a-f]{12}$`);
    expect(first.directory).toMatch(pattern);
    expect(first.directory.startsWith(pathToFileURL(join(root, 'savepoints')).href)).toBe(true);
    expect(second.directory).toMatch(pattern);
    expect(second.directory.startsWith(pathToFileURL(join(root, 'other')).href)).toBe(true);
    expect((await stat(new URL(first.directory))).isDirectory()).toBe(true);
  });

  it('keeps savepoints self-contained: a copied savepoint directory reads from its new place', async () => {
    const location = await storage.initializeSavepointLocation(undefined, JOB);
    await storage.writeStateFile(location, 'op-0', bytes('state'));
    await writeCheckpointMetadata(storage, location, metadataWith(location.directory, 5, ['op-0']));

    const copy = join(root, 'moved', 'my-savepoint');
    await cp(new URL(location.directory), copy, { recursive: true });
    await storage.discardLocation(location);

    const loaded = await loadCheckpointMetadata(storage, copy);
    const [handle] = stateFileHandlesOf(loaded.metadata);
    expect(handle?.path).toBe(pathToFileURL(join(copy, 'op-0')).href);
    expect(text(await storage.readStateFile(handle!))).toBe('state');
  });

  it('discards a location with everything in it, and single state files', async () => {
    const location = await storage.initializeLocation(JOB, 6);
    const a = await storage.writeStateFile(location, 'a', bytes('a'));
    await storage.writeStateFile(location, 'b', bytes('b'));
    await storage.discardStateFile(a);
    await storage.discardStateFile(a);
    expect(await readdir(new URL(location.directory))).toEqual(['b']);
    await storage.discardLocation(location);
    await expect(stat(new URL(location.directory))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(storage.readStateFile(a)).rejects.toMatchObject({ code: 'CHECKPOINT_STATE_FILE_NOT_FOUND' });
  });

  it('rejects unsafe state file names, reads past the end, and paths of another scheme', async () => {
    const location = await storage.initializeLocation(JOB, 8);
    for (const name of ['_metadata', '../escape', 'a/b', '', '.hidden']) {
      await expect(storage.writeStateFile(location, name, bytes('x')), name).rejects.toMatchObject({
        code: 'INVALID_STATE_FILE_NAME',
      });
    }
    const handle = await storage.writeStateFile(location, 'short', bytes('abc'));
    await expect(storage.readStateFileRange(handle, 2, 5)).rejects.toMatchObject({
      code: 'CHECKPOINT_STATE_FILE_TRUNCATED',
    });
    await expect(storage.readStateFile({ path: 's3://bucket/x', size: 1 })).rejects.toBeInstanceOf(
      IllegalConfigurationError,
    );
  });

  it('says to configure a directory when none is set', async () => {
    const bare = new FileSystemCheckpointStorage();
    await expect(bare.initializeLocation(JOB, 1)).rejects.toThrow('state.checkpoints.dir');
    await expect(bare.initializeSavepointLocation(undefined, JOB)).rejects.toThrow('state.savepoints.dir');
  });
});
