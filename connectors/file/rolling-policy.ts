import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/** What a rolling policy knows about the part file being written. */
export interface PartFileInfo {
  /** Bytes written to the part so far (including what is still buffered). */
  readonly sizeBytes: number;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
}

/** Decides when the in-progress part file is closed and a new one started (Flink's RollingPolicy). */
export interface RollingPolicy<T = unknown> {
  /**
   * Asked at a checkpoint barrier (Flink API). FileSink rolls at every checkpoint regardless, as
   * with Flink's OnCheckpointRollingPolicy, so its part files can be committed exactly once.
   */
  shouldRollOnCheckpoint(partFile: PartFileInfo): boolean;
  /** Asked before `element` is written to the part file. */
  shouldRollOnEvent(partFile: PartFileInfo, element: T): boolean;
  /** Asked on writes and flushes with the current processing time. */
  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean;
}

const MIB = 1024 * 1024;

/**
 * Rolls when a part reached `maxPartSize` bytes, is `rolloverInterval` ms old, or had no writes
 * for `inactivityInterval` ms (Flink's DefaultRollingPolicy; defaults 128 MiB, 60 s, 60 s).
 */
export class DefaultRollingPolicy implements RollingPolicy {
  readonly maxPartSize: number;
  readonly rolloverInterval: number;
  readonly inactivityInterval: number;

  constructor(maxPartSize: number, rolloverInterval: number, inactivityInterval: number) {
    this.maxPartSize = maxPartSize;
    this.rolloverInterval = rolloverInterval;
    this.inactivityInterval = inactivityInterval;
  }

  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  shouldRollOnCheckpoint(partFile: PartFileInfo): boolean {
    return partFile.sizeBytes >= this.maxPartSize;
  }

  shouldRollOnEvent(partFile: PartFileInfo): boolean {
    return partFile.sizeBytes >= this.maxPartSize;
  }

  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean {
    return (
      currentTime - partFile.creationTime >= this.rolloverInterval ||
      currentTime - partFile.lastUpdateTime >= this.inactivityInterval
    );
  }
}

export class DefaultRollingPolicyBuilder {
  private maxPartSize = 128 * MIB;
  private rolloverInterval = 60_000;
  private inactivityInterval = 60_000;

  /** Bytes after which a part file is rolled. */
  withMaxPartSize(bytes: number): this {
    this.maxPartSize = checkPositive('maxPartSize', bytes);
    return this;
  }

  /** Milliseconds after which a part file is rolled, however small. */
  withRolloverInterval(millis: number): this {
    this.rolloverInterval = checkPositive('rolloverInterval', millis);
    return this;
  }

  /** Milliseconds without writes after which a part file is rolled. */
  withInactivityInterval(millis: number): this {
    this.inactivityInterval = checkPositive('inactivityInterval', millis);
    return this;
  }

  build(): DefaultRollingPolicy {
    return new DefaultRollingPolicy(this.maxPartSize, this.rolloverInterval, this.inactivityInterval);
  }
}

function checkPositive(name: string, value: number): number {
  if (!(value > 0))
    throw new IllegalConfigurationError(`DefaultRollingPolicy ${name} must be positive, got ${value}`);
  return value;
}
