/**
 * Setting the current key of a keyed backend, shared by both backends: the key group (computed or
 * given) must be in the backend's range, and the key must not be null.
 */
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { assignToKeyGroup, canonicalKeyString, type KeyGroupRange } from '../../common/key-groups.js';
import { heapKeyId } from './heap/heap-key-id.js';
import type { InternalKeyContext } from './heap/internal-key-context.js';

export function updateKeyContext(
  ctx: InternalKeyContext,
  key: unknown,
  keyGroup: number | undefined,
  range: KeyGroupRange,
  maxParallelism: number,
): void {
  // Consecutive records with the same primitive key are common: nothing to recompute.
  if (key === ctx.key && keyGroup === undefined && ctx.offset >= 0 && typeof key !== 'object') return;
  if (key === undefined || key === null) {
    throw new UserError(
      'NULL_KEY',
      'a key must not be null or undefined; check the KeySelector passed to keyBy',
    );
  }
  const group = keyGroup ?? assignToKeyGroup(key, maxParallelism);
  if (!(group >= range.startKeyGroup && group <= range.endKeyGroup) || (group | 0) !== group) {
    throw keyGroupOutOfRange(key, group, range);
  }
  ctx.key = key;
  ctx.keyId = heapKeyId(key);
  ctx.keyGroup = group;
  ctx.offset = group - range.startKeyGroup;
  ctx.version++;
}

/** Checks a backend's key-group range against its maxParallelism. */
export function checkKeyGroupRange(range: KeyGroupRange, maxParallelism: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1) {
    throw new UserError(
      'INVALID_MAX_PARALLELISM',
      `maxParallelism must be a positive integer, got ${maxParallelism}`,
    );
  }
  if (range.numberOfKeyGroups > 0 && (range.startKeyGroup < 0 || range.endKeyGroup >= maxParallelism)) {
    throw new FreshetError(
      'INVALID_KEY_GROUP_RANGE',
      `${range.toString()} does not fit maxParallelism ${maxParallelism}`,
    );
  }
}

export function maxParallelismMismatch(snapshotMaxParallelism: number, maxParallelism: number): UserError {
  return new UserError(
    'MAX_PARALLELISM_MISMATCH',
    `the keyed-state snapshot was taken with maxParallelism ${snapshotMaxParallelism} but this operator has ` +
      `maxParallelism ${maxParallelism}; maxParallelism cannot change across a restore, so set it back to ` +
      `${snapshotMaxParallelism} (setMaxParallelism)`,
  );
}

export function keyInWrongKeyGroup(
  name: string,
  key: unknown,
  keyGroup: number,
  actual: number,
): FreshetError {
  return new FreshetError(
    'CORRUPT_STATE_SNAPSHOT',
    `state '${name}' has key ${describeKey(key)} in key group ${keyGroup}, but it hashes to key group ${actual}`,
  );
}

function keyGroupOutOfRange(key: unknown, keyGroup: number, range: KeyGroupRange): UserError {
  return new UserError(
    'KEY_GROUP_OUT_OF_RANGE',
    `key ${describeKey(key)} belongs to key group ${keyGroup}, which is not in this subtask's ${range.toString()}; ` +
      'unless the key group was passed explicitly, the KeySelector is most likely not deterministic ' +
      '(it must return the same key for the same record every time)',
  );
}

export function describeKey(key: unknown): string {
  try {
    const text =
      typeof key === 'object'
        ? canonicalKeyString(key)
        : typeof key === 'string'
          ? JSON.stringify(key)
          : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- key is a primitive or function here (objects took the first branch)
            String(key);
    return text.length > 100 ? `${text.slice(0, 100)}…` : text;
  } catch {
    return typeof key;
  }
}
