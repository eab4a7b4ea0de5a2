import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCheckpointPath } from '../../common/checkpoint/checkpoint-path.js';
import { UserError } from '../../common/errors/freshet-error.js';

const URI_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Turns a local path or a `file://` URI into an absolute local path. Other schemes are refused
 * with a UserError; `unsupportedMessage(scheme)` may give a more specific reason.
 */
export function toLocalPath(
  pathOrUri: string,
  what: string,
  unsupportedMessage?: (scheme: string) => string,
): string {
  const scheme = URI_SCHEME.exec(pathOrUri)?.[1]?.toLowerCase();
  if (scheme === undefined) return resolve(pathOrUri);
  if (scheme === 'file') {
    try {
      return fileURLToPath(pathOrUri);
    } catch (error) {
      throw new UserError('INVALID_PATH', `${what} '${pathOrUri}' is not a valid file:// URI`, {
        cause: error,
      });
    }
  }
  throw new UserError(
    'UNSUPPORTED_FILE_SYSTEM',
    unsupportedMessage?.(scheme) ??
      `${what} '${pathOrUri}' uses the unsupported scheme '${scheme}://'; use a local path or a file:// URI`,
  );
}

/** Where a FileSink writes: a local directory or an S3 bucket and key prefix. */
export type FileSinkTarget =
  | { readonly kind: 'local'; /** Absolute path. */ readonly directory: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Key prefix without leading or trailing `/`; '' for the bucket's root. */
      readonly prefix: string;
    };

/** Parses a FileSink path: a local path, a `file://` URI or `s3://bucket/prefix` (`s3a://`, `s3p://`). */
export function parseFileSinkTarget(pathOrUri: string): FileSinkTarget {
  const scheme = URI_SCHEME.exec(pathOrUri)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3p') {
    const parsed = parseCheckpointPath(pathOrUri, 'FileSink path');
    if (parsed.scheme === 's3') return { kind: 's3', bucket: parsed.bucket, prefix: parsed.key };
  }
  const directory = toLocalPath(
    pathOrUri,
    'FileSink path',
    (other) =>
      `FileSink path '${pathOrUri}' uses the unsupported scheme '${other}://'; ` +
      'use a local path, a file:// URI or s3://bucket/prefix',
  );
  return { kind: 'local', directory };
}
