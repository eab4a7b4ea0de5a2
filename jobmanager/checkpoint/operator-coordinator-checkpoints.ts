/**
 * The operator coordinators' part of a checkpoint (Flink's OperatorCoordinatorCheckpointContext),
 * as the CheckpointCoordinator drives it: once the pending checkpoint exists, every coordinator
 * is snapshotted (its state goes into `_metadata` as the operator's coordinator state), then the
 * barriers are injected at the sources, then the coordinators hear that they were; later, that the
 * checkpoint completed or was aborted.
 */
export interface OperatorCoordinatorCheckpoints {
  /** The state of each coordinator for the checkpoint, by operator ID; rejects when one failed. */
  checkpointCoordinators(checkpointId: number): Promise<ReadonlyMap<string, Uint8Array>>;
  /** The triggers of the checkpoint went out to every source (in order with later messages). */
  afterSourceBarrierInjection(checkpointId: number): void;
  notifyCheckpointComplete(checkpointId: number): void;
  /** Also for a checkpoint whose coordinator snapshot failed or never finished. */
  notifyCheckpointAborted(checkpointId: number): void;
}
