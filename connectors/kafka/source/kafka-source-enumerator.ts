/**
 * The KafkaSource's split enumerator (Flink's KafkaSourceEnumerator), on the JobManager: it
 * discovers the subscribed partitions (once, or every `partition.discovery.interval.ms`), resolves
 * their starting offsets (the configured initializer for the first discovery, earliest for
 * partitions that appear later, as in Flink) and stopping offsets when bounded, and hands each
 * partition to its owner reader (getSplitOwner). Its checkpoint remembers the assigned partitions
 * (their positions live in the readers' state) and the resolved splits not handed out yet.
 */
import type { SplitEnumerator, SplitEnumeratorContext } from '../../../api/connector/source.js';
import { Boundedness } from '../../../api/connector/source.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { KafkaSourceErrorCode } from './kafka-source-errors.js';
import {
  compareTopicPartitions,
  kafkaPartitionSplit,
  toSplitId,
  type KafkaPartitionSplit,
  type TopicPartition,
} from './kafka-partition-split.js';
import { describeKafkaError, RetriesExhausted, withRetries, type RetryClock } from './kafka-retry.js';
import type { KafkaSourceClient, KafkaSourceClientFactory } from './kafka-source-client.js';
import type { KafkaSourceConfig } from './kafka-source-options.js';
import { getSplitOwner } from './kafka-split-owner.js';
import type { KafkaSubscriber } from './kafka-subscriber.js';
import { OffsetsInitializer, type PartitionOffsetsRetriever } from './offsets-initializer.js';

/** The enumerator's checkpoint (plain data). */
export interface KafkaSourceEnumState {
  /** Partitions handed to readers; each reader checkpoints its own position in them. */
  readonly assignedPartitions: readonly TopicPartition[];
  /** Discovered partitions with resolved offsets whose owner has not received them yet. */
  readonly pendingSplits: readonly KafkaPartitionSplit[];
  readonly initialDiscoveryFinished: boolean;
}

export interface KafkaSourceEnumeratorSettings {
  readonly subscriber: KafkaSubscriber;
  readonly startingOffsets: OffsetsInitializer;
  readonly stoppingOffsets: OffsetsInitializer | undefined;
  readonly boundedness: Boundedness;
  readonly config: KafkaSourceConfig;
  readonly clientFactory: KafkaSourceClientFactory;
  /** Real time unless a test injects one (retry backoff). */
  readonly retryClock?: RetryClock;
}

interface DiscoveryResult {
  readonly splits: readonly KafkaPartitionSplit[];
}

