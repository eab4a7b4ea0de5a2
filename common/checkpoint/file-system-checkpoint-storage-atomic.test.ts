/**
 * `_metadata` appears atomically: it is written to a temporary file and renamed into place. These
 * tests control `rename` to stop the write just before the file would appear, and to make it fail.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointMetadataNotFoundError } from './checkpoint-storage-errors.js';
import { FileSystemCheckpointStorage } from './file-system-checkpoint-storage.js';
import { TESTING_JOB_ID } from './testing-checkpoint-metadata.js';

const renameControl = vi.hoisted(() => ({
  /** When set, `rename` waits for this promise first. */
  gate: undefined as Promise<void> | undefined,
  /** When set, `rename` rejects with it. */
  failure: undefined as Error | undefined,
  /** Resolved when a rename has started waiting at the gate. */
  arrived: undefined as (() => void) | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    rename: async (from: string, to: string): Promise<void> => {
      renameControl.arrived?.();
      if (renameControl.gate !== undefined) await renameControl.gate;
      if (renameControl.failure !== undefined) throw renameControl.failure;
      await actual.rename(from, to);
    },
  };
});

const METADATA = Buffer.from(Uint8Array.from({ length: 64 * 1024 }, (_, i) => i % 251));

describe('FileSystemCheckpointStorage metadata atomicity', () => {
  let root: string;
  let storage: FileSystemCheckpointStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-fs-atomic-'));
    storage = new FileSystemCheckpointStorage({ checkpointsDirectory: root });
  });

  afterEach(async () => {
    renameControl.gate = undefined;
    renameControl.failure = undefined;
    renameControl.arrived = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('writes the whole file under a temporary name and only then renames it to _metadata', async () => {
    const location = await storage.initializeLocation(TESTING_JOB_ID, 1);
    const directory = join(root, TESTING_JOB_ID, 'chk-1');
    let release!: () => void;
    renameControl.gate = new Promise((resolve) => (release = resolve));
    const arrived = new Promise<void>((resolve) => (renameControl.arrived = resolve));

    const writing = storage.writeMetadata(location, METADATA);
    await arrived;
    // Just before the rename: the complete bytes exist under a temporary name, _metadata does not.
    const [temporary, ...others] = await readdir(directory);
    expect(others).toEqual([]);
    expect(temporary).toMatch(/^\._metadata\.inprogress-[0-9a-f]{12}$/);
    expect((await readFile(join(directory, temporary!))).equals(METADATA)).toBe(true);
    await expect(storage.readMetadata(location.directory)).rejects.toBeInstanceOf(
      CheckpointMetadataNotFoundError,
    );
    expect((await storage.listCheckpoints(TESTING_JOB_ID))[0]?.complete).toBe(false);

    release();
    await writing;
    expect(await readdir(directory)).toEqual(['_metadata']);
    expect(Buffer.from(await storage.readMetadata(location.directory)).equals(METADATA)).toBe(true);
    expect((await storage.listCheckpoints(TESTING_JOB_ID))[0]?.complete).toBe(true);
  });

  it('leaves neither _metadata nor the temporary file when the rename fails', async () => {
    const location = await storage.initializeLocation(TESTING_JOB_ID, 2);
    renameControl.failure = Object.assign(new Error('disk gone'), { code: 'EIO' });
    await expect(storage.writeMetadata(location, METADATA)).rejects.toMatchObject({
      code: 'CHECKPOINT_STORAGE_IO',
      domain: 'external',
      retryable: true,
    });
    expect(await readdir(join(root, TESTING_JOB_ID, 'chk-2'))).toEqual([]);
    expect((await storage.listCheckpoints(TESTING_JOB_ID))[0]?.complete).toBe(false);
  });
});
