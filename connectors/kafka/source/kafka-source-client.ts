/**
 * What the KafkaSource needs from a Kafka client, as one small interface: topic metadata and
 * offsets for the enumerator, fetching of exactly the assigned partitions from given offsets
 * (Kafka's `assign()` + `seek()`, no consumer group membership) and offset commits for readers.
 * KafkajsSourceClient implements it over kafkajs; TestingKafkaSourceClient in memory.
 */
import type { TopicPartition } from './kafka-partition-split.js';

export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A record as fetched, before deserialization (Kafka's ConsumerRecord with raw bytes). */
export interface KafkaConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's timestamp in ms (create time or log-append time). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, KafkaHeaderValue>>;
}

/** Which offset of a partition `listOffsets` resolves. */
export type OffsetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  /** The first offset whose timestamp is >= `timestamp`; absent when there is none. */
  | { readonly kind: 'timestamp'; readonly timestamp: number };

export interface PartitionFetchRequest extends TopicPartition {
  readonly fetchOffset: number;
}

export type PartitionFetchResult =
  | {
      readonly kind: 'records';
      readonly topic: string;
      readonly partition: number;
      /** Records at or after the fetch offset; aborted transactions and control records removed. */
      readonly records: readonly KafkaConsumerRecord[];
      /** Where the next fetch starts: past every offset this fetch covered (control records too). */
      readonly nextFetchOffset: number;
    }
  | { readonly kind: 'offset-out-of-range'; readonly topic: string; readonly partition: number };

export interface FetchOptions {
  /** How long the broker may wait for `fetch.min.bytes` (Kafka's `fetch.max.wait.ms`). */
  readonly maxWaitMs: number;
}

export interface KafkaSourceClient {
  /** Every topic of the cluster. */
  listTopics(): Promise<string[]>;
  /** The partition IDs of the given topics; a topic the cluster lacks is absent from the map. */
  describeTopics(topics: readonly string[]): Promise<Map<string, number[]>>;
  /** Resolved offsets keyed by split ID; a partition without one (timestamp past the end) is absent. */
  listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>>;
  /** The group's committed offsets keyed by split ID; partitions without one are absent. */
  fetchCommittedOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  /** Commits offsets for a group that has no members (Kafka's commit after `assign()`). */
  commitOffsets(
    groupId: string,
    offsets: readonly (TopicPartition & { readonly offset: number })[],
  ): Promise<void>;
  /** One round of fetches, one request per partition leader; the results of every partition. */
  fetch(requests: readonly PartitionFetchRequest[], options: FetchOptions): Promise<PartitionFetchResult[]>;
  close(): Promise<void>;
}

/** Creates a client; the source calls it on the JobManager (enumerator) and in each reader. */
export type KafkaSourceClientFactory = (clientId: string) => KafkaSourceClient;
