/**
 * Directory naming shared by every CheckpointStorage: `chk-<n>` under `<dir>/<jobId>`,
 * `savepoint-<first 6 of jobId>-<12 hex>`, `_metadata`, and which state file names are allowed.
 * Pure functions.
 */
import { randomBytes } from 'node:crypto';
import { FreshetError } from '../errors/freshet-error.js';
import type { JobId } from '../ids.js';
import { childUri, normalizeCheckpointUri } from './checkpoint-path.js';
import { METADATA_FILE_NAME, type CheckpointStorageLocation } from './checkpoint-storage.js';

export const CHECKPOINT_DIR_PREFIX = 'chk-';
export const SAVEPOINT_DIR_PREFIX = 'savepoint-';

const CHECKPOINT_DIR_NAME = /^chk-(\d+)$/;
const STATE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** The location of a directory given as a canonical URI. */
export function locationAt(directory: string): CheckpointStorageLocation {
  const trimmed = directory.length > 1 && directory.endsWith('/') ? directory.slice(0, -1) : directory;
  return { directory: trimmed, metadataPath: childUri(trimmed, METADATA_FILE_NAME) };
}

/** The location a pointer names: a checkpoint directory, or the `_metadata` file inside it. */
export function locationOfPointer(pointer: string): CheckpointStorageLocation {
  const uri = normalizeCheckpointUri(pointer, 'checkpoint pointer');
  const suffix = `/${METADATA_FILE_NAME}`;
  return locationAt(uri.endsWith(suffix) ? uri.slice(0, -suffix.length) : uri);
}

export function checkpointDirectoryName(checkpointId: number): string {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 1) {
    throw new FreshetError(
      'INVALID_CHECKPOINT_ID',
      `checkpoint ID must be a positive integer, got ${checkpointId}`,
    );
  }
  return `${CHECKPOINT_DIR_PREFIX}${checkpointId}`;
}

/** The checkpoint ID of a `chk-<n>` directory name, or undefined for any other name. */
export function parseCheckpointDirectoryName(name: string): number | undefined {
  const digits = CHECKPOINT_DIR_NAME.exec(name)?.[1];
  if (digits === undefined) return undefined;
  const id = Number(digits);
  return Number.isSafeInteger(id) && id >= 1 ? id : undefined;
}

/** The location of checkpoint `checkpointId` of `jobId` under a canonical checkpoints directory URI. */
export function checkpointLocation(
  checkpointsDirectory: string,
  jobId: JobId,
  checkpointId: number,
): CheckpointStorageLocation {
  return locationAt(childUri(childUri(checkpointsDirectory, jobId), checkpointDirectoryName(checkpointId)));
}

/** `savepoint-<first 6 of jobId>-<12 hex>` (Flink's AbstractFsCheckpointStorageAccess naming). */
export function savepointDirectoryName(
  jobId: JobId,
  randomHex12: string = randomBytes(6).toString('hex'),
): string {
  return `${SAVEPOINT_DIR_PREFIX}${jobId.slice(0, 6)}-${randomHex12}`;
}

/** Throws unless `name` can be a state file inside a checkpoint directory. */
export function checkStateFileName(name: string): void {
  if (!STATE_FILE_NAME.test(name) || name === METADATA_FILE_NAME) {
    throw new FreshetError(
      'INVALID_STATE_FILE_NAME',
      `'${name}' cannot name a checkpoint state file: use 1-255 letters, digits, '.', '_' or '-', ` +
        `starting with a letter or digit, and not '${METADATA_FILE_NAME}'`,
    );
  }
}

/** Throws unless `offset` and `length` are non-negative safe integers. */
export function checkStateFileRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new FreshetError(
      'INVALID_STATE_FILE_RANGE',
      `invalid state file range: offset ${offset}, length ${length} (both must be non-negative integers)`,
    );
  }
}