export class KafkaSourceEnumerator implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
  private readonly context: SplitEnumeratorContext<KafkaPartitionSplit>;
  private readonly settings: KafkaSourceEnumeratorSettings;
  private readonly assigned = new Map<string, TopicPartition>();
  /** Owner subtask → split ID → split. */
  private readonly pending = new Map<number, Map<string, KafkaPartitionSplit>>();
  private initialDiscoveryFinished: boolean;
  private noMoreNewPartitionSplits = false;
  private client: KafkaSourceClient | undefined;
  private closed = false;

  constructor(
    context: SplitEnumeratorContext<KafkaPartitionSplit>,
    settings: KafkaSourceEnumeratorSettings,
    restored?: KafkaSourceEnumState,
  ) {
    this.context = context;
    this.settings = settings;
    this.initialDiscoveryFinished = restored?.initialDiscoveryFinished ?? false;
    for (const partition of restored?.assignedPartitions ?? []) {
      this.assigned.set(toSplitId(partition), { topic: partition.topic, partition: partition.partition });
    }
    this.addToPending(restored?.pendingSplits ?? []);
  }

  /** Periodic discovery only for an unbounded source with a positive interval (as Flink). */
  private get discoveryIntervalMs(): number {
    return this.settings.boundedness === Boundedness.BOUNDED
      ? -1
      : this.settings.config.partitionDiscoveryIntervalMs;
  }

  start(): void {
    const interval = this.discoveryIntervalMs;
    const handler = (result: DiscoveryResult | undefined, error: unknown): void =>
      this.handleDiscoveredSplits(result, error);
    if (interval > 0) this.context.callAsync(() => this.discoverNewSplits(), handler, 0, interval);
    else this.context.callAsync(() => this.discoverNewSplits(), handler);
  }

  /** Kafka splits are pushed to their owners; requests need no answer. */
  handleSplitRequest(): void {}

  addSplitsBack(splits: readonly KafkaPartitionSplit[], subtaskId: number): void {
    for (const split of splits) this.assigned.delete(split.splitId);
    this.addToPending(splits);
    if (this.context.registeredReaders().has(subtaskId)) this.assignPendingSplits([subtaskId]);
  }

  addReader(subtaskId: number): void {
    this.assignPendingSplits([subtaskId]);
  }

  snapshotState(_checkpointId: number): KafkaSourceEnumState {
    const pendingSplits = [...this.pending.values()]
      .flatMap((splits) => [...splits.values()])
      .sort(compareTopicPartitions);
    return {
      assignedPartitions: [...this.assigned.values()].sort(compareTopicPartitions),
      pendingSplits,
      initialDiscoveryFinished: this.initialDiscoveryFinished,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  /** Runs off the coordinator's thread: finds partitions not known yet and resolves their offsets. */
  private async discoverNewSplits(): Promise<DiscoveryResult> {
    const { config, subscriber, retryClock } = this.settings;
    const client = (this.client ??= this.settings.clientFactory(
      `${config.clientIdPrefix}-enumerator-admin-client`,
    ));
    const retry = <T>(operation: () => Promise<T>): Promise<T> =>
      withRetries(operation, config.retry, {
        ...(retryClock === undefined ? {} : { clock: retryClock }),
        isCancelled: () => this.closed,
      });
    const initial = !this.initialDiscoveryFinished;
    const partitions = await retry(() => subscriber.getSubscribedTopicPartitions(client));
    const fresh = partitions.filter((partition) => !this.isKnown(toSplitId(partition)));
    if (fresh.length === 0) return { splits: [] };
    const retriever = offsetsRetriever(client, config.groupId);
    const startingInitializer = initial ? this.settings.startingOffsets : OffsetsInitializer.earliest();
    const starting = await retry(() => startingInitializer.getPartitionOffsets(fresh, retriever));
    const stoppingInitializer = this.settings.stoppingOffsets;
    const stopping =
      stoppingInitializer === undefined
        ? undefined
        : await retry(() => stoppingInitializer.getPartitionOffsets(fresh, retriever));
    return {
      splits: fresh.map((partition) => {
        const id = toSplitId(partition);
        return kafkaPartitionSplit(
          partition,
          starting.get(id)!,
          stopping === undefined ? null : stopping.get(id)!,
        );
      }),
    };
  }

  /** On the coordinator's thread: new splits go to their owners' pending assignments. */
  private handleDiscoveredSplits(result: DiscoveryResult | undefined, error: unknown): void {
    if (this.closed) return;
    if (error !== undefined && error !== null) throw this.discoveryError(error);
    if (this.discoveryIntervalMs <= 0) this.noMoreNewPartitionSplits = true;
    this.addToPending((result?.splits ?? []).filter((split) => !this.isKnown(split.splitId)));
    this.initialDiscoveryFinished = true;
    this.assignPendingSplits([...this.context.registeredReaders().keys()]);
  }

  private discoveryError(error: unknown): UserError {
    const cause = error instanceof RetriesExhausted ? error.lastError : error;
    const waited = error instanceof RetriesExhausted ? ` (retried for ${error.elapsedMs} ms)` : '';
    if (cause instanceof UserError && cause.code.startsWith('KAFKA_')) {
      return new UserError(cause.code, `${cause.message}${waited}`, { cause });
    }
    return new UserError(
      KafkaSourceErrorCode.partitionDiscoveryFailed,
      `KafkaSource could not discover the partitions of ${this.settings.subscriber.toString()} on ` +
        `${this.settings.config.bootstrapServers.join(',')}${waited}: ${describeKafkaError(cause)}`,
      { cause, retryable: true },
    );
  }

  private isKnown(splitId: string): boolean {
    if (this.assigned.has(splitId)) return true;
    for (const splits of this.pending.values()) if (splits.has(splitId)) return true;
    return false;
  }

  private addToPending(splits: readonly KafkaPartitionSplit[]): void {
    const numReaders = this.context.currentParallelism();
    for (const split of splits) {
      const owner = getSplitOwner(split, numReaders);
      const forOwner = this.pending.get(owner) ?? new Map<string, KafkaPartitionSplit>();
      forOwner.set(split.splitId, split);
      this.pending.set(owner, forOwner);
    }
  }

  private assignPendingSplits(readers: readonly number[]): void {
    const registered = this.context.registeredReaders();
    const assignment = new Map<number, KafkaPartitionSplit[]>();
    for (const reader of readers) {
      if (!registered.has(reader)) continue;
      const splits = this.pending.get(reader);
      this.pending.delete(reader);
      if (splits === undefined || splits.size === 0) continue;
      const list = [...splits.values()].sort(compareTopicPartitions);
      for (const split of list)
        this.assigned.set(split.splitId, { topic: split.topic, partition: split.partition });
      assignment.set(reader, list);
    }
    if (assignment.size > 0) this.context.assignSplits(assignment);
    if (this.noMoreNewPartitionSplits && this.settings.boundedness === Boundedness.BOUNDED) {
      for (const reader of readers) if (registered.has(reader)) this.context.signalNoMoreSplits(reader);
    }
  }
}

/** Offset look-ups on the client; committed offsets need the source's group ID. */
export function offsetsRetriever(
  client: KafkaSourceClient,
  groupId: string | undefined,
): PartitionOffsetsRetriever {
  return {
    committedOffsets: (partitions) =>
      groupId === undefined
        ? Promise.resolve(new Map<string, number>())
        : client.fetchCommittedOffsets(groupId, partitions),
    endOffsets: (partitions) => client.listOffsets(partitions, { kind: 'latest' }),
    beginningOffsets: (partitions) => client.listOffsets(partitions, { kind: 'earliest' }),
    offsetsForTimes: (partitions, timestamp) =>
      client.listOffsets(partitions, { kind: 'timestamp', timestamp }),
  };
}
