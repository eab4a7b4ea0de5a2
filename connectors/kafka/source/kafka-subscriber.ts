/**
 * Which partitions a KafkaSource reads (Flink's KafkaSubscriber): every partition of a list of
 * topics, of every topic whose whole name matches a pattern, or a fixed set of partitions. Asked
 * again at each partition discovery, so new partitions (and, for a pattern, new topics) appear.
 */
import { UserError } from '../../../common/errors/freshet-error.js';
import { KafkaSourceErrorCode } from './kafka-source-errors.js';
import { compareTopicPartitions, toSplitId, type TopicPartition } from './kafka-partition-split.js';
import type { KafkaSourceClient } from './kafka-source-client.js';

export interface KafkaSubscriber {
  getSubscribedTopicPartitions(client: KafkaSourceClient): Promise<TopicPartition[]>;
  toString(): string;
}

/** Kafka's own topics, which `listTopics` leaves out as Kafka's admin client does. */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Retryable: a topic may be created a moment after the job starts; the enumerator waits a bounded time. */
export function unknownTopicError(topics: readonly string[]): UserError {
  const names = topics.map((topic) => `'${topic}'`).join(', ');
  return new UserError(
    KafkaSourceErrorCode.unknownTopic,
    `KafkaSource: topic${topics.length === 1 ? '' : 's'} ${names} ` +
      `${topics.length === 1 ? 'does' : 'do'} not exist on the Kafka cluster; create ${topics.length === 1 ? 'it' : 'them'} or fix the topics given to the KafkaSource`,
    { retryable: true },
  );
}

function partitionsOf(described: Map<string, number[]>): TopicPartition[] {
  const result: TopicPartition[] = [];
  for (const [topic, partitions] of described) {
    for (const partition of partitions) result.push({ topic, partition });
  }
  return result.sort(compareTopicPartitions);
}

class TopicListSubscriber implements KafkaSubscriber {
  constructor(private readonly topics: readonly string[]) {}

  async getSubscribedTopicPartitions(client: KafkaSourceClient): Promise<TopicPartition[]> {
    const described = await client.describeTopics(this.topics);
    const missing = this.topics.filter((topic) => !described.has(topic));
    if (missing.length > 0) throw unknownTopicError(missing);
    return partitionsOf(described);
  }

  toString(): string {
    return `topics [${this.topics.join(', ')}]`;
  }
}

class TopicPatternSubscriber implements KafkaSubscriber {
  private readonly pattern: RegExp;

  constructor(pattern: RegExp | string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
    // Java's Matcher.matches(): the whole topic name must match.
    this.pattern = new RegExp(`^(?:${source})$`, flags);
  }

  async getSubscribedTopicPartitions(client: KafkaSourceClient): Promise<TopicPartition[]> {
    const topics = (await client.listTopics()).filter(
      (topic) => !INTERNAL_TOPICS.has(topic) && this.pattern.test(topic),
    );
    if (topics.length === 0) return [];
    return partitionsOf(await client.describeTopics(topics));
  }

  toString(): string {
    return `topic pattern ${String(this.pattern)}`;
  }
}

class PartitionSetSubscriber implements KafkaSubscriber {
  constructor(private readonly partitions: readonly TopicPartition[]) {}

  async getSubscribedTopicPartitions(client: KafkaSourceClient): Promise<TopicPartition[]> {
    const topics = [...new Set(this.partitions.map((partition) => partition.topic))];
    const described = await client.describeTopics(topics);
    const missingTopics = topics.filter((topic) => !described.has(topic));
    if (missingTopics.length > 0) throw unknownTopicError(missingTopics);
    const missing = this.partitions.filter(
      (partition) => !(described.get(partition.topic) ?? []).includes(partition.partition),
    );
    if (missing.length > 0) {
      throw new UserError(
        KafkaSourceErrorCode.unknownPartition,
        `KafkaSource: partition${missing.length === 1 ? '' : 's'} ${missing.map(toSplitId).join(', ')} ` +
          'given to setPartitions do not exist on the Kafka cluster',
        { retryable: true },
      );
    }
    return [...this.partitions].sort(compareTopicPartitions);
  }

  toString(): string {
    return `partitions [${this.partitions.map(toSplitId).join(', ')}]`;
  }
}

export const KafkaSubscriber = {
  topics: (topics: readonly string[]): KafkaSubscriber => new TopicListSubscriber([...new Set(topics)]),
  pattern: (pattern: RegExp | string): KafkaSubscriber => new TopicPatternSubscriber(pattern),
  partitions: (partitions: readonly TopicPartition[]): KafkaSubscriber => {
    const unique = new Map(partitions.map((partition) => [toSplitId(partition), partition]));
    return new PartitionSetSubscriber([...unique.values()]);
  },
};
