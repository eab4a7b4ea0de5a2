/**
 * CheckpointStorage on S3 or an S3-compatible service, through `@aws-sdk/client-s3`. Directories are
 * key prefixes (creating one needs no request); a state file is one PUT, or a multipart upload above
 * `multipartThreshold`; `_metadata` is a single PUT, which S3 makes visible whole or not at all;
 * discarding lists every key under the prefix and deletes them in batches of 1,000.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import type { JobId } from '../ids.js';
import { loadAwsS3 } from '../lazy-modules.js';
import { childUri, formatCheckpointPath, parseCheckpointPath } from './checkpoint-path.js';
import {
  METADATA_FILE_NAME,
  type CheckpointDirectoryEntry,
  type CheckpointStorage,
  type CheckpointStorageLocation,
  type StateFileHandle,
} from './checkpoint-storage.js';
import {
  CheckpointMetadataNotFoundError,
  metadataAlreadyExists,
  stateFileNotFound,
  stateFileTooShort,
} from './checkpoint-storage-errors.js';
import {
  checkpointLocation,
  checkStateFileName,
  checkStateFileRange,
  locationAt,
  locationOfPointer,
  parseCheckpointDirectoryName,
  savepointDirectoryName,
} from './checkpoint-storage-location.js';
import { createS3Client, describeS3Endpoint, type S3ConnectionOptions } from './s3-client-factory.js';
import { isS3NoSuchKey, s3ErrorCode, s3StorageError } from './s3-error.js';
import { S3_MIN_PART_SIZE, uploadMultipart } from './s3-multipart-upload.js';

export interface S3CheckpointStorageOptions extends S3ConnectionOptions {
  /** `state.checkpoints.dir` as `s3://bucket/prefix`; needed for checkpoints only. */
  readonly checkpointsDirectory?: string;
  /** `state.savepoints.dir`: the default target of savepoints. */
  readonly savepointsDirectory?: string;
  /** State files larger than this many bytes are uploaded in parts; default 5 MiB. */
  readonly multipartThreshold?: number;
  /** Bytes per part of a multipart upload; default 5 MiB (AWS's minimum for all but the last part). */
  readonly partSize?: number;
  /** A client to use instead of one built from the connection options (not closed by `close`). */
  readonly client?: S3Client;
}

interface S3Object {
  readonly bucket: string;
  readonly key: string;
}

const DELETE_BATCH = 1000;

export class S3CheckpointStorage implements CheckpointStorage {
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly endpoint: string;
  private readonly checkpointsDirectory: string | undefined;
  private readonly savepointsDirectory: string | undefined;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(options: S3CheckpointStorageOptions = {}) {
    this.checkpointsDirectory = optionalS3Uri(options.checkpointsDirectory, 'state.checkpoints.dir');
    this.savepointsDirectory = optionalS3Uri(options.savepointsDirectory, 'state.savepoints.dir');
    this.multipartThreshold = positive(options.multipartThreshold ?? S3_MIN_PART_SIZE, 'multipartThreshold');
    this.partSize = positive(options.partSize ?? S3_MIN_PART_SIZE, 'partSize');
    this.endpoint = describeS3Endpoint(options);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createS3Client(options);
  }

  initializeLocation(jobId: JobId, checkpointId: number): Promise<CheckpointStorageLocation> {
    if (this.checkpointsDirectory === undefined) {
      return Promise.reject(
        new IllegalConfigurationError(
          'cannot take a checkpoint: no checkpoint directory is configured; set state.checkpoints.dir',
        ),
      );
    }
    return Promise.resolve(checkpointLocation(this.checkpointsDirectory, jobId, checkpointId));
  }

  initializeSavepointLocation(
    targetDirectory: string | undefined,
    jobId: JobId,
  ): Promise<CheckpointStorageLocation> {
    const target =
      targetDirectory === undefined
        ? this.savepointsDirectory
        : s3Uri(targetDirectory, 'savepoint target directory');
    if (target === undefined) {
      return Promise.reject(
        new IllegalConfigurationError(
          'cannot take a savepoint: no target directory was given and state.savepoints.dir is not set; ' +
            'pass a directory or set state.savepoints.dir',
        ),
      );
    }
    return Promise.resolve(locationAt(childUri(target, savepointDirectoryName(jobId))));
  }

