/**
 * The fetch loop of a KafkaSource reader (Flink's SplitFetcher with its KafkaPartitionSplitReader),
 * an asynchronous loop beside the task's mailbox thread: it fetches the assigned partitions from
 * their fetch positions and queues the records per partition for `pollNext`. The queue is bounded:
 * once `maxBufferedRecords` are waiting, fetching pauses until the reader drains it (so one fetch
 * response at most comes on top), and backpressure reaches Kafka. Retriable fetch failures are
 * retried with backoff until `default.api.timeout.ms`; then, or on any other failure, `failure`
 * is set and the reader fails the task.
 */
import { toSplitId, type KafkaPartitionSplit } from './kafka-partition-split.js';
import {
  isRetriableKafkaError,
  REAL_RETRY_CLOCK,
  RetriesExhausted,
  withRetries,
  type RetryClock,
} from './kafka-retry.js';
import { fetchFailedError, offsetOutOfRangeError } from './kafka-source-errors.js';
import type { KafkaConsumerRecord, KafkaSourceClient, PartitionFetchRequest } from './kafka-source-client.js';
import type { KafkaSourceConfig } from './kafka-source-options.js';

/** What one fetch brought for one partition, in offset order. */
export interface FetchedBatch {
  readonly splitId: string;
  readonly records: readonly KafkaConsumerRecord[];
  /** The partition position after these records (past control records and aborted data too). */
  readonly nextOffset: number;
  /** The stopping offset was reached: the split is done once these records are emitted. */
  readonly finished: boolean;
}

interface FetchPosition {
  readonly topic: string;
  readonly partition: number;
  fetchOffset: number;
  readonly stoppingOffset: number | null;
}

export class KafkaSplitFetcher {
  private readonly client: KafkaSourceClient;
  private readonly config: KafkaSourceConfig;
  private readonly maxBufferedRecords: number;
  private readonly clock: RetryClock;
  private readonly onAvailable: () => void;
  private readonly positions = new Map<string, FetchPosition>();
  /** Batches in fetch order; few (a handful per partition), so shift() is cheap. */
  private readonly queue: FetchedBatch[] = [];
  private buffered = 0;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private closed = false;
  /** Set once fetching failed for good; the reader throws it from `pollNext`. */
  failure: Error | undefined;

  constructor(
    client: KafkaSourceClient,
    config: KafkaSourceConfig,
    onAvailable: () => void,
    options: { readonly maxBufferedRecords?: number; readonly clock?: RetryClock } = {},
  ) {
    this.client = client;
    this.config = config;
    this.onAvailable = onAvailable;
    this.maxBufferedRecords = options.maxBufferedRecords ?? 4096;
    this.clock = options.clock ?? REAL_RETRY_CLOCK;
  }

  /** Starts fetching the splits from their starting offsets. */
  addSplits(splits: readonly KafkaPartitionSplit[]): void {
    for (const split of splits) {
      const { stoppingOffset } = split;
      if (stoppingOffset !== null && split.startingOffset >= stoppingOffset) {
        this.enqueue({
          splitId: split.splitId,
          records: [],
          nextOffset: split.startingOffset,
          finished: true,
        });
        continue;
      }
      this.positions.set(split.splitId, {
        topic: split.topic,
        partition: split.partition,
        fetchOffset: split.startingOffset,
        stoppingOffset,
      });
    }
    this.loop ??= this.run().catch((error: unknown) => {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    });
    this.wake();
  }

  /** The next queued batch, if any; taking it makes room for more fetching. */
  take(): FetchedBatch | undefined {
    const batch = this.queue.shift();
    if (batch === undefined) return undefined;
    this.buffered -= batch.records.length;
    if (this.buffered < this.maxBufferedRecords) this.wake();
    return batch;
  }

  hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** Records fetched and not yet taken (a gauge). */
  get bufferedRecords(): number {
    return this.buffered;
  }

