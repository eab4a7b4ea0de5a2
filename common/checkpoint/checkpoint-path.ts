/**
 * The paths checkpoint storage understands, after Flink's `Path`/`FileSystem` scheme dispatch:
 * `file://` URIs or plain absolute paths (the local file system) and `s3://bucket/prefix` (S3 or
 * an S3-compatible service). Locations and state file handles are kept as URIs in canonical form
 * (`file:///abs/dir`, `s3://bucket/key`) so that a path inside a checkpoint directory always starts
 * with that directory's URI followed by `/`. Pure functions.
 */
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IllegalConfigurationError } from '../errors/freshet-error.js';

export type CheckpointPath =
  | { readonly scheme: 'file'; /** Absolute, normalized OS path. */ readonly path: string }
  | {
      readonly scheme: 's3';
      readonly bucket: string;
      /** Object key or key prefix without leading or trailing `/`; '' is the bucket's root. */
      readonly key: string;
    };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const S3_URI = /^s3[ap]?:\/\/([^/]*)(?:\/(.*))?$/i;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The scheme of a path as written (`file`, `s3`, ...), or undefined for a plain path. */
export function schemeOf(uri: string): string | undefined {
  return SCHEME.exec(uri.trim())?.[1]?.toLowerCase();
}

/**
 * Parses a checkpoint/savepoint directory, pointer or state file path. Accepts an absolute path,
 * `file:///abs`, `file:/abs`, `file://./relative` (to the working directory, as the local-mode
 * default `file://./.freshet/checkpoints`) and `s3://bucket/prefix` (`s3a://`, `s3p://` too). Anything
 * else is an IllegalConfigurationError naming the scheme; `what` says which setting it came from.
 */
export function parseCheckpointPath(uri: string, what = 'checkpoint path'): CheckpointPath {
  const text = uri.trim();
  if (text === '') throw new IllegalConfigurationError(`${what} is empty`);
  if (text.startsWith('/')) return { scheme: 'file', path: resolvePath(text) };
  const scheme = schemeOf(text);
  if (scheme === undefined) {
    throw new IllegalConfigurationError(
      `${what} '${uri}' is a relative path; use an absolute path, file:///absolute/dir, ` +
        `file://./relative/dir or s3://bucket/prefix`,
    );
  }
  switch (scheme) {
    case 'file':
      return { scheme: 'file', path: parseFileUri(text, uri, what) };
    case 's3':
    case 's3a':
    case 's3p':
      return parseS3Uri(text, uri, what);
    default:
      throw new IllegalConfigurationError(
        `unsupported scheme '${scheme}' in ${what} '${uri}': checkpoint storage supports ` +
          `file:// (or a plain absolute path) and s3://bucket/prefix`,
      );
  }
}

function parseFileUri(text: string, original: string, what: string): string {
  const rest = text.slice('file:'.length);
  if (/^\/\/\.\.?(\/|$)/.test(rest)) return resolvePath(decodeURIComponent(rest.slice(2)));
  if (rest.startsWith('//') && !rest.startsWith('///') && !/^\/\/localhost(\/|$)/i.test(rest)) {
    const host = rest.slice(2).split('/')[0] ?? '';
    throw new IllegalConfigurationError(
      `${what} '${original}' names host '${host}'; file URIs must be local: file:///absolute/dir`,
    );
  }
  if (!rest.startsWith('/')) {
    throw new IllegalConfigurationError(
      `${what} '${original}' is not an absolute file URI; use file:///absolute/dir or file://./relative/dir`,
    );
  }
  try {
    const url = new URL(rest.startsWith('//') ? text : `file://${rest}`);
    return resolvePath(fileURLToPath(url));
  } catch (error) {
    throw new IllegalConfigurationError(`${what} '${original}' is not a valid file URI`, { cause: error });
  }
}

function parseS3Uri(text: string, original: string, what: string): CheckpointPath {
  const match = S3_URI.exec(text);
  const bucket = match?.[1] ?? '';
  if (match === null || !S3_BUCKET.test(bucket)) {
    throw new IllegalConfigurationError(
      `${what} '${original}' does not name a valid S3 bucket; expected s3://bucket/prefix ` +
        `(bucket: 3-63 lower-case letters, digits, '.' or '-')`,
    );
  }
  const segments = (match[2] ?? '').split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new IllegalConfigurationError(`${what} '${original}' must not contain '.' or '..' segments`);
  }
  return { scheme: 's3', bucket, key: segments.join('/') };
}

/** The canonical URI of a parsed path: `file:///abs/dir` or `s3://bucket/key`. */
export function formatCheckpointPath(path: CheckpointPath): string {
  switch (path.scheme) {
    case 'file':
      return pathToFileURL(path.path).href;
    case 's3':
      return path.key === '' ? `s3://${path.bucket}` : `s3://${path.bucket}/${path.key}`;
  }
}

/** The canonical URI form of any accepted path (see `parseCheckpointPath`). */
export function normalizeCheckpointUri(uri: string, what?: string): string {
  return formatCheckpointPath(parseCheckpointPath(uri, what));
}

/** `<directory>/<name>` for a canonical directory URI and a relative name (`a` or `a/b`). */
export function childUri(directory: string, name: string): string {
  return directory.endsWith('/') ? `${directory}${name}` : `${directory}/${name}`;
}

/** The part of `uri` below `directory`, or undefined when it is not inside it. */
export function relativeUri(directory: string, uri: string): string | undefined {
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  if (!uri.startsWith(prefix) || uri.length === prefix.length) return undefined;
  return uri.slice(prefix.length);
}

/** Whether a path stored in `_metadata` is relative to the checkpoint directory (has no scheme). */
export function isRelativeUri(uri: string): boolean {
  return schemeOf(uri) === undefined && !uri.startsWith('/');
}

/** `uri` without its last segment, and that segment. */
export function splitLastSegment(uri: string): { readonly parent: string; readonly name: string } {
  const trimmed = uri.endsWith('/') ? uri.slice(0, -1) : uri;
  const slash = trimmed.lastIndexOf('/');
  return { parent: trimmed.slice(0, slash), name: trimmed.slice(slash + 1) };
}

/** How messages show a path: the OS path for `file://` URIs, the URI otherwise. */
export function displayPath(uri: string): string {
  try {
    const parsed = parseCheckpointPath(uri);
    return parsed.scheme === 'file' ? parsed.path : uri;
  } catch {
    return uri;
  }
}
