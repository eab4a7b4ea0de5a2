/**
 * What the exactly-once JDBC writer hands to its Committer at a checkpoint, and its checkpointed
 * state. Plain data (stored in checkpoints).
 */

/** A transaction prepared at a checkpoint, committed once the checkpoint completed. */
export interface JdbcCommittable {
  /** The PostgreSQL gid or XA xid (see transaction-id.ts). */
  readonly transactionId: string;
}

/** The writer's state: the checkpoint it was taken at, so transaction names continue after it. */
export interface JdbcWriterState {
  readonly checkpointId: number;
}