  resolveLocation(pointer: string): CheckpointStorageLocation {
    const location = locationOfPointer(pointer);
    toS3Object(location.directory);
    return location;
  }

  async writeStateFile(
    location: CheckpointStorageLocation,
    name: string,
    bytes: Uint8Array,
  ): Promise<StateFileHandle> {
    checkStateFileName(name);
    const uri = childUri(location.directory, name);
    const { bucket, key } = toS3Object(uri);
    const { PutObjectCommand } = loadAwsS3();
    try {
      if (bytes.byteLength > this.multipartThreshold) {
        await uploadMultipart(this.client, { bucket, key, bytes, partSize: this.partSize });
      } else {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      }
    } catch (error) {
      throw s3StorageError(error, { operation: 'writing state file', endpoint: this.endpoint, bucket, key });
    }
    return { path: uri, size: bytes.byteLength };
  }

  async readStateFile(handle: StateFileHandle): Promise<Uint8Array> {
    const object = toS3Object(handle.path);
    try {
      return await this.getObject(object);
    } catch (error) {
      if (isS3NoSuchKey(error)) throw stateFileNotFound(handle.path, error);
      throw s3StorageError(error, { operation: 'reading state file', endpoint: this.endpoint, ...object });
    }
  }

  async readStateFileRange(handle: StateFileHandle, offset: number, length: number): Promise<Uint8Array> {
    checkStateFileRange(offset, length);
    const object = toS3Object(handle.path);
    if (length === 0) return new Uint8Array(0);
    let bytes: Uint8Array;
    try {
      bytes = await this.getObject(object, `bytes=${offset}-${offset + length - 1}`);
    } catch (error) {
      if (isS3NoSuchKey(error)) throw stateFileNotFound(handle.path, error);
      if (s3ErrorCode(error) === 'InvalidRange') throw stateFileTooShort(handle.path, offset, length, 0);
      throw s3StorageError(error, { operation: 'reading state file', endpoint: this.endpoint, ...object });
    }
    if (bytes.byteLength !== length) throw stateFileTooShort(handle.path, offset, length, bytes.byteLength);
    return bytes;
  }

