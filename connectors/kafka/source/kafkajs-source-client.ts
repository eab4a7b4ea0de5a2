/**
 * KafkaSourceClient over kafkajs. kafkajs has no `assign()`: its consumer only reads through a
 * consumer group. So this client works one level lower, on the kafkajs `Cluster` (its typed
 * connection pool and metadata cache, the one kafkajs hands to custom partition assigners): it
 * sends Fetch requests for exactly the given partitions and offsets to their leaders, lists
 * offsets, and commits offsets for a group without members — what Kafka's Java consumer does
 * after `assign()`. kafkajs's own retries are off; KafkaSource code retries with a deadline.
 */
import type { Broker, Cluster, PartitionAssigner } from 'kafkajs';
import { loadKafkajs } from '../../../common/lazy-modules.js';
import { compareTopicPartitions, toSplitId, type TopicPartition } from './kafka-partition-split.js';
import type {
  FetchOptions,
  KafkaConsumerRecord,
  KafkaHeaderValue,
  KafkaSourceClient,
  OffsetSpec,
  PartitionFetchRequest,
  PartitionFetchResult,
} from './kafka-source-client.js';
import { IsolationLevel, type KafkaSourceConfig } from './kafka-source-options.js';

/** A record as kafkajs decodes it from a fetch response (not in its public types). */
interface RawMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Record<string, KafkaHeaderValue>;
  readonly isControlRecord?: boolean;
  readonly batchContext?: {
    readonly firstOffset?: string;
    readonly lastOffsetDelta?: number;
    readonly producerId?: string;
    readonly inTransaction?: boolean;
  };
}

interface RawPartitionData {
  readonly partition: number;
  readonly abortedTransactions?: readonly { readonly producerId: string; readonly firstOffset: string }[];
  readonly messages: readonly RawMessage[];
}

interface RawFetchResponse {
  readonly responses: readonly {
    readonly topicName: string;
    readonly partitions: readonly RawPartitionData[];
  }[];
}

/** Errors after which kafkajs's cached metadata is stale (Kafka's "invalid metadata" errors). */
const STALE_METADATA = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'BROKER_NOT_AVAILABLE',
  'REPLICA_NOT_AVAILABLE',
]);
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

export class KafkajsSourceClient implements KafkaSourceClient {
  private readonly cluster: Cluster;
  private readonly config: KafkaSourceConfig;
  private connected: Promise<void> | undefined;