  /** Stops the loop (an in-flight fetch ends within `fetch.max.wait.ms`) and closes the client. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.loop;
    await this.client.close();
  }

  private enqueue(batch: FetchedBatch): void {
    this.queue.push(batch);
    this.buffered += batch.records.length;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private waitForWakeUp(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
    });
  }

  private async run(): Promise<void> {
    let failingSince: number | undefined;
    let backoff = Math.max(1, this.config.retry.backoffMs);
    while (!this.closed) {
      const requests: PartitionFetchRequest[] = [];
      for (const position of this.positions.values()) {
        requests.push({
          topic: position.topic,
          partition: position.partition,
          fetchOffset: position.fetchOffset,
        });
      }
      if (requests.length === 0 || this.buffered >= this.maxBufferedRecords) {
        await this.waitForWakeUp();
        continue;
      }
      const started = this.clock.now();
      try {
        const results = await this.client.fetch(requests, { maxWaitMs: this.config.fetchMaxWaitMs });
        failingSince = undefined;
        backoff = Math.max(1, this.config.retry.backoffMs);
        let added = false;
        for (const result of results) {
          const splitId = toSplitId(result);
          const position = this.positions.get(splitId);
          if (position === undefined) continue;
          if (result.kind === 'offset-out-of-range') await this.resetOffset(splitId, position);
          else added = this.accept(splitId, position, result.records, result.nextFetchOffset) || added;
        }
        if (added) this.onAvailable();
        // An empty answer before fetch.max.wait.ms (no leader known yet, say): do not spin.
        else if (this.clock.now() - started < this.config.fetchMaxWaitMs) await this.clock.sleep(backoff);
      } catch (error) {
        if (this.closed) return;
        const now = this.clock.now();
        failingSince ??= now;
        const elapsed = now - failingSince;
        if (error instanceof RetriesExhausted) {
          this.fail(
            fetchFailedError(this.splitIds(), this.config.bootstrapServers, error.elapsedMs, error.lastError),
          );
          return;
        }
        if (!isRetriableKafkaError(error)) {
          this.fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (elapsed >= this.config.retry.timeoutMs) {
          this.fail(fetchFailedError(this.splitIds(), this.config.bootstrapServers, elapsed, error));
          return;
        }
        await this.clock.sleep(Math.min(backoff, this.config.retry.timeoutMs - elapsed));
        backoff = Math.min(
          backoff * 2,
          Math.max(this.config.retry.backoffMs, this.config.retry.maxBackoffMs),
        );
      }
    }
  }

  private splitIds(): string[] {
    return [...this.positions.keys()];
  }

  /** Queues a partition's fetched records; true if the reader has something new. */
  private accept(
    splitId: string,
    position: FetchPosition,
    records: readonly KafkaConsumerRecord[],
    nextFetchOffset: number,
  ): boolean {
    const stop = position.stoppingOffset;
    if (stop !== null && nextFetchOffset >= stop) {
      this.positions.delete(splitId);
      const kept = records.filter((record) => record.offset < stop);
      this.enqueue({ splitId, records: kept, nextOffset: stop, finished: true });
      return true;
    }
    if (nextFetchOffset > position.fetchOffset) position.fetchOffset = nextFetchOffset;
    if (records.length === 0) return false;
    this.enqueue({ splitId, records, nextOffset: position.fetchOffset, finished: false });
    return true;
  }

  /** The position was deleted (retention): continue per `auto.offset.reset`, as Kafka's consumer. */
  private async resetOffset(splitId: string, position: FetchPosition): Promise<void> {
    const reset = this.config.autoOffsetReset;
    if (reset === 'none') throw offsetOutOfRangeError(splitId, position.fetchOffset);
    const offsets = await withRetries(
      () => this.client.listOffsets([position], { kind: reset }),
      this.config.retry,
      { clock: this.clock, isCancelled: () => this.closed },
    );
    const offset = offsets.get(splitId);
    if (offset !== undefined) position.fetchOffset = offset;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.onAvailable();
  }
}
