import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkInitContext, SinkWriter } from '../../api/connector/sink.js';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import type { Bucket, PendingFile } from './bucket.js';
import type { RollingPolicy } from './rolling-policy.js';

/** Encoded rows are written to the part file once this many bytes are buffered. */
const WRITE_BUFFER_BYTES = 64 * 1024;

/**
 * Writes rows into hidden in-progress part files in `directory`, rolling them by the policy. A
 * rolled part and, at the end of a bounded input, the last one are committed (renamed to their
 * visible name) right away; the checkpoint issue moves that commit to notifyCheckpointComplete.
 * Writes are synchronous and batched (one write per ~64 KiB).
 */
export class FileSinkWriter<T> implements SinkWriter<T> {
  private readonly directory: string;
  private readonly encode: (element: T) => string;
  private readonly rollingPolicy: RollingPolicy<T>;
  private readonly bucket: Bucket;
  private readonly context: SinkInitContext;
  private fd: number | undefined;
  private buffer: string[] = [];
  private bufferedBytes = 0;

  constructor(
    directory: string,
    encode: (element: T) => string,
    rollingPolicy: RollingPolicy<T>,
    bucket: Bucket,
    context: SinkInitContext,
  ) {
    this.directory = directory;
    this.encode = encode;
    this.rollingPolicy = rollingPolicy;
    this.bucket = bucket;
    this.context = context;
  }

  write(element: T): void {
    const now = this.context.currentTimeMillis();
    const part = this.bucket.inProgress;
    if (
      part !== undefined &&
      (this.rollingPolicy.shouldRollOnEvent(part, element) ||
        this.rollingPolicy.shouldRollOnProcessingTime(part, now))
    ) {
      this.rollAndCommit();
    }
    if (this.bucket.inProgress === undefined) this.openPart(now);
    const text = this.encode(element);
    const bytes = Buffer.byteLength(text);
    this.buffer.push(text);
    this.bufferedBytes += bytes;
    this.bucket.recordWritten(bytes, now);
    if (this.bufferedBytes >= WRITE_BUFFER_BYTES) this.writeBuffer();
  }

  flush(endOfInput: boolean): void {
    this.writeBuffer();
    const part = this.bucket.inProgress;
    if (endOfInput) {
      this.rollAndCommit();
    } else if (
      part !== undefined &&
      this.rollingPolicy.shouldRollOnProcessingTime(part, this.context.currentTimeMillis())
    ) {
      this.rollAndCommit();
    }
  }

  /** Closes the open file; an uncommitted in-progress part stays hidden. */
  close(): void {
    try {
      this.writeBuffer();
    } finally {
      if (this.fd !== undefined) {
        const fd = this.fd;
        this.fd = undefined;
        closeSync(fd);
      }
    }
  }

  private openPart(now: number): void {
    const part = this.bucket.openPart(now);
    const path = join(this.directory, part.inProgressName);
    this.fd = this.io('open', path, () => openSync(path, 'w'));
  }

  /** Closes the in-progress part (if any) and commits every pending file. */
  private rollAndCommit(): void {
    this.writeBuffer();
    if (this.fd !== undefined) {
      const fd = this.fd;
      const part = this.bucket.inProgress;
      const path = join(this.directory, part?.inProgressName ?? '');
      this.fd = undefined;
      this.io('close', path, () => {
        fsyncSync(fd);
        closeSync(fd);
      });
    }
    this.bucket.closePart();
    for (const file of this.bucket.takePending()) this.commit(file);
  }

  private commit(file: PendingFile): void {
    const from = join(this.directory, file.inProgressName);
    const to = join(this.directory, file.finalName);
    this.io('commit', from, () => renameSync(from, to));
  }

  private writeBuffer(): void {
    if (this.bufferedBytes === 0 || this.fd === undefined) return;
    const fd = this.fd;
    const data = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
    const path = join(this.directory, this.bucket.inProgress?.inProgressName ?? '');
    this.io('write', path, () => {
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written);
    });
  }

  private io<R>(action: string, path: string, run: () => R): R {
    try {
      return run();
    } catch (error) {
      throw new FreshetError(
        'FILE_SINK_IO_FAILED',
        `FileSink failed to ${action} '${path}': ${String(error)}`,
        {
          domain: ErrorDomain.external,
          retryable: true,
          cause: error,
        },
      );
    }
  }
}
