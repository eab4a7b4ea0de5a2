/**
 * Which reader owns a topic partition (Flink's KafkaSourceEnumerator.getSplitOwner): the
 * partitions of a topic go round-robin over the readers, starting at an index derived from the
 * topic name, so several topics spread evenly and each partition has one stable owner.
 */
import type { TopicPartition } from './kafka-partition-split.js';

/** Java's `String.hashCode()` (UTF-16 code units, 32-bit overflow), which Flink's formula uses. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** `startIndex = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numReaders; owner = (startIndex + partition) % numReaders`. */
export function getSplitOwner(topicPartition: TopicPartition, numReaders: number): number {
  const startIndex = (Math.imul(javaStringHashCode(topicPartition.topic), 31) & 0x7fffffff) % numReaders;
  return (startIndex + topicPartition.partition) % numReaders;
}
