/**
 * The KafkaSource's reader (Flink's KafkaSourceReader) in each source subtask. A KafkaSplitFetcher
 * fetches the assigned partitions into a bounded queue; `pollNext` (never blocking) deserializes a
 * batch from it and emits each record with its Kafka timestamp through the split's own output, so
 * watermarks and idleness are per partition. Positions (the next offset to emit per partition) go
 * into checkpoints; when a checkpoint completes, its offsets are committed to the source's
 * `group.id` — for monitoring only: exactly-once comes from the checkpointed positions.
 */
import {
  InputStatus,
  type ReaderOutput,
  type SourceOutput,
  type SourceReader,
  type SourceReaderContext,
} from '../../../api/connector/source.js';
import type { Collector } from '../../../api/functions/collector.js';
import { createLogger, type Logger } from '../../../common/logging/logger.js';
import { AVAILABLE, AvailabilityHelper } from '../../base/availability-helper.js';
import {
  kafkaPartitionSplit,
  type KafkaPartitionSplit,
  type TopicPartition,
} from './kafka-partition-split.js';
import type { KafkaRecordDeserializationSchema } from './kafka-record-deserialization-schema.js';
import { describeKafkaError, REAL_RETRY_CLOCK, withRetries, type RetryClock } from './kafka-retry.js';
import type { KafkaConsumerRecord, KafkaSourceClient } from './kafka-source-client.js';
import { deserializationError, type DeserializationErrorHandler } from './kafka-source-errors.js';
import type { KafkaSourceConfig } from './kafka-source-options.js';
import { KafkaSplitFetcher, type FetchedBatch } from './kafka-split-fetcher.js';

/** Records per `pollNext` call at most. */
const MAX_RECORDS_PER_POLL = 1024;
/** How long close() lets commits in progress retry (the last checkpoint's offsets, typically). */
const CLOSE_COMMIT_TIMEOUT_MS = 5000;
/** Checkpoints whose offsets wait for their completion; older ones are dropped beyond this. */
const MAX_PENDING_COMMITS = 64;

interface SplitState extends TopicPartition {
  readonly splitId: string;
  /** The next offset to emit: what a checkpoint records. */
  currentOffset: number;
  readonly stoppingOffset: number | null;
}

type PartitionOffset = TopicPartition & { readonly offset: number };

export interface KafkaSourceReaderOptions<T> {
  readonly config: KafkaSourceConfig;
  readonly client: KafkaSourceClient;
  readonly deserializer: KafkaRecordDeserializationSchema<T>;
  readonly deserializationErrorHandler?: DeserializationErrorHandler;
  readonly maxBufferedRecords?: number;
  readonly retryClock?: RetryClock;
  readonly logger?: Logger;
}

export class KafkaSourceReader<T> implements SourceReader<T, KafkaPartitionSplit> {
  private readonly options: KafkaSourceReaderOptions<T>;
  private readonly context: SourceReaderContext;
  private readonly fetcher: KafkaSplitFetcher;
  private readonly availability = new AvailabilityHelper();
  private readonly splits = new Map<string, SplitState>();
  private noMoreSplits = false;
  /** The batch being emitted and the index of its next record. */
  private current: FetchedBatch | undefined;
  private currentIndex = 0;
  /**
   * Split outputs of the ReaderOutput they came from, created at the first poll after the split's
   * assignment (as Flink's SourceOperator does on AddSplitsEvent): a partition without records yet
   * holds the watermark back from the start — until the strategy's idleness marks it idle.
   */
  private outputOwner: ReaderOutput<T> | undefined;
  private readonly splitOutputs = new Map<string, SourceOutput<T>>();
  /** Splits whose output is not created yet. */
  private readonly splitsWithoutOutput = new Set<string>();
  /** Checkpoint ID → offsets to commit once it completes. */
  private readonly offsetsToCommit = new Map<number, PartitionOffset[]>();
  /** Final offsets of finished splits, committed with the next completed checkpoint. */
  private readonly offsetsOfFinishedSplits = new Map<string, PartitionOffset>();
  private commitChain: Promise<void> = Promise.resolve();
  /**
   * Set by close(): commits in progress retry until then at most (as Kafka's consumer finishes
   * pending commits on close, within a bound), so closing a reader is never held up for long.
   */
  private closeDeadline: number | undefined;
  private logger: Logger | undefined;
  /** Offset commits that succeeded and failed (gauges; failures are logged, not fatal, as in Flink). */
  commitsSucceeded = 0;
  commitsFailed = 0;

