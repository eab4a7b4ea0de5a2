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

/** A closed part file waiting to be committed (made visible under its final name). */
export interface PendingFile {
  readonly partIndex: number;
  readonly inProgressName: string;
  readonly finalName: string;
  readonly sizeBytes: number;
}

/**
 * The part-file bookkeeping of one FileSink writer, without I/O (after Flink's Bucket): names,
 * the part counter (checkpointed, so a restored writer never reuses a committed name) and the
 * size and times of the in-progress part that rolling policies look at. Closed parts are the
 * writer's to commit (right away without checkpoints, else as committables at the next barrier).
 */
export class Bucket {
  private readonly naming: PartFileNaming;
  private partCounter: number;
  private current: MutablePart | undefined;

  constructor(naming: PartFileNaming, partCounter = 0) {
    if (!Number.isSafeInteger(partCounter) || partCounter < 0) {
      throw new FreshetError(
        'INVALID_PART_COUNTER',
        `part counter must be a non-negative integer, got ${partCounter}`,
      );
    }
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
    return {
      partIndex: part.partIndex,
      inProgressName: part.inProgressName,
      finalName: part.finalName,
      sizeBytes: part.sizeBytes,
    };
  }
}

interface MutablePart extends InProgressPart {
  sizeBytes: number;
  lastUpdateTime: number;
}
