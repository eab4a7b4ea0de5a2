import type {
  PrecommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
} from '../../api/connector/sink.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { Bucket } from './bucket.js';
import type { FileSinkCommittable, FileSinkWriterState } from './file-sink-committable.js';
import type { InProgressPartFile, PartFileWriter, PendingPartFile } from './part-file-writer.js';
import type { RollingPolicy } from './rolling-policy.js';

/** Encoded rows are handed to the part file once this many bytes are buffered. */
const WRITE_BUFFER_BYTES = 64 * 1024;

/**
 * Writes rows into hidden in-progress part files, rolling them by the policy (Flink's FileWriter).
 * Encoding is batched: rows are joined and handed to the part file once per ~64 KiB.
 *
 * With checkpoints (`context.checkpointingEnabled`) the writer never commits by itself: every
 * checkpoint rolls the in-progress part (as Flink's OnCheckpointRollingPolicy; size and time rolling
 * still apply between checkpoints), and `prepareCommit` returns committables for every part closed
 * since the previous one, for the sink's Committer to make visible once the checkpoint completed.
 * `flush(true)` then only flushes; the final checkpoint's `prepareCommit` closes the last part.
 *
 * Without checkpoints a rolled part is committed right away (local files at once, S3 parts at the
 * next flush, which is the next asynchronous point), and `flush(true)` commits the last part.
 */
export class FileSinkWriter<T> implements PrecommittingSinkWriter<
  T,
  FileSinkCommittable,
  FileSinkWriterState
> {
  private readonly files: PartFileWriter;
  private readonly encode: (element: T) => string;
  private readonly rollingPolicy: RollingPolicy<T>;
  private readonly bucket: Bucket;
  private readonly context: SinkInitContext;
  private readonly twoPhase: boolean;
  private part: InProgressPartFile | undefined;
  /** Closed parts not yet committed (no checkpoints) or not yet returned by `prepareCommit`. */
  private closed: PendingPartFile[] = [];
  private buffer: string[] = [];
  private bufferedBytes = 0;

  constructor(
    files: PartFileWriter,
    encode: (element: T) => string,
    rollingPolicy: RollingPolicy<T>,
    bucket: Bucket,
    context: SinkInitContext,
  ) {
    this.files = files;
    this.encode = encode;
    this.rollingPolicy = rollingPolicy;
    this.bucket = bucket;
    this.context = context;
    this.twoPhase = context.checkpointingEnabled;
  }

  write(element: T, _context?: SinkWriterContext): void {
    const now = this.context.currentTimeMillis();
    const info = this.bucket.inProgress;
    if (
      info !== undefined &&
      (this.rollingPolicy.shouldRollOnEvent(info, element) ||
        this.rollingPolicy.shouldRollOnProcessingTime(info, now))
    ) {
      this.rollPart();
    }
    if (this.part === undefined) this.part = this.files.openPart(this.bucket.openPart(now));
    const text = this.encode(element);
    const bytes = Buffer.byteLength(text);
    this.buffer.push(text);
    this.bufferedBytes += bytes;
    this.bucket.recordWritten(bytes, now);
    if (this.bufferedBytes >= WRITE_BUFFER_BYTES) this.writeBuffer();
  }

  async flush(endOfInput: boolean): Promise<void> {
    this.writeBuffer();
    const info = this.bucket.inProgress;
    if (endOfInput) {
      if (!this.twoPhase) this.rollPart();
    } else if (
      info !== undefined &&
      this.rollingPolicy.shouldRollOnProcessingTime(info, this.context.currentTimeMillis())
    ) {
      this.rollPart();
    }
    await this.part?.persist();
    if (!this.twoPhase) await this.commitClosed();
  }

  /**
   * Rolls the in-progress part and returns committables for every part closed since the last call.
   * Without checkpoints it commits them itself and returns none.
   */
  /**
   * Closes the open part synchronously, before the first await: rows written after this call
   * returns belong to the next checkpoint even while the returned promise is pending.
   */
  async prepareCommit(_checkpointId: number): Promise<FileSinkCommittable[]> {
    this.rollPart();
    if (!this.twoPhase) {
      await this.commitClosed();
      return [];
    }
    // Taken synchronously: the next checkpoint's prepareCommit may run before this one's uploads
    // finish, and must neither return these parts again nor lose the ones closed meanwhile.
    const closed = this.closed.splice(0);
    const committables: FileSinkCommittable[] = [];
    try {
      for (const pending of closed) committables.push(await pending.finish());
    } catch (error) {
      // Finishing is repeatable: on a failure the parts go back for the next attempt.
      this.closed.unshift(...closed);
      throw error;
    }
    return committables;
  }

  snapshotState(_checkpointId: number): FileSinkWriterState[] {
    return [{ nextPartCounter: this.bucket.nextPartIndex }];
  }

  /** Releases files and clients; an uncommitted part stays invisible. */
  close(): void {
    try {
      this.writeBuffer();
    } finally {
      const part = this.part;
      this.part = undefined;
      this.closed = [];
      try {
        part?.dispose();
      } finally {
        this.files.close();
      }
    }
  }

  /** Closes the in-progress part, if any; commits it at once where that is synchronous and allowed. */
  private rollPart(): void {
    this.writeBuffer();
    const part = this.part;
    if (part === undefined) return;
    this.part = undefined;
    this.bucket.closePart();
    const pending = part.closeForCommit();
    if (!this.twoPhase && pending.committable !== undefined && this.files.commitSync !== undefined) {
      this.files.commitSync([pending.committable]);
    } else {
      this.closed.push(pending);
    }
  }

  /** Without checkpoints: commits every closed part, one by one. */
  private async commitClosed(): Promise<void> {
    while (this.closed.length > 0) {
      const pending = this.closed[0];
      if (pending === undefined) break;
      await this.files.commit([await pending.finish()]);
      this.closed.shift();
    }
  }

  private writeBuffer(): void {
    if (this.bufferedBytes === 0) {
      this.buffer = [];
      return;
    }
    const part = this.part;
    if (part === undefined)
      throw new FreshetError('NO_PART_FILE_OPEN', 'rows are buffered but no part file is open');
    const data = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
    part.write(data);
  }
}
