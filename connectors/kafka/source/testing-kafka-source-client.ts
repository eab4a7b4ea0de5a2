/**
 * An in-memory Kafka for unit tests of the KafkaSource's enumerator and reader: topics with
 * partitions of records, committed group offsets, a switch that makes every call fail like an
 * unreachable broker, and a log of the fetch requests. Fetches without data wait (real time, up to
 * the request's maxWaitMs) until a record is appended, like a broker's long poll.
 */
import { toSplitId, type TopicPartition } from './kafka-partition-split.js';
import type {
  FetchOptions,
  KafkaConsumerRecord,
  KafkaSourceClient,
  OffsetSpec,
  PartitionFetchRequest,
  PartitionFetchResult,
} from './kafka-source-client.js';

export interface TestingRecordInput {
  readonly key?: string | null;
  readonly value: string | Buffer | null;
  readonly timestamp?: number;
  readonly headers?: Record<string, string>;
}

/** Thrown while `unavailable` is set: retriable, as kafkajs's connection errors. */
export class TestingBrokerUnavailable extends Error {
  readonly retriable = true;

  constructor() {
    super('Connection error: connect ECONNREFUSED (testing broker unavailable)');
    this.name = 'KafkaJSConnectionError';
  }
}

export class TestingKafkaStore {
  readonly topics = new Map<string, KafkaConsumerRecord[][]>();
  /** Group → split ID → committed offset. */
  readonly committed = new Map<string, Map<string, number>>();
  /** Per partition, the first offset still stored (records before it are "deleted"). */
  readonly logStart = new Map<string, number>();
  readonly fetchRequests: PartitionFetchRequest[][] = [];
  /** Calls fail with TestingBrokerUnavailable while true. */
  unavailable = false;
  /** Records per partition per fetch at most. */
  maxRecordsPerFetch = 100;
  private waiters: (() => void)[] = [];

  createTopic(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
  }

  addPartitions(topic: string, count: number): void {
    const partitions = this.topics.get(topic)!;
    for (let i = 0; i < count; i++) partitions.push([]);
  }

  append(topic: string, partition: number, ...records: TestingRecordInput[]): void {
    const log = this.topics.get(topic)?.[partition];
    if (log === undefined) throw new Error(`no partition ${topic}-${partition}`);
    for (const input of records) {
      const offset = log.length;
      log.push({
        topic,
        partition,
        offset,
        timestamp: input.timestamp ?? offset,
        key: input.key === undefined || input.key === null ? null : Buffer.from(input.key),
        value:
          input.value === null ? null : Buffer.isBuffer(input.value) ? input.value : Buffer.from(input.value),
        headers: input.headers ?? {},
      });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next append or after `millis`. */
  waitForData(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, millis);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  client(): TestingKafkaSourceClient {
    return new TestingKafkaSourceClient(this);
  }
}

export class TestingKafkaSourceClient implements KafkaSourceClient {
  closed = false;

  constructor(private readonly store: TestingKafkaStore) {}

  private check(): void {
    if (this.store.unavailable) throw new TestingBrokerUnavailable();
  }

  listTopics(): Promise<string[]> {
    this.check();
    return Promise.resolve([...this.store.topics.keys()].sort());
  }

  describeTopics(topics: readonly string[]): Promise<Map<string, number[]>> {
    this.check();
    const result = new Map<string, number[]>();
    for (const topic of topics) {
      const partitions = this.store.topics.get(topic);
      if (partitions !== undefined)
        result.set(
          topic,
          partitions.map((_, i) => i),
        );
    }
    return Promise.resolve(result);
  }

  listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>> {
    this.check();
    const result = new Map<string, number>();
    for (const partition of partitions) {
      const log = this.store.topics.get(partition.topic)?.[partition.partition] ?? [];
      const id = toSplitId(partition);
      const start = this.store.logStart.get(id) ?? 0;
      if (spec.kind === 'earliest') result.set(id, start);
      else if (spec.kind === 'latest') result.set(id, log.length);
      else {
        const found = log.find((record) => record.offset >= start && record.timestamp >= spec.timestamp);
        if (found !== undefined) result.set(id, found.offset);
      }
    }
    return Promise.resolve(result);
  }

  fetchCommittedOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, number>> {
    this.check();
    const group = this.store.committed.get(groupId) ?? new Map<string, number>();
    const result = new Map<string, number>();
    for (const partition of partitions) {
      const offset = group.get(toSplitId(partition));
      if (offset !== undefined) result.set(toSplitId(partition), offset);
    }
    return Promise.resolve(result);
  }

  commitOffsets(
    groupId: string,
    offsets: readonly (TopicPartition & { readonly offset: number })[],
  ): Promise<void> {
    this.check();
    const group = this.store.committed.get(groupId) ?? new Map<string, number>();
    for (const entry of offsets) group.set(toSplitId(entry), entry.offset);
    this.store.committed.set(groupId, group);
    return Promise.resolve();
  }

  async fetch(
    requests: readonly PartitionFetchRequest[],
    options: FetchOptions,
  ): Promise<PartitionFetchResult[]> {
    this.check();
    this.store.fetchRequests.push([...requests]);
    const collect = (): PartitionFetchResult[] =>
      requests.map((request): PartitionFetchResult => {
        const log = this.store.topics.get(request.topic)?.[request.partition] ?? [];
        const start = this.store.logStart.get(toSplitId(request)) ?? 0;
        if (request.fetchOffset < start || request.fetchOffset > log.length) {
          return { kind: 'offset-out-of-range', topic: request.topic, partition: request.partition };
        }
        const records = log.slice(request.fetchOffset, request.fetchOffset + this.store.maxRecordsPerFetch);
        return {
          kind: 'records',
          topic: request.topic,
          partition: request.partition,
          records,
          nextFetchOffset: request.fetchOffset + records.length,
        };
      });
    let results = collect();
    const hasData = (list: PartitionFetchResult[]): boolean =>
      list.some((result) => result.kind !== 'records' || result.records.length > 0);
    if (!hasData(results)) {
      await this.store.waitForData(options.maxWaitMs);
      this.check();
      results = collect();
    }
    return results;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
