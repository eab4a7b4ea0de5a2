/**
 * Keyed state files indexed by key group (Flink's KeyGroupsStateHandle with KeyGroupRangeOffsets):
 * the sections of a subtask's key groups are concatenated in key-group order and their offsets go
 * into `_metadata`, so a restore at another parallelism reads only the key groups it now owns — one
 * positional read (file) or one ranged GET (S3) covering them.
 */
import { FreshetError } from '../errors/freshet-error.js';
import type { KeyGroupRange } from '../key-groups.js';
import type { KeyGroupRangeBounds, KeyGroupSection, KeyGroupsStateHandle } from './checkpoint-metadata.js';
import type { CheckpointStorage, CheckpointStorageLocation } from './checkpoint-storage.js';
import { stateFileTooShort } from './checkpoint-storage-errors.js';

type KeyGroupBounds = Pick<KeyGroupRange, 'startKeyGroup' | 'endKeyGroup'>;

export interface EncodedKeyGroupsState {
  readonly bytes: Uint8Array;
  readonly keyGroupOffsets: Readonly<Record<number, KeyGroupSection>>;
}

/**
 * Concatenates per-key-group sections in key-group order. Empty sections are left out of the
 * index; a key group outside `range` or given twice is an error (a bug in the backend).
 */
export function encodeKeyGroupsState(
  range: KeyGroupBounds,
  sections: Iterable<readonly [keyGroup: number, bytes: Uint8Array]>,
): EncodedKeyGroupsState {
  const sorted = [...sections].sort((a, b) => a[0] - b[0]);
  const keyGroupOffsets: Record<number, KeyGroupSection> = {};
  let size = 0;
  let previous = -1;
  for (const [keyGroup, bytes] of sorted) {
    if (!Number.isInteger(keyGroup) || keyGroup < range.startKeyGroup || keyGroup > range.endKeyGroup) {
      throw new FreshetError(
        'KEY_GROUP_OUT_OF_RANGE',
        `key group ${keyGroup} is outside the snapshot's range [${range.startKeyGroup}, ${range.endKeyGroup}]`,
      );
    }
    if (keyGroup === previous) {
      throw new FreshetError(
        'DUPLICATE_KEY_GROUP',
        `key group ${keyGroup} was given twice for one state file`,
      );
    }
    previous = keyGroup;
    if (bytes.byteLength === 0) continue;
    keyGroupOffsets[keyGroup] = [size, bytes.byteLength];
    size += bytes.byteLength;
  }
  const bytes = new Uint8Array(size);
  for (const [keyGroup, section] of sorted) {
    const at = keyGroupOffsets[keyGroup];
    if (at !== undefined) bytes.set(section, at[0]);
  }
  return { bytes, keyGroupOffsets };
}

/** Writes a keyed state file for `range` and returns its handle with the per-key-group index. */
export async function writeKeyGroupsStateFile(
  storage: CheckpointStorage,
  location: CheckpointStorageLocation,
  name: string,
  range: KeyGroupBounds,
  sections: Iterable<readonly [keyGroup: number, bytes: Uint8Array]>,
): Promise<KeyGroupsStateHandle> {
  const { bytes, keyGroupOffsets } = encodeKeyGroupsState(range, sections);
  const handle = await storage.writeStateFile(location, name, bytes);
  const keyGroupRange: KeyGroupRangeBounds = [range.startKeyGroup, range.endKeyGroup];
  return { ...handle, keyGroupRange, keyGroupOffsets };
}

/** The key groups of `handle` inside `range` that have state, by ascending key group, with their sections. */
export function sectionsInRange(
  handle: KeyGroupsStateHandle,
  range: KeyGroupBounds,
): [keyGroup: number, section: KeyGroupSection][] {
  return Object.entries(handle.keyGroupOffsets)
    .map(([group, section]) => [Number(group), section] as [number, KeyGroupSection])
    .filter(([group]) => group >= range.startKeyGroup && group <= range.endKeyGroup)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Reads the sections of the key groups in `range` (intersected with the file's) with one read of
 * the byte span that covers them; key groups without state are absent from the result.
 */
export async function readKeyGroupsState(
  storage: CheckpointStorage,
  handle: KeyGroupsStateHandle,
  range: KeyGroupBounds,
): Promise<Map<number, Uint8Array>> {
  const wanted = sectionsInRange(handle, range);
  const result = new Map<number, Uint8Array>();
  if (wanted.length === 0) return result;
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const [, [offset, length]] of wanted) {
    start = Math.min(start, offset);
    end = Math.max(end, offset + length);
  }
  if (end > handle.size)
    throw stateFileTooShort(handle.path, start, end - start, Math.max(0, handle.size - start));
  const span = await storage.readStateFileRange(handle, start, end - start);
  for (const [group, [offset, length]] of wanted) {
    result.set(group, span.subarray(offset - start, offset - start + length));
  }
  return result;
}