  /**
   * Receives what the deserializer makes of one record; emitted after it returns, so that a failure
   * further down the chain is not mistaken for (or skipped as) a deserialization failure.
   */
  private readonly deserialized: T[] = [];
  private readonly deserializedCollector: Collector<T> = {
    collect: (element: T) => {
      this.deserialized.push(element);
    },
  };

  constructor(context: SourceReaderContext, options: KafkaSourceReaderOptions<T>) {
    this.context = context;
    this.options = options;
    this.logger = options.logger;
    this.fetcher = new KafkaSplitFetcher(
      options.client,
      options.config,
      () => this.availability.notifyAvailable(),
      {
        ...(options.maxBufferedRecords === undefined
          ? {}
          : { maxBufferedRecords: options.maxBufferedRecords }),
        ...(options.retryClock === undefined ? {} : { clock: options.retryClock }),
      },
    );
  }

  async start(): Promise<void> {
    await this.options.deserializer.open?.();
  }

  addSplits(splits: KafkaPartitionSplit[]): void {
    for (const split of splits) {
      this.splits.set(split.splitId, {
        splitId: split.splitId,
        topic: split.topic,
        partition: split.partition,
        currentOffset: split.startingOffset,
        stoppingOffset: split.stoppingOffset,
      });
      this.splitsWithoutOutput.add(split.splitId);
    }
    this.fetcher.addSplits(splits);
    this.availability.notifyAvailable();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.availability.notifyAvailable();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    const failure = this.fetcher.failure;
    if (failure !== undefined) throw failure;
    if (output !== this.outputOwner) {
      this.outputOwner = output;
      this.splitOutputs.clear();
      for (const splitId of this.splits.keys()) this.splitsWithoutOutput.add(splitId);
    }
    if (this.splitsWithoutOutput.size > 0) {
      for (const splitId of this.splitsWithoutOutput) this.splitOutput(output, splitId);
      this.splitsWithoutOutput.clear();
    }
    let budget = MAX_RECORDS_PER_POLL;
    while (budget > 0) {
      const batch = (this.current ??= this.fetcher.take());
      if (batch === undefined) break;
      const split = this.splits.get(batch.splitId);
      if (split !== undefined) budget -= this.emit(batch, split, output, budget);
      else this.currentIndex = batch.records.length;
      if (this.currentIndex < batch.records.length) break;
      if (split !== undefined) {
        if (batch.nextOffset > split.currentOffset) split.currentOffset = batch.nextOffset;
        if (batch.finished) this.finishSplit(split, output);
      }
      this.current = undefined;
      this.currentIndex = 0;
    }
    if (this.current !== undefined || this.fetcher.hasQueued()) return InputStatus.MORE_AVAILABLE;
    if (this.splits.size === 0 && this.noMoreSplits) return InputStatus.END_OF_INPUT;
    return InputStatus.NOTHING_AVAILABLE;
  }

  /** Emits up to `budget` records of the batch from `currentIndex`; returns how many it consumed. */
  private emit(batch: FetchedBatch, split: SplitState, output: ReaderOutput<T>, budget: number): number {
    const records = batch.records;
    const start = this.currentIndex;
    const end = Math.min(records.length, start + budget);
    if (start >= end) return 0;
    const splitOutput = this.splitOutput(output, split.splitId);
    const deserializer = this.options.deserializer;
    const deserialized = this.deserialized;
    for (let i = start; i < end; i++) {
      const record = records[i]!;
      this.currentIndex = i;
      deserialized.length = 0;
      try {
        deserializer.deserialize(record, this.deserializedCollector);
      } catch (error) {
        deserialized.length = 0;
        this.handleDeserializationError(record, error);
      }
      for (let j = 0; j < deserialized.length; j++) splitOutput.collect(deserialized[j]!, record.timestamp);
      split.currentOffset = record.offset + 1;
    }
    deserialized.length = 0;
    this.currentIndex = end;
    return end - start;
  }

  private handleDeserializationError(record: KafkaConsumerRecord, cause: unknown): void {
    const error = deserializationError(record, cause);
    const handler = this.options.deserializationErrorHandler;
    if (handler === undefined || handler(error, record) !== 'skip') throw error;
  }

