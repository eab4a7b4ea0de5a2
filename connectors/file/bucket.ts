import { FreshetError } from '../../common/errors/freshet-error.js';
import type { PartFileInfo } from './rolling-policy.js';

/** How a writer names its part files. */
export interface PartFileNaming {
  readonly partPrefix: string;
  readonly partSuffix: string;
  readonly operatorUidOrId: string;
  readonly indexOfSubtask: number;
}

/** A part file that is still written to: hidden (`.<name>.inprogress`). */
export interface InProgressPart extends PartFileInfo {
  readonly partIndex: number;
  readonly inProgressName: string;
  /** The visible name it gets when committed. */
  readonly finalName: string;
}

/** A closed part file waiting to be committed (renamed to its visible name). */
export interface PendingFile {
  readonly partIndex: number;
  readonly inProgressName: string;
  readonly finalName: string;
  readonly sizeBytes: number;
}

/**
 * The part-file bookkeeping of one FileSink writer, without I/O (after Flink's Bucket): part
 * files go in-progress → pending (closed) → committed. Without checkpoints a writer commits pending
 * files right away (`takePending`); the two-phase path assigns them to a checkpoint at the barrier
 * (`prepareCommit`) and releases them when that checkpoint completes (`notifyCheckpointComplete`).
 */
export class Bucket {
  private readonly naming: PartFileNaming;
  private partCounter: number;
  private current: MutablePart | undefined;
  /** Closed, not yet assigned to a checkpoint. */
  private pending: PendingFile[] = [];
  /** Closed and assigned to the checkpoint at whose barrier they were pending, in checkpoint order. */
  private readonly pendingPerCheckpoint = new Map<number, PendingFile[]>();

  constructor(naming: PartFileNaming, partCounter = 0) {
    this.naming = naming;
    this.partCounter = partCounter;
  }

  get inProgress(): InProgressPart | undefined {
    return this.current;
  }

  /** The index the next opened part file gets. */
  get nextPartIndex(): number {
    return this.partCounter;
  }

  /** Starts a new in-progress part file. */
  openPart(now: number): InProgressPart {
    if (this.current !== undefined) {
      throw new FreshetError(
        'PART_FILE_ALREADY_OPEN',
        `part file ${this.current.inProgressName} is still open`,
      );
    }
    const partIndex = this.partCounter++;
    const { partPrefix, partSuffix, operatorUidOrId, indexOfSubtask } = this.naming;
    const finalName = `${partPrefix}-${operatorUidOrId}-${indexOfSubtask}-${partIndex}${partSuffix}`;
    this.current = {
      partIndex,
      finalName,
      inProgressName: `.${finalName}.inprogress`,
      sizeBytes: 0,
      creationTime: now,
      lastUpdateTime: now,
    };
    return this.current;
  }

  /** Accounts `bytes` written to the in-progress part. */
  recordWritten(bytes: number, now: number): void {
    if (this.current === undefined) throw new FreshetError('NO_PART_FILE_OPEN', 'no part file is open');
    this.current.sizeBytes += bytes;
    this.current.lastUpdateTime = now;
  }

  /** Closes the in-progress part (in-progress → pending); returns it, or undefined if none was open. */
  closePart(): PendingFile | undefined {
    const part = this.current;
    if (part === undefined) return undefined;
    this.current = undefined;
    const pendingFile: PendingFile = {
      partIndex: part.partIndex,
      inProgressName: part.inProgressName,
      finalName: part.finalName,
      sizeBytes: part.sizeBytes,
    };
    this.pending.push(pendingFile);
    return pendingFile;
  }

  /** Every pending file, to commit now (no checkpoints, or the end of a bounded input). */
  takePending(): PendingFile[] {
    const files = [...this.committableOfAllCheckpoints(), ...this.pending];
    this.pending = [];
    return files;
  }

  /** At the barrier of `checkpointId`: the pending files so far belong to that checkpoint. */
  prepareCommit(checkpointId: number): PendingFile[] {
    const files = this.pending;
    this.pending = [];
    if (files.length > 0) this.pendingPerCheckpoint.set(checkpointId, files);
    return files;
  }

  /** `checkpointId` completed: returns the files of it and of all earlier checkpoints, to commit. */
  notifyCheckpointComplete(checkpointId: number): PendingFile[] {
    const files: PendingFile[] = [];
    for (const [id, perCheckpoint] of this.pendingPerCheckpoint) {
      if (id > checkpointId) continue;
      files.push(...perCheckpoint);
      this.pendingPerCheckpoint.delete(id);
    }
    return files.sort((a, b) => a.partIndex - b.partIndex);
  }

  private committableOfAllCheckpoints(): PendingFile[] {
    const files = [...this.pendingPerCheckpoint.values()].flat();
    this.pendingPerCheckpoint.clear();
    return files.sort((a, b) => a.partIndex - b.partIndex);
  }
}

interface MutablePart extends InProgressPart {
  sizeBytes: number;
  lastUpdateTime: number;
}
