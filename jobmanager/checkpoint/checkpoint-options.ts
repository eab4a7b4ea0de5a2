/**
 * What a source task is told when a checkpoint is triggered, and what its barriers carry
 * downstream (Flink's CheckpointOptions). Plain data, so it can travel over the JM↔TM protocol;
 * it imports nothing from `jobmanager/` so it can move to `common/protocol` with the checkpoint
 * messages.
 */
import type { CheckpointType } from './checkpoint-properties.js';

/** How tasks with several inputs treat barriers (Flink's CheckpointOptions.AlignmentType). */
export const AlignmentType = {
  /** EXACTLY_ONCE: a channel that delivered the barrier is blocked until all channels did. */
  ALIGNED: 'ALIGNED',
  /** Never block; records after the barrier may end up in the snapshot. */
  AT_LEAST_ONCE: 'AT_LEAST_ONCE',
  /** Barriers overtake in-flight buffers, which are persisted with the snapshot. */
  UNALIGNED: 'UNALIGNED',
} as const;
export type AlignmentType = (typeof AlignmentType)[keyof typeof AlignmentType];

export interface CheckpointOptions {
  readonly checkpointType: CheckpointType;
  /** Where the tasks write their state for this checkpoint (a directory URI). */
  readonly targetLocation: string;
  readonly alignmentType: AlignmentType;
}

export const CheckpointOptions = {
  /**
   * The options for a checkpoint of the given type, aligned as Flink picks it: AT_LEAST_ONCE mode
   * never aligns; in EXACTLY_ONCE mode savepoints are always aligned (a savepoint holds no in-flight
   * data) and checkpoints are unaligned when enabled.
   */
  forConfig(
    checkpointType: CheckpointType,
    targetLocation: string,
    exactlyOnce: boolean,
    unalignedEnabled: boolean,
  ): CheckpointOptions {
    const alignmentType = !exactlyOnce
      ? AlignmentType.AT_LEAST_ONCE
      : checkpointType !== 'CHECKPOINT' || !unalignedEnabled
        ? AlignmentType.ALIGNED
        : AlignmentType.UNALIGNED;
    return { checkpointType, targetLocation, alignmentType };
  },
};
