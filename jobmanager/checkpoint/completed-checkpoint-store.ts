/**
 * The completed checkpoints a job can recover from (Flink's CompletedCheckpointStore and its
 * DefaultCompletedCheckpointStore). Keeps the `state.checkpoints.num-retained` newest, ordered by
 * checkpoint ID; adding one returns those it subsumed, which the caller discards from storage. Pure:
 * the coordinator does the discarding, a highly available variant would also persist the pointers.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';

export interface CompletedCheckpointStore {
  /** Adds a checkpoint; returns the checkpoints it pushed out (oldest first), to be discarded. */
  addCheckpointAndSubsumeOldestOne(checkpoint: CompletedCheckpoint): CompletedCheckpoint[];
  /** The newest completed checkpoint, the one a failover restores. */
  latest(): CompletedCheckpoint | undefined;
  /** Everything retained, oldest first. */
  all(): readonly CompletedCheckpoint[];
  /** Whether a retained checkpoint has this ID. */
  contains(checkpointId: CheckpointId): boolean;
  readonly maxNumberOfRetainedCheckpoints: number;
}

export class DefaultCompletedCheckpointStore implements CompletedCheckpointStore {
  private readonly checkpoints: CompletedCheckpoint[] = [];

  /** @param recovered checkpoints known from before (e.g. found by HA recovery), in any order. */
  constructor(
    readonly maxNumberOfRetainedCheckpoints: number,
    recovered: readonly CompletedCheckpoint[] = [],
  ) {
    if (!Number.isSafeInteger(maxNumberOfRetainedCheckpoints) || maxNumberOfRetainedCheckpoints < 1) {
      throw new FreshetError(
        'ILLEGAL_ARGUMENT',
        `a completed checkpoint store must retain at least 1 checkpoint, got ${maxNumberOfRetainedCheckpoints}`,
      );
    }
    for (const checkpoint of [...recovered].sort((a, b) => a.checkpointId - b.checkpointId)) {
      this.checkpoints.push(checkpoint);
    }
    // More recovered checkpoints than the limit are kept until the next add subsumes them, so the
    // caller discards them through the one path that handles discarding.
  }

  addCheckpointAndSubsumeOldestOne(checkpoint: CompletedCheckpoint): CompletedCheckpoint[] {
    if (CheckpointProperties.isSavepoint(checkpoint.properties)) {
      throw new FreshetError(
        'ILLEGAL_ARGUMENT',
        `savepoint ${checkpoint.checkpointId} cannot be added to the completed checkpoint store: savepoints are owned by the user`,
      );
    }
    const latest = this.latest();
    if (latest !== undefined && checkpoint.checkpointId <= latest.checkpointId) {
      throw new FreshetError(
        'ILLEGAL_ARGUMENT',
        `checkpoint ${checkpoint.checkpointId} is not newer than the latest completed checkpoint ${latest.checkpointId}`,
      );
    }
    this.checkpoints.push(checkpoint);
    const excess = this.checkpoints.length - this.maxNumberOfRetainedCheckpoints;
    return excess > 0 ? this.checkpoints.splice(0, excess) : [];
  }

  latest(): CompletedCheckpoint | undefined {
    return this.checkpoints[this.checkpoints.length - 1];
  }

  all(): readonly CompletedCheckpoint[] {
    return [...this.checkpoints];
  }

  contains(checkpointId: CheckpointId): boolean {
    return this.checkpoints.some((checkpoint) => checkpoint.checkpointId === checkpointId);
  }
}
