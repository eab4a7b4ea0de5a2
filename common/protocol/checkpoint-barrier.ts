/**
 * The in-band checkpoint events of a data channel (Flink's CheckpointBarrier and
 * CancelCheckpointMarker), part of the data-plane protocol's ChannelEvent. A source task injects
 * barrier n into its output when the checkpoint coordinator triggers checkpoint n; every task
 * forwards it once it has seen it on its inputs, so the barrier splits each stream into the
 * records before checkpoint n and those after it.
 */

/** How the receiving tasks treat the barrier (Flink's CheckpointOptions alignment type). */
export const CheckpointAlignment = {
  /** Exactly once: block each channel that delivered the barrier until all channels did. */
  aligned: 'aligned',
  /** Exactly once: trigger on the first barrier, persist the in-flight buffers it overtook. */
  unaligned: 'unaligned',
  /** Never block; trigger when the barrier was seen on every channel. */
  atLeastOnce: 'at-least-once',
} as const;
export type CheckpointAlignment = (typeof CheckpointAlignment)[keyof typeof CheckpointAlignment];

export type CheckpointType = 'checkpoint' | 'savepoint';

export interface CheckpointOptions {
  readonly checkpointType: CheckpointType;
  readonly alignment: CheckpointAlignment;
  /** The directory URI every task writes its state files for this checkpoint into. */
  readonly targetLocation: string;
}

export interface CheckpointBarrier {
  readonly type: 'checkpoint-barrier';
  readonly checkpointId: number;
  /** When the coordinator triggered the checkpoint (epoch ms). */
  readonly timestamp: number;
  readonly options: CheckpointOptions;
}

/** "Checkpoint n was aborted upstream": lets downstream tasks stop aligning n at once. */
export interface CancelCheckpointMarker {
  readonly type: 'cancel-barrier';
  readonly checkpointId: number;
}
