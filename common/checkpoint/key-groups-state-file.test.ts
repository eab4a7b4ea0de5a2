import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeKeyGroupRangeForOperatorIndex, KeyGroupRange } from '../key-groups.js';
import type { CheckpointStorage, StateFileHandle } from './checkpoint-storage.js';
import { FileSystemCheckpointStorage } from './file-system-checkpoint-storage.js';
import {
  encodeKeyGroupsState,
  readKeyGroupsState,
  writeKeyGroupsStateFile,
} from './key-groups-state-file.js';
import { TESTING_JOB_ID } from './testing-checkpoint-metadata.js';

const section = (keyGroup: number): Uint8Array =>
  new TextEncoder().encode(`kg${keyGroup}:`.repeat((keyGroup % 3) + 1));

/** Records the ranged reads a storage is asked for. */
function recordingReads(storage: CheckpointStorage): {
  storage: CheckpointStorage;
  reads: [number, number][];
} {
  const reads: [number, number][] = [];
  const recording = Object.create(storage) as CheckpointStorage;
  recording.readStateFileRange = (handle: StateFileHandle, offset: number, length: number) => {
    reads.push([offset, length]);
    return storage.readStateFileRange(handle, offset, length);
  };
  return { storage: recording, reads };
}

describe('key-group indexed state files', () => {
  let root: string;
  let storage: FileSystemCheckpointStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-kg-'));
    storage = new FileSystemCheckpointStorage({ checkpointsDirectory: root });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('concatenates sections in key-group order and indexes the non-empty ones', () => {
    const { bytes, keyGroupOffsets } = encodeKeyGroupsState(new KeyGroupRange(0, 9), [
      [7, Uint8Array.of(7, 7)],
      [2, Uint8Array.of(2)],
      [5, new Uint8Array(0)],
    ]);
    expect([...bytes]).toEqual([2, 7, 7]);
    expect(keyGroupOffsets).toEqual({ 2: [0, 1], 7: [1, 2] });
    expect(() => encodeKeyGroupsState(new KeyGroupRange(0, 9), [[10, Uint8Array.of(1)]])).toThrow(
      'outside the snapshot',
    );
    expect(() =>
      encodeKeyGroupsState(new KeyGroupRange(0, 9), [
        [1, Uint8Array.of(1)],
        [1, Uint8Array.of(2)],
      ]),
    ).toThrow('twice');
  });

  it('restores at another parallelism by reading only the key groups each new subtask owns', async () => {
    const maxParallelism = 32;
    const oldRange = computeKeyGroupRangeForOperatorIndex(maxParallelism, 1, 0);
    const location = await storage.initializeLocation(TESTING_JOB_ID, 1);
    const sections = [...oldRange].filter((g) => g % 4 !== 3).map((g) => [g, section(g)] as const);
    const handle = await writeKeyGroupsStateFile(storage, location, 'keyed-0', oldRange, sections);
    expect(handle.keyGroupRange).toEqual([0, 31]);
    expect(Object.keys(handle.keyGroupOffsets)).toHaveLength(sections.length);

    for (let subtask = 0; subtask < 3; subtask++) {
      const newRange = computeKeyGroupRangeForOperatorIndex(maxParallelism, 3, subtask);
      const { storage: recording, reads } = recordingReads(storage);
      const restored = await readKeyGroupsState(recording, handle, newRange);

      const expected = sections.filter(([g]) => newRange.contains(g));
      expect([...restored.keys()]).toEqual(expected.map(([g]) => g));
      for (const [g, bytes] of expected) expect(Buffer.from(restored.get(g)!)).toEqual(Buffer.from(bytes));
      // One read, covering exactly this subtask's sections and nothing of the others'.
      const first = handle.keyGroupOffsets[expected[0]![0]]!;
      const last = handle.keyGroupOffsets[expected.at(-1)![0]]!;
      expect(reads).toEqual([[first[0], last[0] + last[1] - first[0]]]);
    }
  });

  it('does no I/O for a range without state and rejects an index that points past the file', async () => {
    const location = await storage.initializeLocation(TESTING_JOB_ID, 2);
    const handle = await writeKeyGroupsStateFile(storage, location, 'keyed-0', new KeyGroupRange(0, 9), [
      [1, Uint8Array.of(1, 1)],
    ]);
    const { storage: recording, reads } = recordingReads(storage);
    expect((await readKeyGroupsState(recording, handle, new KeyGroupRange(2, 9))).size).toBe(0);
    expect(reads).toEqual([]);

    const lying = { ...handle, keyGroupOffsets: { 1: [0, 50] as const } };
    await expect(readKeyGroupsState(storage, lying, new KeyGroupRange(0, 9))).rejects.toMatchObject({
      code: 'CHECKPOINT_STATE_FILE_TRUNCATED',
    });
  });
});
