/**
 * Part files on S3 (or an S3-compatible service): an in-progress part is a multipart upload of its
 * final key, so nothing is visible until `CompleteMultipartUpload` in commit. `write` is synchronous
 * and only buffers; the requests happen at the writer's asynchronous points: the first `persist`
 * (flush) or `finish` of a part starts its upload, each `persist` uploads the buffer in full
 * `partSize` pieces (5 MiB, S3's minimum), and `finish` (prepareCommit, or a commit without
 * checkpoints) uploads the rest as the last part. Between flushes a part's data is held in memory.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  createS3Client,
  describeS3Endpoint,
  type S3ConnectionOptions,
} from '../../common/checkpoint/s3-client-factory.js';
import { S3_MIN_PART_SIZE } from '../../common/checkpoint/s3-multipart-upload.js';
import { S3Options } from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { loadAwsS3 } from '../../common/lazy-modules.js';
import type { InProgressPart } from './bucket.js';
import type { FileSinkCommittable, S3FileSinkCommittable, S3UploadedPart } from './file-sink-committable.js';
import { fileSinkDataLostError, FileSinkErrorCode, fileSinkS3Error } from './file-sink-errors.js';
import type { InProgressPartFile, PartFileWriter, PendingPartFile } from './part-file-writer.js';
import { commitS3Part } from './s3-part-commit.js';

export interface S3PartFileWriterOptions {
  readonly client: S3Client;
  /** Whether `close` destroys the client. */
  readonly ownsClient: boolean;
  /** How messages name the service (describeS3Endpoint). */
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix of the part files without leading or trailing `/`; '' for the bucket's root. */
  readonly prefix: string;
  /** Bytes per uploaded part except the last; default 5 MiB. */
  readonly partSize?: number;
}

export class S3PartFileWriter implements PartFileWriter {
  private readonly options: S3PartFileWriterOptions;
  private readonly partSize: number;

  constructor(options: S3PartFileWriterOptions) {
    this.options = options;
    this.partSize = options.partSize ?? S3_MIN_PART_SIZE;
  }

  /** A writer with its own client, connected by the `s3.*` keys of a task's configuration. */
  static fromConfiguration(
    configuration: Readonly<Record<string, string>>,
    bucket: string,
    prefix: string,
  ): S3PartFileWriter {
    const connection = s3ConnectionOptionsOf(configuration);
    return new S3PartFileWriter({
      client: createS3Client(connection),
      ownsClient: true,
      endpoint: describeS3Endpoint(connection),
      bucket,
      prefix,
    });
  }

  openPart(part: InProgressPart): InProgressPartFile {
    const { prefix } = this.options;
    const key = prefix === '' ? part.finalName : `${prefix}/${part.finalName}`;
    return new S3InProgressPartFile(this.options, key, this.partSize);
  }

  async commit(committables: readonly FileSinkCommittable[]): Promise<void> {
    for (const committable of committables) {
      await commitS3Part(this.options.client, this.options.endpoint, checkS3(committable));
    }
  }

  close(): void {
    if (this.options.ownsClient) this.options.client.destroy();
  }
}

/** The connection options in the `s3.*` keys (S3Options) of a task's configuration. */
export function s3ConnectionOptionsOf(configuration: Readonly<Record<string, string>>): S3ConnectionOptions {
  const s3Keys = Object.fromEntries(Object.entries(configuration).filter(([key]) => key.startsWith('s3.')));
  const config = Configuration.fromMap(s3Keys, 'the task configuration');
  const endpoint = config.get(S3Options.ENDPOINT);
  const region = config.get(S3Options.REGION);
  const accessKey = config.get(S3Options.ACCESS_KEY);
  const secretKey = config.get(S3Options.SECRET_KEY);
  return {
    pathStyleAccess: config.get(S3Options.PATH_STYLE_ACCESS),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(accessKey === undefined ? {} : { accessKey }),
    ...(secretKey === undefined ? {} : { secretKey }),
  };
}

