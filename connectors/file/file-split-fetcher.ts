import { open, type FileHandle } from 'node:fs/promises';
import { FreshetError, UserError, ErrorDomain } from '../../common/errors/freshet-error.js';
import { AvailabilityHelper } from '../base/availability-helper.js';
import type { StreamFormat, StreamFormatDecoder } from './stream-format.js';

/** Bytes per read call. */
const CHUNK_SIZE = 64 * 1024;
/** The fetcher stops reading ahead while this many bytes of decoded records wait to be polled. */
const MAX_QUEUED_BYTES = 256 * 1024;
/** Drained entries are cut off the front of the queue once there are this many. */
const COMPACT_AFTER = 4096;

/**
 * Reads one file from a byte offset in the background: chunks are decoded into a queue of records
 * bounded by bytes, which `drainTo` empties. `onAvailable` fires when records, the end or a failure
 * arrive.
 */
export class FileSplitFetcher<T> {
  private readonly path: string;
  private readonly decoder: StreamFormatDecoder<T>;
  private readonly onAvailable: () => void;
  private readonly records: T[] = [];
  private readonly endOffsets: number[] = [];
  private head = 0;
  /** End offset of the last record put into the queue / taken out of it. */
  private lastQueuedOffset: number;
  private lastDrainedOffset: number;
  private reachedEnd = false;
  private closed = false;
  private failure: Error | undefined;
  private readonly space = new AvailabilityHelper();
  private readonly loop: Promise<void>;
  private readonly emit = (record: T, endOffset: number): void => {
    this.records.push(record);
    this.endOffsets.push(endOffset);
    this.lastQueuedOffset = endOffset;
  };

  constructor(path: string, offset: number, format: StreamFormat<T>, onAvailable: () => void) {
    this.path = path;
    this.decoder = format.createDecoder();
    this.onAvailable = onAvailable;
    this.lastQueuedOffset = offset;
    this.lastDrainedOffset = offset;
    this.loop = this.run(offset).catch((error: unknown) => {
      this.failure = describeReadFailure(this.path, error);
      this.onAvailable();
    });
  }

  /**
   * Emits up to `max` queued records; returns the end offset of the last one, or `undefined` if
   * none were queued.
   */
  drainTo(output: { collect(record: T): void }, max: number): number | undefined {
    const records = this.records;
    const stop = Math.min(records.length, this.head + max);
    if (this.head >= stop) return undefined;
    for (let i = this.head; i < stop; i++) output.collect(records[i] as T);
    this.lastDrainedOffset = this.endOffsets[stop - 1] as number;
    this.head = stop;
    if (this.head === records.length) {
      records.length = 0;
      this.endOffsets.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER) {
      records.splice(0, this.head);
      this.endOffsets.splice(0, this.head);
      this.head = 0;
    }
    if (this.queuedBytes() < MAX_QUEUED_BYTES) this.space.notifyAvailable();
    return this.lastDrainedOffset;
  }

  /** True once the whole file was read and every record drained. */
  isFinished(): boolean {
    return this.reachedEnd && this.head >= this.records.length;
  }

  /** True when a poll would see records, the end or a failure. */
  hasNews(): boolean {
    return this.head < this.records.length || this.reachedEnd || this.failure !== undefined;
  }

  /** Throws the read failure, if any. */
  checkFailure(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops reading and closes the file (waits for the read in flight). */
  async close(): Promise<void> {
    this.closed = true;
    this.space.notifyAvailable();
    await this.loop;
  }

  private queuedBytes(): number {
    return this.lastQueuedOffset - this.lastDrainedOffset;
  }

  private async run(offset: number): Promise<void> {
    const file: FileHandle = await open(this.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
      let position = offset;
      while (!this.closed) {
        if (this.queuedBytes() >= MAX_QUEUED_BYTES) {
          await this.space.getAvailableFuture();
          continue;
        }
        const { bytesRead } = await file.read(buffer, 0, CHUNK_SIZE, position);
        if (this.closed) break;
        if (bytesRead === 0) {
          this.decoder.finish(position, this.emit);
          this.reachedEnd = true;
          this.onAvailable();
          break;
        }
        this.decoder.decode(buffer.subarray(0, bytesRead), position, this.emit);
        position += bytesRead;
        this.onAvailable();
      }
    } finally {
      await file.close();
    }
  }
}

function describeReadFailure(path: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new UserError(
      'FILE_NOT_FOUND',
      `file source cannot read '${path}': the file does not exist (any more)`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof FreshetError) return error;
  return new FreshetError(
    'FILE_SOURCE_READ_FAILED',
    `file source failed to read '${path}': ${String(error)}`,
    {
      domain: ErrorDomain.external,
      retryable: true,
      cause: error,
    },
  );
}
