/**
 * What an exactly-once KafkaSink writer hands to its Committer at a checkpoint, and the writer's
 * own checkpointed state. Both are plain data (they are stored in checkpoints as msgpack).
 */

/** A transaction prepared at a checkpoint: EndTxn(commit) with these makes its records visible. */
export interface KafkaCommittable {
  readonly transactionalId: string;
  /** The transaction's producer id, a decimal int64 (as Kafka's InitProducerId gave it). */
  readonly producerId: string;
  readonly epoch: number;
}

/**
 * Where a writer's transactional ids continue after a restore. Ids are
 * `${transactionalIdPrefix}-${jobId}-${subtaskIndex}-${counter}`; every id from
 * `nextTransactionCounter` on may belong to a transaction of a failed attempt (lingering), and is
 * aborted on restore before the writer writes again.
 */
export interface KafkaWriterState {
  readonly transactionalIdPrefix: string;
  readonly jobId: string;
  readonly subtaskIndex: number;
  readonly nextTransactionCounter: number;
}
