/**
 * A split of the KafkaSource (Flink's KafkaPartitionSplit): one topic partition with the offset
 * to read from next and, for a bounded source, the offset to stop before. Plain data: splits go
 * from the enumerator to readers and into checkpoints, where `startingOffset` is the reader's
 * position (the next offset to emit).
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface KafkaPartitionSplit extends TopicPartition {
  /** `topic-partition`, as Flink names it. */
  readonly splitId: string;
  /** The offset of the next record to emit. */
  readonly startingOffset: number;
  /** Exclusive; `null` when unbounded. */
  readonly stoppingOffset: number | null;
}

/** The split ID of a topic partition: `<topic>-<partition>` (unique: the partition is the last part). */
export function toSplitId(topicPartition: TopicPartition): string {
  return `${topicPartition.topic}-${topicPartition.partition}`;
}

export function kafkaPartitionSplit(
  topicPartition: TopicPartition,
  startingOffset: number,
  stoppingOffset: number | null = null,
): KafkaPartitionSplit {
  return {
    splitId: toSplitId(topicPartition),
    topic: topicPartition.topic,
    partition: topicPartition.partition,
    startingOffset,
    stoppingOffset,
  };
}

/** Orders topic partitions by topic, then partition (deterministic logs and requests). */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}