  private splitOutput(output: ReaderOutput<T>, splitId: string): SourceOutput<T> {
    let splitOutput = this.splitOutputs.get(splitId);
    if (splitOutput === undefined) {
      splitOutput = output.createOutputForSplit(splitId);
      this.splitOutputs.set(splitId, splitOutput);
    }
    return splitOutput;
  }

  private finishSplit(split: SplitState, output: ReaderOutput<T>): void {
    this.splits.delete(split.splitId);
    this.splitsWithoutOutput.delete(split.splitId);
    this.offsetsOfFinishedSplits.set(split.splitId, {
      topic: split.topic,
      partition: split.partition,
      offset: split.currentOffset,
    });
    if (this.splitOutputs.delete(split.splitId)) output.releaseOutputForSplit(split.splitId);
  }

  isAvailable(): Promise<void> {
    if (this.fetcher.failure !== undefined || this.current !== undefined || this.fetcher.hasQueued()) {
      return AVAILABLE;
    }
    if (this.splits.size === 0 && this.noMoreSplits) return AVAILABLE;
    const future = this.availability.getAvailableFuture();
    // The fetcher may have queued records between pollNext and this call.
    return this.fetcher.hasQueued() ? AVAILABLE : future;
  }

  snapshotState(checkpointId: number): KafkaPartitionSplit[] {
    const splits = [...this.splits.values()].map((split) =>
      kafkaPartitionSplit(split, split.currentOffset, split.stoppingOffset),
    );
    if (this.options.config.commitOffsetsOnCheckpoint) {
      const offsets: PartitionOffset[] = splits.map((split) => ({
        topic: split.topic,
        partition: split.partition,
        offset: split.startingOffset,
      }));
      offsets.push(...this.offsetsOfFinishedSplits.values());
      this.offsetsToCommit.set(checkpointId, offsets);
      for (const id of this.offsetsToCommit.keys()) {
        if (this.offsetsToCommit.size <= MAX_PENDING_COMMITS) break;
        this.offsetsToCommit.delete(id);
      }
    }
    return splits;
  }

  /** Commits the offsets of the completed checkpoint (in the background, in checkpoint order). */
  notifyCheckpointComplete(checkpointId: number): void {
    const offsets = this.offsetsToCommit.get(checkpointId);
    const groupId = this.options.config.groupId;
    if (offsets === undefined || groupId === undefined) return;
    for (const id of [...this.offsetsToCommit.keys()])
      if (id <= checkpointId) this.offsetsToCommit.delete(id);
    if (offsets.length === 0) return;
    this.commitChain = this.commitChain.then(async () => {
      try {
        await withRetries(
          () => this.options.client.commitOffsets(groupId, offsets),
          this.options.config.retry,
          {
            ...(this.options.retryClock === undefined ? {} : { clock: this.options.retryClock }),
            isCancelled: () => this.closeDeadline !== undefined && this.clockNow() >= this.closeDeadline,
          },
        );
        this.commitsSucceeded++;
        for (const offset of offsets) {
          const finished = this.offsetsOfFinishedSplits.get(`${offset.topic}-${offset.partition}`);
          if (finished !== undefined && finished.offset === offset.offset) {
            this.offsetsOfFinishedSplits.delete(`${offset.topic}-${offset.partition}`);
          }
        }
      } catch (error) {
        // Monitoring only (as in Flink): the checkpoint holds the positions; the next one retries.
        this.commitsFailed++;
        this.log().warn(
          { checkpointId, groupId, subtask: this.context.indexOfSubtask },
          `KafkaSource failed to commit offsets for checkpoint ${checkpointId}: ${describeKafkaError(error)}`,
        );
      }
    });
  }

  /** Resolves when the commits started so far have ended (for tests and close). */
  whenCommitsDone(): Promise<void> {
    return this.commitChain;
  }

  async close(): Promise<void> {
    this.closeDeadline =
      this.clockNow() + Math.min(CLOSE_COMMIT_TIMEOUT_MS, this.options.config.retry.timeoutMs);
    await this.commitChain;
    await this.fetcher.close();
  }

  private clockNow(): number {
    return (this.options.retryClock ?? REAL_RETRY_CLOCK).now();
  }

  private log(): Logger {
    return (this.logger ??= createLogger('KafkaSourceReader'));
  }
}
