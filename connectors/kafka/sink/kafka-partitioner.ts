/**
 * Picks the partition of a record (Flink's FlinkKafkaPartitioner). Called when the record is sent,
 * with the target topic's partition ids in ascending order. Without one, records are partitioned
 * by Kafka's default partitioner (murmur2 of the key; keyless records spread over partitions).
 */
export interface KafkaPartitioner<T> {
  /** Called once per writer, before the first `partition`. */
  open?(parallelInstanceId: number, parallelInstances: number): void;
  partition(
    record: T,
    key: Uint8Array | null,
    value: Uint8Array | null,
    targetTopic: string,
    partitions: readonly number[],
  ): number;
}

/**
 * Each sink subtask writes to one partition: subtask i to `partitions[i % partitions.length]`
 * (Flink's FlinkFixedPartitioner). With fewer subtasks than partitions some partitions stay empty.
 */
export class FlinkFixedPartitioner<T> implements KafkaPartitioner<T> {
  private parallelInstanceId = 0;

  open(parallelInstanceId: number, _parallelInstances: number): void {
    this.parallelInstanceId = parallelInstanceId;
  }

  partition(
    _record: T,
    _key: Uint8Array | null,
    _value: Uint8Array | null,
    _targetTopic: string,
    partitions: readonly number[],
  ): number {
    const partition = partitions[this.parallelInstanceId % partitions.length];
    if (partition === undefined) throw new RangeError(`topic '${_targetTopic}' has no partitions`);
    return partition;
  }
}