function checkS3(committable: FileSinkCommittable): S3FileSinkCommittable {
  if (committable.kind === 's3') return committable;
  throw fileSinkDataLostError(
    `a FileSink writing to S3 got a local committable for '${committable.finalPath}'; ` +
      'was the sink path changed from a local path to s3:// across a restore?',
  );
}

class S3InProgressPartFile implements InProgressPartFile {
  private readonly options: S3PartFileWriterOptions;
  private readonly key: string;
  private readonly partSize: number;
  private chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: S3UploadedPart[] = [];
  private closed = false;

  constructor(options: S3PartFileWriterOptions, key: string, partSize: number) {
    this.options = options;
    this.key = key;
    this.partSize = partSize;
  }

  write(data: Uint8Array): void {
    if (this.closed) {
      throw new FreshetError(
        'PART_FILE_CLOSED',
        `part file s3://${this.options.bucket}/${this.key} is closed`,
      );
    }
    this.chunks.push(data);
    this.bufferedBytes += data.byteLength;
  }

  async persist(): Promise<void> {
    const uploadId = await this.startUpload();
    await this.uploadFullParts(uploadId);
  }

  closeForCommit(): PendingPartFile {
    this.closed = true;
    return { committable: undefined, finish: () => this.finish() };
  }

  dispose(): void {
    // The upload (if started) is left for the bucket's AbortIncompleteMultipartUpload rule: aborting
    // needs a request, and a cancelled writer must not block on S3.
    this.closed = true;
    this.chunks = [];
    this.bufferedBytes = 0;
  }

  private async finish(): Promise<S3FileSinkCommittable> {
    const uploadId = await this.startUpload();
    await this.uploadFullParts(uploadId);
    // S3 needs at least one part; the last may be smaller than 5 MiB (or empty).
    if (this.bufferedBytes > 0 || this.parts.length === 0)
      await this.uploadPart(uploadId, this.take(this.bufferedBytes));
    return {
      kind: 's3',
      bucket: this.options.bucket,
      key: this.key,
      uploadId,
      parts: [...this.parts],
    };
  }

  private async startUpload(): Promise<string> {
    if (this.uploadId !== undefined) return this.uploadId;
    const { client, bucket } = this.options;
    const { CreateMultipartUploadCommand } = loadAwsS3();
    let uploadId: string | undefined;
    try {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: this.key }));
      uploadId = created.UploadId;
    } catch (error) {
      throw this.error('starting the multipart upload of', error);
    }
    if (uploadId === undefined)
      throw this.error('starting the multipart upload of', 'S3 returned no upload ID');
    this.uploadId = uploadId;
    return uploadId;
  }

  private async uploadFullParts(uploadId: string): Promise<void> {
    while (this.bufferedBytes >= this.partSize) await this.uploadPart(uploadId, this.take(this.partSize));
  }

  private async uploadPart(uploadId: string, body: Uint8Array): Promise<void> {
    const partNumber = this.parts.length + 1;
    const { client, bucket } = this.options;
    const { UploadPartCommand } = loadAwsS3();
    let etag: string | undefined;
    try {
      const uploaded = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: this.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
      etag = uploaded.ETag;
    } catch (error) {
      throw this.error(`uploading part ${partNumber} of`, error);
    }
    if (etag === undefined) throw this.error(`uploading part ${partNumber} of`, 'S3 returned no ETag');
    this.parts.push({ partNumber, etag });
  }

  /** Removes the first `bytes` buffered bytes. */
  private take(bytes: number): Uint8Array {
    const all = Buffer.concat(this.chunks);
    const taken = all.subarray(0, bytes);
    // A copy, so the (large) concatenated buffer is freed once `taken` is uploaded.
    const rest = Buffer.from(all.subarray(bytes));
    this.chunks = rest.byteLength === 0 ? [] : [rest];
    this.bufferedBytes = rest.byteLength;
    return taken;
  }

  private error(operation: string, error: unknown): FreshetError {
    return fileSinkS3Error(FileSinkErrorCode.ioFailed, error, {
      operation,
      endpoint: this.options.endpoint,
      bucket: this.options.bucket,
      key: this.key,
    });
  }
}
