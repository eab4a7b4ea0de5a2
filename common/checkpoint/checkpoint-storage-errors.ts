/**
 * Errors of checkpoint storage that callers tell apart by code: a checkpoint or savepoint without
 * `_metadata`, a `_metadata` that fails its checks, a state file that is gone. Each message names
 * the path and says what to do.
 */
import { ErrorDomain, FreshetError, UserError, type FreshetErrorOptions } from '../errors/freshet-error.js';

type CauseOnly = Pick<FreshetErrorOptions, 'cause'>;

/** No `_metadata` where a checkpoint or savepoint was expected (Flink: "Cannot find meta data file"). */
export class CheckpointMetadataNotFoundError extends UserError {
  readonly path: string;

  constructor(path: string, options: CauseOnly = {}) {
    super(
      'CHECKPOINT_METADATA_NOT_FOUND',
      `cannot find checkpoint metadata file ${path}: the checkpoint or savepoint did not complete, ` +
        `was deleted, or the path is wrong; pass the directory of a completed checkpoint or savepoint ` +
        `(the one that contains _metadata) or its _metadata file`,
      options,
    );
    this.name = 'CheckpointMetadataNotFoundError';
    this.path = path;
  }
}

/** `_metadata` exists but is truncated, altered, or not a Freshet metadata file at all. */
export class CorruptCheckpointMetadataError extends FreshetError {
  readonly path: string;

  constructor(path: string, problem: string, options: CauseOnly = {}) {
    super(
      'CORRUPT_CHECKPOINT_METADATA',
      `checkpoint metadata ${path} is corrupt (${problem}); this checkpoint cannot be used: ` +
        `restore from an older checkpoint or a savepoint`,
      { ...options, domain: ErrorDomain.external },
    );
    this.name = 'CorruptCheckpointMetadataError';
    this.path = path;
  }
}

/** A state file referenced by a checkpoint is missing. */
export function stateFileNotFound(path: string, cause?: unknown): FreshetError {
  return new FreshetError(
    'CHECKPOINT_STATE_FILE_NOT_FOUND',
    `checkpoint state file ${path} does not exist: the checkpoint it belongs to was deleted or is ` +
      `incomplete and cannot be restored; restore from another checkpoint or savepoint`,
    { domain: ErrorDomain.external, ...(cause === undefined ? {} : { cause }) },
  );
}

/** A location already holds `_metadata`; writing it again would replace a completed checkpoint. */
export function metadataAlreadyExists(path: string): FreshetError {
  return new FreshetError(
    'CHECKPOINT_METADATA_EXISTS',
    `checkpoint metadata ${path} already exists; a completed checkpoint is never overwritten ` +
      `(is another JobManager writing to the same checkpoint directory?)`,
    { domain: ErrorDomain.external },
  );
}

/** A read returned fewer bytes than a handle or an index says the file has. */
export function stateFileTooShort(path: string, offset: number, expected: number, got: number): FreshetError {
  return new FreshetError(
    'CHECKPOINT_STATE_FILE_TRUNCATED',
    `checkpoint state file ${path} is shorter than recorded: wanted ${expected} bytes at offset ` +
      `${offset}, got ${got}; the checkpoint cannot be restored`,
    { domain: ErrorDomain.external },
  );
}