  constructor(config: KafkaSourceConfig, clientId: string) {
    this.config = config;
    const { Kafka, logLevel } = loadKafkajs();
    const kafka = new Kafka({
      clientId,
      brokers: [...config.bootstrapServers],
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    let captured: Cluster | undefined;
    const capture: PartitionAssigner = ({ cluster }) => {
      captured = cluster;
      return {
        name: 'FreshetUnused',
        version: 0,
        assign: () => Promise.resolve([]),
        protocol: () => ({ name: 'FreshetUnused', metadata: Buffer.alloc(0) }),
      };
    };
    // The consumer is never connected: it only builds the Cluster with our isolation level.
    kafka.consumer({
      groupId: `${clientId}-unused`,
      partitionAssigners: [capture],
      metadataMaxAge: config.metadataMaxAgeMs,
      allowAutoTopicCreation: false,
      readUncommitted: config.isolationLevel === IsolationLevel.READ_UNCOMMITTED,
    });
    if (captured === undefined) throw new Error('kafkajs did not hand its cluster to the partition assigner');
    this.cluster = captured;
  }

  private async connect(): Promise<void> {
    this.connected ??= this.cluster.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  async listTopics(): Promise<string[]> {
    await this.connect();
    const metadata = await this.cluster.metadata();
    return metadata.topicMetadata.map((topic) => topic.topic).sort();
  }

  async describeTopics(topics: readonly string[]): Promise<Map<string, number[]>> {
    await this.connect();
    const wanted = new Set(topics);
    const metadata = await this.cluster.metadata();
    const result = new Map<string, number[]>();
    for (const topic of metadata.topicMetadata) {
      if (!wanted.has(topic.topic)) continue;
      result.set(
        topic.topic,
        topic.partitionMetadata.map((partition) => partition.partitionId).sort((a, b) => a - b),
      );
    }
    return result;
  }

  async listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (partitions.length === 0) return result;
    await this.connect();
    const byTopic = groupByTopic(partitions);
    await this.withMetadataFor(partitions, async () => {
      const offsets = await this.cluster.fetchTopicsOffset(
        [...byTopic].map(([topic, ids]) => {
          const base = { topic, partitions: ids.map((partition) => ({ partition })) };
          return spec.kind === 'timestamp'
            ? { ...base, fromTimestamp: spec.timestamp }
            : { ...base, fromBeginning: spec.kind === 'earliest' };
        }),
      );
      for (const topic of offsets) {
        for (const { partition, offset } of topic.partitions) {
          const value = Number(offset);
          if (value >= 0) result.set(toSplitId({ topic: topic.topic, partition }), value);
        }
      }
    });
    return result;
  }

  async fetchCommittedOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (partitions.length === 0) return result;
    await this.connect();
    const coordinator = await this.coordinator(groupId);
    const response = await coordinator.offsetFetch({
      groupId,
      topics: [...groupByTopic(partitions)].map(([topic, ids]) => ({
        topic,
        partitions: ids.map((partition) => ({ partition, offset: '-1' })),
      })),
    });
    for (const topic of response.responses) {
      for (const { partition, offset } of topic.partitions) {
        const value = Number(offset);
        if (value >= 0) result.set(toSplitId({ topic: topic.topic, partition }), value);
      }
    }
    return result;
  }

  async commitOffsets(
    groupId: string,
    offsets: readonly (TopicPartition & { readonly offset: number })[],
  ): Promise<void> {
    if (offsets.length === 0) return;
    await this.connect();
    const coordinator = await this.coordinator(groupId);
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const entry of [...offsets].sort(compareTopicPartitions)) {
      const list = byTopic.get(entry.topic) ?? [];
      list.push({ partition: entry.partition, offset: String(entry.offset) });
      byTopic.set(entry.topic, list);
    }
    await coordinator.offsetCommit({
      groupId,
      // A group without members accepts commits with no generation (Kafka's "simple" commits).
      groupGenerationId: -1,
      memberId: '',
      retentionTime: -1,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
  }

  async fetch(
    requests: readonly PartitionFetchRequest[],
    options: FetchOptions,
  ): Promise<PartitionFetchResult[]> {
    if (requests.length === 0) return [];
    await this.connect();
    return this.withMetadataFor(requests, async () => {
      const byLeader = new Map<string, PartitionFetchRequest[]>();
      for (const request of requests) {
        const leaders = this.cluster.findLeaderForPartitions(request.topic, [request.partition]);
        const leader = Object.keys(leaders)[0];
        // Still without a leader after the refresh: fetched in a later round.
        if (leader === undefined) continue;
        const list = byLeader.get(leader) ?? [];
        list.push(request);
        byLeader.set(leader, list);
      }
      const perLeader = await Promise.all(
        [...byLeader].map(([nodeId, partitions]) => this.fetchFromLeader(nodeId, partitions, options)),
      );
      return perLeader.flat();
    });
  }

  private async fetchFromLeader(
    nodeId: string,
    requests: readonly PartitionFetchRequest[],
    options: FetchOptions,
  ): Promise<PartitionFetchResult[]> {
    const broker = await this.cluster.findBroker({ nodeId });
    const offsets = new Map(requests.map((request) => [toSplitId(request), request.fetchOffset]));
    let response: RawFetchResponse;
    try {
      response = (await broker.fetch({
        isolationLevel: this.config.isolationLevel === IsolationLevel.READ_COMMITTED ? 1 : 0,
        maxWaitTime: options.maxWaitMs,
        minBytes: this.config.fetchMinBytes,
        maxBytes: this.config.fetchMaxBytes,
        topics: [...groupByTopic(requests)].map(([topic, ids]) => ({
          topic,
          partitions: ids.map((partition) => ({
            partition,
            fetchOffset: String(offsets.get(toSplitId({ topic, partition }))),
            maxBytes: this.config.maxPartitionFetchBytes,
          })),
        })),
      })) as RawFetchResponse;
    } catch (error) {
      const { name, topic, partition } = error as { name?: unknown; topic?: unknown; partition?: unknown };
      if (name === 'KafkaJSOffsetOutOfRange' && typeof topic === 'string' && typeof partition === 'number') {
        return [{ kind: 'offset-out-of-range', topic, partition }];
      }
      throw error;
    }
    const results: PartitionFetchResult[] = [];
    for (const { topicName, partitions } of response.responses) {
      for (const data of partitions) {
        const fetchOffset = offsets.get(toSplitId({ topic: topicName, partition: data.partition }));
        if (fetchOffset === undefined) continue;
        results.push(toFetchResult(topicName, data, fetchOffset));
      }
    }
    return results;
  }

  private async coordinator(groupId: string): Promise<Broker> {
    return this.cluster.findGroupCoordinator({ groupId });
  }

  /**
   * Runs `call` with metadata for the partitions loaded (refreshed when one is missing: a partition
   * added since); stale-metadata errors refresh it, then rethrow for the caller's retry.
   */
  private async withMetadataFor<T>(
    partitions: readonly TopicPartition[],
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      await this.cluster.addMultipleTargetTopics([
        ...new Set(partitions.map((partition) => partition.topic)),
      ]);
      await this.cluster.refreshMetadataIfNecessary();
      const missing = partitions.some(
        ({ topic, partition }) =>
          !this.cluster
            .findTopicPartitionMetadata(topic)
            .some((metadata) => metadata.partitionId === partition),
      );
      if (missing) await this.cluster.refreshMetadata();
      return await call();
    } catch (error) {
      const { type, name } = error as { type?: unknown; name?: unknown };
      if (
        (typeof type === 'string' && STALE_METADATA.has(type)) ||
        name === 'KafkaJSBrokerNotFound' ||
        name === 'KafkaJSConnectionError' ||
        name === 'KafkaJSTopicMetadataNotLoaded'
      ) {
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connected = undefined;
    await this.cluster.disconnect();
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of [...partitions].sort(compareTopicPartitions)) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return byTopic;
}

/**
 * The records of one partition's fetch data: those at or after the fetch offset, without control
 * records and without records of aborted transactions (read_committed lists those), and the next
 * fetch offset past every record batch the response held.
 */
export function toFetchResult(
  topic: string,
  data: RawPartitionData,
  fetchOffset: number,
): PartitionFetchResult {
  let nextFetchOffset = fetchOffset;
  const aborted = [...(data.abortedTransactions ?? [])].sort(
    (a, b) => Number(a.firstOffset) - Number(b.firstOffset),
  );
  const abortedProducers = new Set<string>();
  const records: KafkaConsumerRecord[] = [];
  for (const message of data.messages) {
    const offset = Number(message.offset);
    const batch = message.batchContext;
    const batchEnd =
      batch?.firstOffset !== undefined && batch.lastOffsetDelta !== undefined
        ? Number(batch.firstOffset) + batch.lastOffsetDelta + 1
        : offset + 1;
    if (batchEnd > nextFetchOffset) nextFetchOffset = batchEnd;
    if (offset < fetchOffset) continue;
    while (aborted.length > 0 && offset >= Number(aborted[0]!.firstOffset)) {
      abortedProducers.add(aborted.shift()!.producerId);
    }
    const producerId = batch?.producerId ?? '';
    if (message.isControlRecord === true) {
      if (message.key !== null && Buffer.from(message.key).equals(ABORT_MARKER_KEY)) {
        abortedProducers.delete(producerId);
      }
      continue;
    }
    if (batch?.inTransaction === true && abortedProducers.has(producerId)) continue;
    records.push({
      topic,
      partition: data.partition,
      offset,
      timestamp: Number(message.timestamp),
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
    });
  }
  return { kind: 'records', topic, partition: data.partition, records, nextFetchOffset };
}
