/**
 * DispatcherRestBackend.disposeSavepoint against real savepoint directories on the local file
 * system: a savepoint goes, a directory that is no savepoint (no `_metadata`) stays.
 */
import { joblessRestBackend } from './testing/jobless-rest-backend.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import {
  CheckpointMetadataNotFoundError,
  CorruptCheckpointMetadataError,
} from '../../common/checkpoint/checkpoint-storage-errors.js';
import { FileSystemCheckpointStorage } from '../../common/checkpoint/file-system-checkpoint-storage.js';
import {
  TESTING_JOB_ID,
  testingCheckpointMetadata,
} from '../../common/checkpoint/testing-checkpoint-metadata.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-disposal-'));
  dirs.push(dir);
  return dir;
}

const backend = joblessRestBackend;

/** Writes a savepoint (a state file, then `_metadata`) under `root`; returns its directory URI. */
async function writeSavepoint(root: string): Promise<string> {
  const storage = new FileSystemCheckpointStorage();
  const location = await storage.initializeSavepointLocation(root, TESTING_JOB_ID);
  await storage.writeStateFile(location, 'keyed-0', new Uint8Array(30));
  const pointer = await writeCheckpointMetadata(
    storage,
    location,
    testingCheckpointMetadata(location.directory),
  );
  await storage.close();
  return pointer;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('DispatcherRestBackend.disposeSavepoint', () => {
  it('deletes a savepoint directory given by its file:// URI, leaving its siblings alone', async () => {
    const root = tempDir();
    const pointer = await writeSavepoint(root);
    const sibling = join(root, 'other');
    mkdirSync(sibling);
    const directory = fileURLToPath(pointer);
    expect(readdirSync(directory).sort()).toEqual(['_metadata', 'keyed-0']);

    const { completion } = await backend().disposeSavepoint(pointer);
    await completion;
    expect(existsSync(directory)).toBe(false);
    expect(readdirSync(root)).toEqual(['other']);
  });

  it('deletes a savepoint given as a plain path to its _metadata file', async () => {
    const directory = fileURLToPath(await writeSavepoint(tempDir()));
    const { completion } = await backend().disposeSavepoint(join(directory, '_metadata'));
    await completion;
    expect(existsSync(directory)).toBe(false);
  });

  it('refuses a directory without _metadata and leaves everything in it', async () => {
    const directory = join(tempDir(), 'not-a-savepoint');
    mkdirSync(directory);
    writeFileSync(join(directory, 'precious.txt'), 'keep me');
    const { completion } = await backend().disposeSavepoint(directory);
    const error = await rejection(completion);
    expect(error).toBeInstanceOf(CheckpointMetadataNotFoundError);
    expect((error as CheckpointMetadataNotFoundError).code).toBe('CHECKPOINT_METADATA_NOT_FOUND');
    expect(readdirSync(directory)).toEqual(['precious.txt']);
  });

  it('refuses a directory whose _metadata is not a Freshet metadata file, and deletes nothing', async () => {
    const directory = join(tempDir(), 'savepoint-lookalike');
    mkdirSync(directory);
    writeFileSync(join(directory, '_metadata'), 'not metadata');
    const { completion } = await backend().disposeSavepoint(directory);
    expect(await rejection(completion)).toBeInstanceOf(CorruptCheckpointMetadataError);
    expect(readdirSync(directory)).toEqual(['_metadata']);
  });

  it('refuses a path no storage understands before starting anything', async () => {
    await expect(backend().disposeSavepoint('ftp://host/savepoint-1')).rejects.toMatchObject({
      domain: 'user',
    });
  });
});