  async discardStateFile(handle: StateFileHandle): Promise<void> {
    const { bucket, key } = toS3Object(handle.path);
    const { DeleteObjectCommand } = loadAwsS3();
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw s3StorageError(error, { operation: 'deleting state file', endpoint: this.endpoint, bucket, key });
    }
  }

  async writeMetadata(location: CheckpointStorageLocation, metadata: Uint8Array): Promise<string> {
    const { bucket, key } = toS3Object(location.metadataPath);
    const context = { operation: 'writing checkpoint metadata', endpoint: this.endpoint, bucket, key };
    const { HeadObjectCommand, PutObjectCommand } = loadAwsS3();
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (!isS3NoSuchKey(error)) throw s3StorageError(error, context);
      try {
        await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: metadata }));
      } catch (putFailure) {
        throw s3StorageError(putFailure, context);
      }
      return location.directory;
    }
    throw metadataAlreadyExists(location.metadataPath);
  }

  async readMetadata(pointer: string): Promise<Uint8Array> {
    const { metadataPath } = this.resolveLocation(pointer);
    const object = toS3Object(metadataPath);
    try {
      return await this.getObject(object);
    } catch (error) {
      if (isS3NoSuchKey(error)) throw new CheckpointMetadataNotFoundError(metadataPath, { cause: error });
      throw s3StorageError(error, {
        operation: 'reading checkpoint metadata',
        endpoint: this.endpoint,
        ...object,
      });
    }
  }

  async discardLocation(location: CheckpointStorageLocation): Promise<void> {
    const { bucket, key } = toS3Object(location.directory);
    if (key === '') {
      throw new IllegalConfigurationError(
        `refusing to discard ${location.directory}: it is a whole bucket, not a checkpoint directory`,
      );
    }
    const prefix = `${key}/`;
    const context = {
      operation: 'deleting checkpoint directory',
      endpoint: this.endpoint,
      bucket,
      key: prefix,
    };
    const { DeleteObjectsCommand } = loadAwsS3();
    try {
      for await (const keys of this.listKeys(bucket, prefix)) {
        for (let start = 0; start < keys.length; start += DELETE_BATCH) {
          const batch = keys.slice(start, start + DELETE_BATCH);
          const result = await this.client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
          const failed = result.Errors?.[0];
          if (failed !== undefined) {
            throw s3StorageError(
              { name: failed.Code ?? 'DeleteFailed', message: failed.Message ?? '', $metadata: {} },
              { ...context, key: failed.Key ?? prefix },
            );
          }
        }
      }
    } catch (error) {
      throw s3StorageError(error, context);
    }
  }

  async listCheckpoints(jobId: JobId): Promise<CheckpointDirectoryEntry[]> {
    if (this.checkpointsDirectory === undefined) return [];
    const jobDirectory = childUri(this.checkpointsDirectory, jobId);
    const { bucket, key } = toS3Object(jobDirectory);
    const prefix = `${key}/`;
    const found = new Map<number, { name: string; complete: boolean }>();
    try {
      for await (const keys of this.listKeys(bucket, prefix)) {
        for (const objectKey of keys) {
          const [name = '', ...rest] = objectKey.slice(prefix.length).split('/');
          const checkpointId = parseCheckpointDirectoryName(name);
          if (checkpointId === undefined || rest.length === 0) continue;
          const complete = rest.length === 1 && rest[0] === METADATA_FILE_NAME;
          found.set(checkpointId, {
            name,
            complete: complete || (found.get(checkpointId)?.complete ?? false),
          });
        }
      }
    } catch (error) {
      throw s3StorageError(error, {
        operation: 'listing checkpoints in',
        endpoint: this.endpoint,
        bucket,
        key: prefix,
      });
    }
    return [...found.entries()]
      .sort(([a], [b]) => a - b)
      .map(([checkpointId, { name, complete }]) => ({
        checkpointId,
        location: locationAt(childUri(jobDirectory, name)),
        complete,
      }));
  }

  close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    return Promise.resolve();
  }

  private async getObject(object: S3Object, range?: string): Promise<Uint8Array> {
    const { GetObjectCommand } = loadAwsS3();
    const response = await this.client.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(range === undefined ? {} : { Range: range }),
      }),
    );
    return (await response.Body?.transformToByteArray()) ?? new Uint8Array(0);
  }

  /** Every key under `prefix`, a page (up to 1,000) at a time. */
  private async *listKeys(bucket: string, prefix: string): AsyncGenerator<string[]> {
    const { ListObjectsV2Command } = loadAwsS3();
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
        }),
      );
      const keys = (page.Contents ?? []).flatMap((entry) => (entry.Key === undefined ? [] : [entry.Key]));
      if (keys.length > 0) yield keys;
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }
}

function optionalS3Uri(value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : s3Uri(value, what);
}

function s3Uri(value: string, what: string): string {
  const parsed = parseCheckpointPath(value, what);
  if (parsed.scheme !== 's3') {
    throw new IllegalConfigurationError(
      `${what} '${value}' is not an s3:// path; S3CheckpointStorage handles s3:// only`,
    );
  }
  return formatCheckpointPath(parsed);
}

function toS3Object(uri: string): S3Object {
  const parsed = parseCheckpointPath(uri);
  if (parsed.scheme !== 's3') {
    throw new IllegalConfigurationError(
      `'${uri}' is not an s3:// path; S3CheckpointStorage handles s3:// only`,
    );
  }
  return { bucket: parsed.bucket, key: parsed.key };
}

function positive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new IllegalConfigurationError(
      `S3 checkpoint storage ${what} must be a positive integer, got ${value}`,
    );
  }
  return value;
}
