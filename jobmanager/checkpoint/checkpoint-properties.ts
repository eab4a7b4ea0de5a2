/**
 * What kind of snapshot a trigger asks for (Flink's CheckpointProperties and CheckpointType /
 * SavepointType). Checkpoints are owned by the runtime: retained up to `num-retained`, subsumed by
 * newer ones and used for failover. Savepoints are owned by the user: never added to the completed
 * checkpoint store, never discarded by the runtime, and forced (they bypass max-concurrent and
 * min-pause). Synchronous savepoints (stop-with-savepoint) additionally notify the tasks, which then
 * commit their side effects and stop.
 */
export const CheckpointType = {
  CHECKPOINT: 'CHECKPOINT',
  /** A savepoint after which the job keeps running. */
  SAVEPOINT: 'SAVEPOINT',
  /** `stop`: a synchronous savepoint after which the job is suspended. */
  SAVEPOINT_SUSPEND: 'SAVEPOINT_SUSPEND',
  /** `stop --drain`: sources emit MAX_WATERMARK first, then the job finishes. */
  SAVEPOINT_TERMINATE: 'SAVEPOINT_TERMINATE',
} as const;
export type CheckpointType = (typeof CheckpointType)[keyof typeof CheckpointType];

export interface CheckpointProperties {
  readonly checkpointType: CheckpointType;
  /** A forced request is triggered even when max-concurrent or min-pause would hold it back. */
  readonly forced: boolean;
  /** Savepoints only: the directory to write to; the storage's default savepoint directory when absent. */
  readonly targetDirectory?: string;
}

export const CheckpointProperties = {
  /** A regular checkpoint (periodic, or requested by hand). */
  checkpoint(): CheckpointProperties {
    return { checkpointType: CheckpointType.CHECKPOINT, forced: false };
  },

  savepoint(
    targetDirectory?: string,
    checkpointType: Exclude<CheckpointType, 'CHECKPOINT'> = CheckpointType.SAVEPOINT,
  ): CheckpointProperties {
    return targetDirectory === undefined
      ? { checkpointType, forced: true }
      : { checkpointType, forced: true, targetDirectory };
  },

  isSavepoint(properties: CheckpointProperties): boolean {
    return properties.checkpointType !== CheckpointType.CHECKPOINT;
  },

  /** Stop-with-savepoint: the tasks wait for the savepoint's completion notification. */
  isSynchronous(properties: CheckpointProperties): boolean {
    return (
      properties.checkpointType === CheckpointType.SAVEPOINT_SUSPEND ||
      properties.checkpointType === CheckpointType.SAVEPOINT_TERMINATE
    );
  },
};
