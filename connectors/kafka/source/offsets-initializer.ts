/**
 * Where a KafkaSource starts (and, when bounded, stops) reading each partition (Flink's
 * OffsetsInitializer): `earliest()`, `latest()`, `committedOffsets(reset)`, `timestamp(ms)` or
 * `offsets(map)`. The enumerator resolves them to concrete offsets when it discovers a partition,
 * so splits always carry numbers.
 */
import { UserError } from '../../../common/errors/freshet-error.js';
import { KafkaSourceErrorCode } from './kafka-source-errors.js';
import { toSplitId, type TopicPartition } from './kafka-partition-split.js';

/** What to do when there is no committed offset, or an offset is out of range (Kafka's). */
export const OffsetResetStrategy = {
  EARLIEST: 'EARLIEST',
  LATEST: 'LATEST',
  NONE: 'NONE',
} as const;
export type OffsetResetStrategy = (typeof OffsetResetStrategy)[keyof typeof OffsetResetStrategy];

/** The offset look-ups an initializer may use (Flink's PartitionOffsetsRetriever); keyed by split ID. */
export interface PartitionOffsetsRetriever {
  /** Committed offsets of the source's group; partitions without one (or no group) are absent. */
  committedOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  endOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  /** The first offset with a timestamp >= `timestamp`; absent where there is none. */
  offsetsForTimes(partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>>;
}

export interface OffsetsInitializer {
  /** An offset for every given partition, keyed by split ID (`topic-partition`). */
  getPartitionOffsets(
    partitions: readonly TopicPartition[],
    retriever: PartitionOffsetsRetriever,
  ): Promise<Map<string, number>>;
  /** Where a reader goes when its offset is out of range. */
  getAutoOffsetResetStrategy(): OffsetResetStrategy;
  /** Whether it needs the source's `group.id` (committed offsets do). */
  readonly requiresGroupId?: boolean;
  /** For error texts and logs. */
  toString(): string;
}

function requireAll(
  partitions: readonly TopicPartition[],
  offsets: Map<string, number>,
  what: string,
): Map<string, number> {
  for (const partition of partitions) {
    if (!offsets.has(toSplitId(partition))) {
      throw new UserError(
        KafkaSourceErrorCode.offsetUnavailable,
        `KafkaSource could not resolve the ${what} offset of partition ${toSplitId(partition)}`,
        { retryable: true },
      );
    }
  }
  return offsets;
}

class SpecOffsetsInitializer implements OffsetsInitializer {
  constructor(
    private readonly kind: 'earliest' | 'latest',
    private readonly strategy: OffsetResetStrategy,
  ) {}

  async getPartitionOffsets(
    partitions: readonly TopicPartition[],
    retriever: PartitionOffsetsRetriever,
  ): Promise<Map<string, number>> {
    const offsets =
      this.kind === 'earliest'
        ? await retriever.beginningOffsets(partitions)
        : await retriever.endOffsets(partitions);
    return requireAll(partitions, offsets, this.kind);
  }

  getAutoOffsetResetStrategy(): OffsetResetStrategy {
    return this.strategy;
  }

  toString(): string {
    return `OffsetsInitializer.${this.kind}()`;
  }
}

class CommittedOffsetsInitializer implements OffsetsInitializer {
  readonly requiresGroupId = true;

  constructor(private readonly strategy: OffsetResetStrategy) {}

  async getPartitionOffsets(
    partitions: readonly TopicPartition[],
    retriever: PartitionOffsetsRetriever,
  ): Promise<Map<string, number>> {
    const committed = await retriever.committedOffsets(partitions);
    const missing = partitions.filter((partition) => !committed.has(toSplitId(partition)));
    if (missing.length === 0) return committed;
    if (this.strategy === OffsetResetStrategy.NONE) {
      throw new UserError(
        KafkaSourceErrorCode.noCommittedOffset,
        `KafkaSource found no committed offset for ${missing.map(toSplitId).join(', ')} and the ` +
          'reset strategy is NONE; use committedOffsets(OffsetResetStrategy.EARLIEST or LATEST)',
      );
    }
    const fallback =
      this.strategy === OffsetResetStrategy.EARLIEST
        ? await retriever.beginningOffsets(missing)
        : await retriever.endOffsets(missing);
    requireAll(missing, fallback, this.strategy.toLowerCase());
    return new Map([...committed, ...fallback]);
  }

  getAutoOffsetResetStrategy(): OffsetResetStrategy {
    return this.strategy;
  }

  toString(): string {
    return `OffsetsInitializer.committedOffsets(${this.strategy})`;
  }
}

class TimestampOffsetsInitializer implements OffsetsInitializer {
  constructor(private readonly timestamp: number) {}

