/** Maps Node file system errors of checkpoint storage to FreshetErrors naming operation and path. */
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';

/** Errors that can go away by themselves (a full disk can be cleaned, a busy resource freed). */
const RETRYABLE_CODES = new Set([
  'EAGAIN',
  'EBUSY',
  'EIO',
  'EMFILE',
  'ENFILE',
  'ENOSPC',
  'ETIMEDOUT',
  'EDQUOT',
]);

export function fileErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/** `operation` reads as "writing state file", "reading checkpoint metadata", ... */
export function fileSystemStorageError(operation: string, path: string, error: unknown): FreshetError {
  if (error instanceof FreshetError) return error;
  const code = fileErrorCode(error) ?? 'unknown error';
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? '; check that the Freshet process may read and write the checkpoint directory'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? '; free disk space or point state.checkpoints.dir elsewhere'
        : '';
  return new FreshetError(
    'CHECKPOINT_STORAGE_IO',
    `checkpoint storage failed ${operation} ${path} (${code})${hint}`,
    { domain: ErrorDomain.external, retryable: RETRYABLE_CODES.has(code), cause: error },
  );
}