  async getPartitionOffsets(
    partitions: readonly TopicPartition[],
    retriever: PartitionOffsetsRetriever,
  ): Promise<Map<string, number>> {
    const byTime = await retriever.offsetsForTimes(partitions, this.timestamp);
    // No record at or after the timestamp: start at the end, as Flink does.
    const missing = partitions.filter((partition) => !byTime.has(toSplitId(partition)));
    if (missing.length === 0) return byTime;
    const ends = requireAll(missing, await retriever.endOffsets(missing), 'latest');
    return new Map([...byTime, ...ends]);
  }

  getAutoOffsetResetStrategy(): OffsetResetStrategy {
    return OffsetResetStrategy.LATEST;
  }

  toString(): string {
    return `OffsetsInitializer.timestamp(${this.timestamp})`;
  }
}

class SpecifiedOffsetsInitializer implements OffsetsInitializer {
  private readonly offsets: ReadonlyMap<string, number>;

  constructor(
    offsets: Iterable<readonly [TopicPartition, number]>,
    private readonly strategy: OffsetResetStrategy,
  ) {
    const map = new Map<string, number>();
    for (const [partition, offset] of offsets) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new UserError(
          KafkaSourceErrorCode.invalidOffset,
          `OffsetsInitializer.offsets: offset ${offset} of ${toSplitId(partition)} is not a non-negative integer`,
        );
      }
      map.set(toSplitId(partition), offset);
    }
    this.offsets = map;
  }

  async getPartitionOffsets(
    partitions: readonly TopicPartition[],
    retriever: PartitionOffsetsRetriever,
  ): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const missing: TopicPartition[] = [];
    for (const partition of partitions) {
      const offset = this.offsets.get(toSplitId(partition));
      if (offset === undefined) missing.push(partition);
      else result.set(toSplitId(partition), offset);
    }
    if (missing.length === 0) return result;
    // Partitions the map does not name start per the reset strategy (Flink: committed, then it).
    const committed = await retriever.committedOffsets(missing);
    const stillMissing = missing.filter((partition) => !committed.has(toSplitId(partition)));
    for (const partition of missing) {
      const offset = committed.get(toSplitId(partition));
      if (offset !== undefined) result.set(toSplitId(partition), offset);
    }
    if (stillMissing.length === 0) return result;
    if (this.strategy === OffsetResetStrategy.NONE) {
      throw new UserError(
        KafkaSourceErrorCode.noOffsetSpecified,
        `OffsetsInitializer.offsets names no offset for ${stillMissing.map(toSplitId).join(', ')} ` +
          'and the reset strategy is NONE',
      );
    }
    const fallback =
      this.strategy === OffsetResetStrategy.EARLIEST
        ? await retriever.beginningOffsets(stillMissing)
        : await retriever.endOffsets(stillMissing);
    requireAll(stillMissing, fallback, this.strategy.toLowerCase());
    return new Map([...result, ...fallback]);
  }

  getAutoOffsetResetStrategy(): OffsetResetStrategy {
    return this.strategy;
  }

  toString(): string {
    return `OffsetsInitializer.offsets(${JSON.stringify(Object.fromEntries(this.offsets))})`;
  }
}

export const OffsetsInitializer = {
  /** The earliest offset of each partition. */
  earliest: (): OffsetsInitializer => new SpecOffsetsInitializer('earliest', OffsetResetStrategy.EARLIEST),
  /** The end of each partition (at discovery time): only records written afterwards. */
  latest: (): OffsetsInitializer => new SpecOffsetsInitializer('latest', OffsetResetStrategy.LATEST),
  /** The source group's committed offsets; `reset` where there are none (default NONE: fail). */
  committedOffsets: (reset: OffsetResetStrategy = OffsetResetStrategy.NONE): OffsetsInitializer =>
    new CommittedOffsetsInitializer(reset),
  /** The first record with a timestamp >= `timestampMs` (the end where there is none). */
  timestamp: (timestampMs: number): OffsetsInitializer => {
    if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
      throw new UserError(
        KafkaSourceErrorCode.invalidTimestamp,
        `OffsetsInitializer.timestamp needs a non-negative integer of ms, got ${timestampMs}`,
      );
    }
    return new TimestampOffsetsInitializer(timestampMs);
  },
  /**
   * Given offsets; other partitions start at their committed offset, else per `reset`
   * (default EARLIEST).
   */
  offsets: (
    offsets: Iterable<readonly [TopicPartition, number]>,
    reset: OffsetResetStrategy = OffsetResetStrategy.EARLIEST,
  ): OffsetsInitializer => new SpecifiedOffsetsInitializer(offsets, reset),
};
